"""The cross-process database lock and the "being served" mark (mapping.store.locks)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from mapping.store import Busy, locks


def _hold(path: str, seconds: float, ready: threading.Event) -> None:
    with locks.exclusive(path, wait=5):
        ready.set()
        time.sleep(seconds)  # holding the lock is what is tested: another unit must wait for it


def test_a_unit_of_work_gives_up_after_the_lock_wait_with_one_line(db_path, monkeypatch):
    from mapping.store import Store

    store = Store(str(db_path))
    ready = threading.Event()
    holder = threading.Thread(target=_hold, args=(str(db_path), 2.0, ready))
    holder.start()
    ready.wait(5)
    monkeypatch.setenv("ATLAS_LOCK_WAIT", "0.2")
    try:
        with pytest.raises(Busy) as caught:
            store.count("actors")
        assert "\n" not in str(caught.value) and "ATLAS_LOCK_WAIT" in str(caught.value)
    finally:
        holder.join()
    assert store.count("actors") > 30  # free again: the same store works


def test_a_unit_of_work_waits_for_a_short_hold(db_path, monkeypatch):
    from mapping.store import Store

    store = Store(str(db_path))
    ready = threading.Event()
    holder = threading.Thread(target=_hold, args=(str(db_path), 0.3, ready))
    holder.start()
    ready.wait(5)
    monkeypatch.setenv("ATLAS_LOCK_WAIT", "10")
    assert store.count("actors") > 30
    holder.join()


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
