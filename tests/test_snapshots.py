"""Published snapshots (mapping.store.snapshots): public data only, atomic switch, viewers follow."""
from __future__ import annotations

import os

import duckdb
import pytest

from mapping.auth import PermissionDenied, User
from mapping.store import NoSnapshot, ReadOnly, Store, snapshots

CURATOR = User("amina", "curator")


def _snapshot_rows(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def curated(store):
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    draft = store.save("actor", {"name": "Association Brouillon", "kind": "ngo", "country": "MA"},
                       user=CURATOR, source="note")
    with store.transaction() as cur:  # something only curators may read, on a published file
        cur.execute("UPDATE actors SET contact_email = 'private@example.org' WHERE id = 'commune-oujda'")
    return store, draft


def test_a_snapshot_holds_only_what_visitors_may_see(curated):
    store, draft = curated
    published = snapshots.current(store.path)
    assert published is not None and published.exists()
    assert _snapshot_rows(published, "SELECT count(*) FROM users") == [(0,)]
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("SELECT count(*) FROM actors WHERE id = ?", [draft["id"]]).fetchone() == (0,)
    con.close()
    assert _snapshot_rows(published, "SELECT count(*) FROM actors WHERE status <> 'published' "
                                     "AND merged_into IS NULL") == [(0,)]
    private = _snapshot_rows(published, "SELECT count(*) FROM actors WHERE contact_name IS NOT NULL "
                                        "OR contact_role IS NOT NULL OR contact_email IS NOT NULL")
    assert private == [(0,)]
    assert _snapshot_rows(published, "SELECT count(*) FROM changes WHERE username IS NOT NULL "
                                     "OR before IS NOT NULL OR after IS NOT NULL") == [(0,)]
    # ...and everything public is there, the same as the live database's public reads.
    viewer = Store(store.path, read_only=True)
    try:
        assert viewer.count_actors() == store.count_actors()
        assert viewer.actor("commune-oujda")["name"] == store.actor("commune-oujda")["name"]
        assert viewer.data_version() == store.data_version()
        assert viewer.actor("commune-oujda", private=True)["contact_email"] is None
        assert store.actor("commune-oujda", private=True)["contact_email"] == "private@example.org"
    finally:
        viewer.close()


def test_account_changes_publish_nothing(store):
    """Accounts are never in a snapshot: creating, using or closing one leaves visitors' file as
    it is (rewriting it would only cost the writer time and the viewers their caches)."""
    before = snapshots.current(store.path)
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    assert store.sign_in("amina", "wrong passphrase", "s1").user is None
    store.unlock_user("amina", by=None, trusted=True)
    store.change_password("amina", "curator passphrase", "another long passphrase")
    store.end_session(store.start_session("amina", 60))
    store.deactivate_user("amina", by=None, trusted=True)
    assert snapshots.current(store.path) == before
    store.add_user("chief", "admin passphrase here", "admin", trusted=True)
    store.save("actor", {"name": "Association Publique", "kind": "ngo", "country": "MA", "status": "published"},
               user=User("chief", "admin"), source="note")
    assert snapshots.current(store.path) != before  # a public change still publishes


def test_a_table_the_snapshot_does_not_know_is_published_empty(store):
    with store.transaction() as cur:
        cur.execute("CREATE TABLE newsletter (email VARCHAR)")
        cur.execute("INSERT INTO newsletter VALUES ('someone@example.org')")
    published = snapshots.current(store.path)
    assert _snapshot_rows(published, "SELECT count(*) FROM newsletter") == [(0,)]


def test_viewers_move_to_each_new_snapshot_without_reopening(store):
    store.publish()
    viewer = Store(store.path, read_only=True)
    try:
        first = viewer._snapshot.file
        before = viewer.count_actors()
        store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
        store.save("actor", {"name": "Association Nouvelle", "kind": "ngo", "country": "SN", "status": "published"},
                   user=CURATOR, source="note")
        assert viewer.count_actors() == before + 1  # the same store object, the next query
        assert viewer._snapshot.file != first
        with pytest.raises(ReadOnly), viewer.transaction():
            pass
        with pytest.raises((ReadOnly, PermissionDenied)):  # a viewer knows no accounts either
            viewer.save("actor", {"name": "X", "kind": "ngo", "country": "SN"}, user=CURATOR, source="note")
    finally:
        viewer.close()


def test_the_current_pointer_is_replaced_atomically_and_old_files_pruned(store):
    for _ in range(snapshots.KEEP + 3):
        store.publish()
    folder = snapshots.directory(store.path)
    files = sorted(folder.glob("snap-*.duckdb"))
    assert len(files) == snapshots.KEEP
    assert snapshots.current(store.path) == files[-1]
    assert os.path.islink(folder / "current") and not list(folder.glob(".current-*"))
    assert not list(folder.glob(".tmp-*"))


def test_a_reader_keeps_reading_a_snapshot_pruned_under_it(store):
    store.publish()
    viewer = Store(store.path, read_only=True)
    try:
        old = viewer._snapshot.file
        for _ in range(snapshots.KEEP + 1):
            store.publish()
        assert not old.exists()
        cur = viewer._snapshot._con  # the cursor that attached the deleted file
        assert cur.execute("SELECT count(*) FROM actors").fetchone()[0] > 30
        assert viewer._snapshot.refresh() and viewer._snapshot.file == snapshots.current(store.path)
    finally:
        viewer.close()


def test_a_viewer_of_an_unpublished_database_says_so(tmp_path):
    Store(str(tmp_path / "new.duckdb")).close()
    for item in snapshots.directory(str(tmp_path / "new.duckdb")).iterdir():
        item.unlink()
    with pytest.raises(NoSnapshot, match="nothing has been published"):
        Store(str(tmp_path / "new.duckdb"), read_only=True)


def test_version_is_read_from_the_name(store):
    store.publish()
    assert snapshots.version_of(snapshots.current(store.path)) == store.data_version()
    assert store.publish(unless_current=True) == snapshots.current(store.path)  # nothing new: not republished
