"""Cross-process locks beside a database file.

DuckDB lets one process at a time open a file for writing, so every process of the atlas (the
writing app, the command line, cron jobs) opens the live file only for one unit of work, under
``<db>.lock``, and waits for it at most ``ATLAS_LOCK_WAIT`` seconds. A running app also holds a
shared lock on ``<db>.serving`` for its whole life, so ``init --force`` can tell a database in use
from an idle one. Both are ``flock`` locks: the kernel drops them when a process dies, so a crash
never leaves a stale lock behind.
"""
from __future__ import annotations

import errno
import fcntl
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import UserError

#: Seconds a unit of work waits for the database before giving up (``ATLAS_LOCK_WAIT``).
DEFAULT_WAIT = 10.0
_POLL = 0.01


class Busy(UserError, RuntimeError):
    """The database stayed busy longer than the lock wait. Its message is one line meant for
    people (the command line prints it as it is; the app shows a translated line instead)."""


def lock_wait() -> float:
    """Seconds to wait for the database lock, from ``ATLAS_LOCK_WAIT``.

    >>> os.environ["ATLAS_LOCK_WAIT"] = "2.5"; lock_wait()
    2.5
    >>> os.environ["ATLAS_LOCK_WAIT"] = "soon"; lock_wait()
    10.0
    >>> del os.environ["ATLAS_LOCK_WAIT"]
    """
    try:
        return max(0.0, float(os.environ.get("ATLAS_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _open(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def _open_lock(path: str) -> int | None:
    """The lock file, created if need be; read-only if it cannot be written (``flock`` works on
    any descriptor); None if it cannot be opened at all (a read-only folder without one, or
    another account's private lock file): the reader then goes without, and DuckDB's own file
    lock still refuses a read while a writer holds the file (:class:`Busy`)."""
    try:
        return _open(path)
    except PermissionError:
        pass
    except OSError as exc:
        if exc.errno != errno.EROFS:
            raise
    try:
        return os.open(path, os.O_RDONLY)
    except (FileNotFoundError, PermissionError):
        return None


@contextmanager
def exclusive(db_path: str, wait: float | None = None) -> Iterator[None]:
    """Hold ``<db>.lock`` exclusively (between processes and between threads: each call opens
    its own file description), waiting at most ``wait`` seconds, else raise :class:`Busy`."""
    wait = lock_wait() if wait is None else wait
    fd = _open_lock(db_path + ".lock")
    if fd is None:
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"the database {db_path} is busy (another process has held it for more than "
                               f"{wait:g} s); try again, or set ATLAS_LOCK_WAIT to wait longer") from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


_serving: dict[str, int] = {}
_serving_guard = threading.Lock()


def mark_serving(db_path: str) -> None:
    """Mark ``db_path`` as served by this process until it exits (a shared lock on
    ``<db>.serving``; any number of app processes may hold it). Idempotent."""
    with _serving_guard:
        if db_path in _serving:
            return
        try:  # a viewer may run with read-only access to the data folder
            fd = os.open(db_path + ".serving", os.O_RDONLY)
        except FileNotFoundError:
            try:
                fd = _open(db_path + ".serving")
            except OSError as exc:  # serve anyway; only `init --force`'s check is weaker
                print(f"warning: cannot mark {db_path} as served: {exc}", file=sys.stderr)
                return
        fcntl.flock(fd, fcntl.LOCK_SH)
        _serving[db_path] = fd


def in_use(db_path: str) -> bool:
    """Whether a running app serves ``db_path`` (someone holds ``<db>.serving``)."""
    if not os.path.exists(db_path + ".serving"):
        return False
    fd = os.open(db_path + ".serving", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's lock
    return False
