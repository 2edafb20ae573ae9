"""pages/_ui.py: the one private Streamlit flag the app touches, pinned to the Streamlit version.

Why the flag: the layout keeps page scripts in ``pages/``, and Streamlit starts every process (and
every AppTest) in its legacy multipage mode when a folder of that name sits beside the main
script: ``PagesManager.uses_pages_directory`` is set from the folder's existence and the script
runner then runs a deep-linked page *instead of* app.py, without the navigation and sidebar. Only
``st.navigation`` clears the flag, and only once app.py has run. No public option turns the legacy
mode off (``client.showSidebarNavigation`` only hides its menu), so ``_ui.ensure_app`` clears the
flag and reruns. These tests fail when an upgrade changes any of that: re-check, then re-pin.
"""
from __future__ import annotations

import inspect

import streamlit
from streamlit.testing.v1 import AppTest


def test_streamlit_is_the_version_the_flag_was_checked_against():
    assert streamlit.__version__ == "1.67.0", "re-read this module's docstring against the new Streamlit"


def test_streamlit_still_switches_modes_on_that_flag():
    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    assert hasattr(PagesManager, "uses_pages_directory")
    assert "if PagesManager.uses_pages_directory:" in inspect.getsource(script_runner)  # legacy runner
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)


def test_a_deep_link_runs_inside_app_py(app_db):
    """Opening a page's URL first still runs app.py around it: its sidebar (search, language) is there."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "en"
    at.switch_page("pages/about.py").run()
    assert not at.exception
    assert [t for t in at.text_input if t.key == "f_q"], "the sidebar of app.py did not run"
    assert at.title[0].value != ""  # the About page itself ran too
