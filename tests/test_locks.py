"""The cross-process database lock and the "being served" mark (mapping.store.locks)."""
from __future__ import annotations

import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest

from mapping.store import Busy, Store, locks


@contextmanager
def _held_by_another(path: str, seconds: float):
    """Another unit of work holding the database for ``seconds``, or until the block ends
    (from another thread: each unit opens its own lock file description, so threads exclude
    each other like processes)."""
    ready, done = threading.Event(), threading.Event()

    def hold() -> None:
        with locks.exclusive(path, wait=5):
            ready.set()
            done.wait(seconds)  # holding the lock is what is tested

    holder = threading.Thread(target=hold)
    holder.start()
    assert ready.wait(5)
    try:
        yield
    finally:
        done.set()
        holder.join()


def test_a_unit_of_work_gives_up_after_the_lock_wait_with_one_line(db_path, monkeypatch):
    store = Store(str(db_path))
    monkeypatch.setenv("ATLAS_LOCK_WAIT", "0.2")
    with _held_by_another(str(db_path), 60), pytest.raises(Busy) as caught:  # held until Busy is raised
        store.count("actors")
    assert "\n" not in str(caught.value) and "ATLAS_LOCK_WAIT" in str(caught.value)
    assert store.count("actors") > 30  # free again: the same store works


def test_a_unit_of_work_waits_for_a_short_hold(db_path, monkeypatch):
    store = Store(str(db_path))
    monkeypatch.setenv("ATLAS_LOCK_WAIT", "10")
    with _held_by_another(str(db_path), 0.3):
        assert store.count("actors") > 30


def test_the_serving_mark_is_seen_by_other_processes_and_dropped_on_exit(tmp_path):
    db = str(tmp_path / "served.duckdb")
    assert not locks.in_use(db)
    code = ("import sys, time; from mapping.store import locks; locks.mark_serving(sys.argv[1]); "
            "print('serving', flush=True); time.sleep(30)")
    server = subprocess.Popen([sys.executable, "-c", code, db], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "serving"
        assert locks.in_use(db)
    finally:
        server.kill()
        server.wait()
    assert not locks.in_use(db)  # the kernel dropped the lock with the process: nothing stale


def test_a_lock_file_that_cannot_be_written_still_excludes_and_one_that_cannot_be_opened_is_skipped(tmp_path,
                                                                                                 monkeypatch):
    """A process that may not write the lock file (a database it can only read) takes the lock
    through a read-only descriptor, which ``flock`` accepts; one that cannot open it at all reads
    without (DuckDB's own file lock remains)."""
    db = str(tmp_path / "atlas.duckdb")

    def denied(path):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(locks, "_open", denied)
    with locks.exclusive(db, wait=0):  # no lock file and none can be made: goes without
        pass
    (tmp_path / "atlas.duckdb.lock").write_bytes(b"")
    with locks.exclusive(db, wait=0):
        with pytest.raises(Busy):  # a second holder, read-only too, is still kept out
            with locks.exclusive(db, wait=0):
                pass
    real_open = locks.os.open
    monkeypatch.setattr(locks.os, "open", lambda path, flags, *a: denied(path) if path.endswith(".lock")
                        else real_open(path, flags, *a))
    with locks.exclusive(db, wait=0):  # another account's private lock file: goes without
        pass


def test_between_units_other_processes_may_write_the_file_and_during_one_none_may_open_it(db_path):
    """Each process attaches the file to one DuckDB instance of its own for a unit of work and
    detaches it after: DuckDB's file lock is held for the unit only, as when each unit opened
    and closed a connection."""
    store = Store(str(db_path))
    assert store.count("actors") > 30  # one unit: attached, then detached
    write = ("import sys, duckdb; con = duckdb.connect(sys.argv[1]); "
             "con.execute(\"UPDATE settings SET value = 'written elsewhere' WHERE key = 'site_title'\"); con.close()")
    subprocess.run([sys.executable, "-c", write, str(db_path)], check=True, timeout=60)
    assert store.setting("site_title") == "written elsewhere"  # read fresh from the file
    peek = "import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True)"
    with store.unit():
        held = subprocess.run([sys.executable, "-c", peek, str(db_path)], capture_output=True, text=True, timeout=60)
    assert held.returncode != 0 and "lock" in held.stderr.lower()
    assert subprocess.run([sys.executable, "-c", peek, str(db_path)], timeout=60).returncode == 0
