"""pages/_errors.py: a failing page or record shows a short message with an error id, never a
traceback, and the rest of the atlas keeps working."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mapping import present

ROOT = Path(__file__).resolve().parent.parent


def _app(**params) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _boom(*args, **kwargs):
    raise RuntimeError("/srv/secret/path.py exploded")


def test_a_failing_page_shows_an_error_id_and_the_others_still_work(app_db, monkeypatch, expected_page_errors):
    monkeypatch.setattr(present, "directory_table", _boom)
    at = _app(lang="en").run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    error_id = re.search(r"error ([0-9a-f]{8})", shown).group(1)
    assert "secret" not in shown and "Traceback" not in shown
    assert [e[0] for e in expected_page_errors] == [error_id]  # the details are in the log under that id
    assert "exploded" in expected_page_errors[0][2]
    assert at.multiselect(key="f_countries").options  # the sidebar still works
    at.switch_page("pages/about.py").run()
    assert not at.error and at.title[0].value == "About the atlas"


def test_a_record_that_cannot_be_displayed_is_named_by_its_id(app_db, monkeypatch, expected_page_errors):
    monkeypatch.setattr(present, "partner_groups", _boom)
    at = _app(lang="fr", actor="commune-oujda")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes
    assert "Impossible d'afficher cette fiche (commune-oujda" in warning
    assert len(expected_page_errors) == 1 and "secret" not in warning


def test_streamlit_shows_no_error_details_and_no_raw_table_downloads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True
