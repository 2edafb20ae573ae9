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


def _fails_on(monkeypatch, *texts: str) -> None:
    """Make escaping exactly ``texts`` (a record's name) raise, as a value no page can display would."""
    from pages import _ui

    real = _ui.escape
    monkeypatch.setattr(_ui, "escape", lambda text: _boom() if text in texts else real(text))


def _record_warning(at: AppTest, record_id: str) -> None:
    warning = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes
    assert f"Could not display this record ({record_id};" in warning and "secret" not in warning


def test_the_map_panel_of_a_record_that_cannot_be_displayed_names_it(app_db, monkeypatch, expected_page_errors):
    from mapping.store import Store

    giz = Store(str(app_db)).actor("giz")
    _fails_on(monkeypatch, giz["name"])
    at = _app(lang="en", actor="giz")
    at.switch_page("pages/map.py").run()
    assert not at.exception and not at.error
    _record_warning(at, "giz")
    assert at.get("component_instance")  # the map itself is drawn
    assert [where for _, where, _ in expected_page_errors] == ["record giz"]


def test_the_network_panel_of_a_record_that_cannot_be_displayed_names_it(app_db, monkeypatch,
                                                                       expected_page_errors):
    from mapping.store import Store

    giz = Store(str(app_db)).actor("giz")
    _fails_on(monkeypatch, giz["name"], giz["acronym"])
    at = _app(lang="en", actor="giz")
    at.switch_page("pages/network.py").run()
    assert not at.exception and not at.error
    _record_warning(at, "giz")
    assert [c for c in at.get("bidi_component") if c.proto.component_name == "atlas_network"]
    assert any("name" in df.value.columns for df in at.dataframe)
    assert [where for _, where, _ in expected_page_errors] == ["record giz"]


def test_a_partner_suggestion_that_cannot_be_displayed_names_it_and_the_others_show(app_db, monkeypatch,
                                                                                  expected_page_errors):
    from mapping.store import Store

    _fails_on(monkeypatch, Store(str(app_db)).actor("ms2")["name"])
    at = _app(lang="en", of="commune-oujda", on="health", **{"for": "migrants"})
    at.switch_page("pages/partners.py").run()
    assert not at.exception and not at.error
    _record_warning(at, "ms2")
    assert any("reachable through GIZ via RECOMIG" in m.value for m in at.markdown)  # the next suggestions
    assert [where for _, where, _ in expected_page_errors] == ["record ms2"]


def test_one_side_of_a_duplicate_pair_that_cannot_be_displayed_names_it(app_db, monkeypatch, expected_page_errors):
    from mapping.auth import User
    from mapping.store import Store

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    dup = store.save("actor", {"name": "AMAPPE Rabat", "acronym": "AMAPPE", "kind": "ngo", "country": "MA"},
                     user=User("amina", "curator"), source="partners.csv")
    store.close()
    _fails_on(monkeypatch, dup["id"])  # its caption (id · status · version) cannot be written
    at = _app(lang="en")
    at.session_state["user"] = User("amina", "curator", "Amina")
    at.switch_page("pages/duplicates.py").run()
    assert not at.exception and not at.error
    _record_warning(at, dup["id"])
    assert at.button(key="dup_merge")  # the other side and the merge button are still there
    assert [where for _, where, _ in expected_page_errors] == [f"record {dup['id']}"]
