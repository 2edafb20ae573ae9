"""pages/_stores.py in the running app: who reads what, a busy database, viewer mode."""
from __future__ import annotations

import threading

from streamlit.testing.v1 import AppTest

from mapping.auth import User
from mapping.store import Store, locks


def _app(**params) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in {"lang": "en", **params}.items():
        at.query_params[key] = value
    return at


class _Held:
    """Another process's unit of work (a backup, an import) holding the database."""

    def __init__(self, db) -> None:
        self.db, self.held, self.release = str(db), threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        with locks.exclusive(self.db):
            self.held.set()
            self.release.wait(60)

    def __enter__(self) -> _Held:
        self.thread.start()
        assert self.held.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join()


def test_a_busy_database_is_one_line_for_curators_and_nothing_for_visitors(app_db, monkeypatch):
    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    curator = _app(edit="commune-oujda")
    curator.session_state["user"] = User("amina", "curator", "Amina")
    curator.switch_page("pages/edit.py").run()
    assert not curator.exception
    visitor = _app()
    visitor.run()
    monkeypatch.setenv("ATLAS_LOCK_WAIT", "0.2")
    with _Held(app_db):
        curator.text_area(key="ed_description").input("Written while a backup held the database")
        next(b for b in curator.button if b.label == "Save").click().run()  # the callback meets the lock
        assert not curator.exception
        assert any("busy" in w.value for w in curator.warning)
        visitor.text_input(key="f_q").input("oujda").run()  # visitors read the snapshot: no lock, no wait
        assert not visitor.exception and not visitor.warning
        assert any("commune-oujda" in df.value.to_string() for df in visitor.dataframe)
    assert store.record("actor", "commune-oujda")["description"] != "Written while a backup held the database"
    curator.run()  # free again: the curator's form kept the text; saving now works
    next(b for b in curator.button if b.label == "Save").click().run()
    assert not curator.exception and not curator.warning
    assert store.record("actor", "commune-oujda")["description"] == "Written while a backup held the database"


def test_visitors_read_the_snapshot_and_curators_the_live_database(app_db):
    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    store.save("actor", {"name": "Association Encore Brouillon", "kind": "ngo", "country": "MA"},
               user=User("amina", "curator"), source="note")
    visitor = _app()
    visitor.run()
    visitor.text_input(key="f_q").input("Encore Brouillon").run()
    assert not visitor.exception
    assert not any("association-encore-brouillon" in df.value.to_string() for df in visitor.dataframe)
    from pages import _stores

    assert _stores._public(str(app_db)).read_only  # the store visitors were given
    curator = _app()
    curator.session_state["user"] = User("amina", "curator", "Amina")
    curator.switch_page("pages/edit.py").run()
    assert not curator.exception
    assert "Association Encore Brouillon · draft" in curator.selectbox(key="ed_pick").options


def test_the_writing_app_publishes_a_database_without_a_current_snapshot_at_its_first_run(app_db):
    """A database written while no app ran (no snapshot yet, or an older one): the app publishes
    it before serving, so visitors see it at once (the tests' copies are otherwise served as is)."""
    import shutil

    from mapping.store import snapshots

    shutil.rmtree(snapshots.directory(str(app_db)))
    visitor = _app()
    visitor.run()
    assert not visitor.exception and not visitor.warning  # no "nothing published yet"
    assert snapshots.version_of(snapshots.current(str(app_db))) == Store(str(app_db)).data_version()
    assert any("amappe" in df.value.to_string() for df in visitor.dataframe)


def test_a_viewer_process_serves_the_snapshot_with_no_sign_in(app_db, monkeypatch):
    Store(str(app_db)).publish()
    monkeypatch.setenv("ATLAS_MODE", "viewer")
    at = _app()
    at.run()
    assert not at.exception
    assert "signin_user" not in [t.key for t in at.text_input]
    assert any("Read-only copy" in c.value for c in at.caption)
    at.text_input(key="f_q").input("oujda").run()
    assert any("commune-oujda" in df.value.to_string() for df in at.dataframe)
    assert locks.in_use(str(app_db))  # a viewer marks the database as served too
