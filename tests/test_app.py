"""AppTest of every page: runs without exception on the seeded data and shows what it must."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mapping.filters import Filters
from mapping.present import escape
from mapping.store import Store

TIMEOUT = 60


def _app(**params) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _count_header(at: AppTest) -> str:
    return next(s.value for s in at.subheader if "actor" in s.value or "acteur" in s.value)


def test_directory_lists_actors_and_filters_change_the_count(app_db):
    store = Store(str(app_db))
    at = _app(lang="en").run()
    assert not at.exception
    total = store.count_actors()
    assert _count_header(at) == f"{total} actors"
    assert at.multiselect(key="f_countries").options  # the sidebar offers the countries present
    senegal = store.count_actors(Filters(countries=("SN",)))
    assert 0 < senegal < total
    at = _app(lang="en", country="SN").run()
    assert not at.exception
    assert _count_header(at) == f"{senegal} actors"
    assert at.multiselect(key="f_countries").value == ["SN"]
    assert at.query_params["country"] == "SN"


def test_sidebar_filter_widget_updates_count_and_url(app_db):
    at = _app(lang="en").run()
    at.multiselect(key="f_kinds").set_value(["municipality"]).run()
    assert not at.exception
    n = Store(str(app_db)).count_actors(Filters(kinds=("municipality",)))
    assert _count_header(at) == f"{n} actors"
    assert at.query_params["kind"] == "municipality"


def test_search_is_accent_insensitive_in_the_page(app_db):
    at = _app(lang="en", q="fes").run()
    assert not at.exception
    names = " ".join(" ".join(df.value["name"].astype(str)) for df in at.dataframe if "name" in df.value.columns)
    assert "Fès" in names
    assert at.text_input(key="f_q").value == "fes"


def test_filters_from_the_url_are_applied(app_db):
    at = _app(lang="en", kind="municipality", country="MA").run()
    assert not at.exception
    assert at.multiselect(key="f_kinds").value == ["municipality"]
    assert int(_count_header(at).split()[0]) == Store(str(app_db)).count_actors(
        Filters(kinds=("municipality",), countries=("MA",))) >= 10


def test_french_interface(app_db):
    at = _app(lang="fr").run()
    assert not at.exception
    assert at.title[0].value == "Annuaire des acteurs"


def test_deep_link_opens_the_right_file(app_db):
    at = _app(lang="en", actor="commune-oujda")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    assert "Oujda" in at.title[0].value
    markdown = " ".join(m.value for m in at.markdown)
    assert "Partners" in [s.value for s in at.subheader]
    cited = Store(str(app_db)).actor_citations("commune-oujda")
    assert len(cited) >= 3
    assert all(escape(title) in markdown for title in cited["title"].unique())


def test_private_contacts_not_shown_to_visitors(app_db):
    store = Store(str(app_db))
    row = store.table("actors").dropna(subset=["contact_name"]).iloc[0]
    at = _app(lang="en", actor=row["id"])
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    everything = " ".join(e.value for e in list(at.markdown) + list(at.caption) + list(at.title) if isinstance(e.value, str))
    assert row["contact_name"] not in everything


def test_unknown_id_shows_a_message(app_db):
    at = _app(lang="en", actor="no-such-actor")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    assert any("no-such-actor" in e.value for e in at.error)


def test_about_page_lists_sources(app_db):
    at = _app(lang="en")
    at.switch_page("pages/about.py").run()
    assert not at.exception
    sources = at.dataframe[0].value
    assert len(sources) == 5
    assert any(m.label == "Actors" and int(m.value) > 30 for m in at.metric)
