"""Published snapshots: what visitors and viewer processes read.

After every committed write the writing process copies the *public* part of the database into
a new file in ``<db>.snapshots/`` (written under a temporary name, flushed to disk, renamed),
then points ``current`` (a symbolic link) at it with an atomic rename. Snapshots are
immutable: any number of processes open the current one read-only (DuckDB allows many
read-only processes on one file) and move to a newer one when ``current`` changes, as
datasette serves immutable databases from replicas.

A snapshot holds only what visitors may see: published records, no private contact fields, no
accounts, no drafts, an audit log without names or contents. Tables this module does not know
are copied empty (same columns): a new table is private until its line here says otherwise.
Backups, which need everything, are taken from a private copy instead (:func:`private_copy`).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

import duckdb

from ..errors import UserError
from .base import PRIVATE_COLUMNS, _literal, _rollback, attach, cursor_on, detach, new_alias
from .locks import exclusive

#: How many published files to keep (older ones are deleted; a viewer still reading one keeps it
#: alive until it moves on: an open file outlives its name).
KEEP = 4

#: Rows each table contributes to a snapshot: ``None`` copies every row, a string is the WHERE
#: clause (it may refer to tables already copied, as ``{snap}.name``). Order matters.
PUBLIC_ROWS: dict[str, str | None] = {
    "schema_version": None,
    "settings": None,
    "sources": None,
    "actors": "status = 'published'",
    "projects": "status = 'published'",
    "events": "status = 'published'",
    "relations": "status = 'published' AND source_actor IN (SELECT id FROM {snap}.actors WHERE status = 'published') "
                 "AND target_actor IN (SELECT id FROM {snap}.actors WHERE status = 'published')",
    "project_roles": "project_id IN (SELECT id FROM {snap}.projects) "
                     "AND actor_id IN (SELECT id FROM {snap}.actors WHERE status = 'published')",
    "participations": "event_id IN (SELECT id FROM {snap}.events) "
                      "AND actor_id IN (SELECT id FROM {snap}.actors WHERE status = 'published')",
    "actor_areas": "actor_id IN (SELECT id FROM {snap}.actors WHERE status = 'published')",
    "citations": "CASE record_type "
                 "WHEN 'actor' THEN record_id IN (SELECT id FROM {snap}.actors WHERE status = 'published') "
                 "WHEN 'project' THEN record_id IN (SELECT id FROM {snap}.projects) "
                 "WHEN 'event' THEN record_id IN (SELECT id FROM {snap}.events) "
                 "WHEN 'relation' THEN record_id IN (SELECT id FROM {snap}.relations) ELSE true END",
    "tours": None,  # presented to anyone from the Tours page
    # When the data last changed ("data as of"), never who changed what or how.
    "changes": "record_type <> 'user'",
}

#: Rows added after the public ones, with only the columns named (the rest NULL): a merged
#: duplicate's id and name, so an old link to it still leads to the file it was merged into.
EXTRA_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "actors": ("status <> 'published' AND merged_into IS NOT NULL",
               ("id", "name", "kind", "country", "status", "merged_into")),
}

#: Columns blanked in a snapshot, per table (the audit log keeps only what, where and when).
BLANKED: dict[str, tuple[str, ...]] = {
    "actors": PRIVATE_COLUMNS,
    "changes": ("username", "before", "after", "note"),
    "tours": ("created_by",),  # a curator's account name
}


class NoSnapshot(UserError, RuntimeError):
    """Nothing has been published for this database yet."""


def directory(db_path: str) -> Path:
    return Path(db_path + ".snapshots")


def current(db_path: str) -> Path | None:
    """The current snapshot file of ``db_path``, or None if none was published."""
    folder = directory(db_path)
    try:
        return folder / os.readlink(folder / "current")
    except (FileNotFoundError, OSError):
        return None


def version_of(snapshot: Path) -> int:
    """The data version a snapshot was published at, from its name.

    >>> version_of(Path("atlas.duckdb.snapshots/snap-00000042-1790000000000000000.duckdb"))
    42
    """
    return int(snapshot.name.split("-")[1])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_public(con: duckdb.DuckDBPyConnection, live: str, snap: str) -> None:
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "ORDER BY table_name", [live]).fetchall()]
    # Every column at once: a look-up of the catalogue costs about a millisecond, and one per
    # table and blanked column was a third of publishing.
    types: dict[str, dict[str, str]] = {}
    for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = 'main' ORDER BY table_name, column_index", [live]).fetchall():
        types.setdefault(table, {})[column] = data_type
    ordered = [t for t in PUBLIC_ROWS if t in tables] + [t for t in tables if t not in PUBLIC_ROWS]
    for table in ordered:  # names come from the catalogue; quoted as identifiers
        columns = types[table]
        blank = set(BLANKED.get(table, ()))
        select = ", ".join(f'CAST(NULL AS {columns[c]}) AS "{c}"' if c in blank else f'"{c}"' for c in columns)
        where = PUBLIC_ROWS.get(table, "false") if table in PUBLIC_ROWS else "false"
        where = "true" if where is None else where.format(snap=snap)
        con.execute(f'CREATE TABLE {snap}."{table}" AS SELECT {select} FROM "{live}"."{table}" WHERE {where}')
        if table in EXTRA_ROWS:
            condition, kept = EXTRA_ROWS[table]
            kept_list = ", ".join(f'"{c}"' for c in kept if c in columns)
            con.execute(f'INSERT INTO {snap}."{table}" BY NAME SELECT {kept_list} FROM "{live}"."{table}" '
                        f"WHERE {condition}")


def publish(con: duckdb.DuckDBPyConnection, db_path: str) -> Path:
    """Write the public part of the database open on ``con`` (the caller holds the database
    lock) as a new snapshot and make it current. Returns the snapshot's path."""
    folder = directory(db_path)
    folder.mkdir(exist_ok=True)
    live = con.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]  # always one row
    version = con.execute("SELECT value FROM settings WHERE key = 'data_version'").fetchone()
    stamp = f"{int(version[0]) if version else 0:08d}-{time.time_ns()}"
    tmp = folder / f".tmp-{stamp}.duckdb"
    final = folder / f"snap-{stamp}.duckdb"
    # READ_WRITE: the live file may be open read-only (a database this process cannot write).
    # A name of its own: units of work of other threads share this process's instance.
    snap = new_alias("atlas_snapshot")
    con.execute(f"ATTACH {_literal(tmp)} AS {snap} (READ_WRITE)")
    try:
        con.execute("BEGIN TRANSACTION")  # one commit, not one per table: a fifth less time
        try:
            _copy_public(con, live, snap)
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)  # a failed COMMIT has ended the transaction already: its error is the one to see
            raise
    finally:
        con.execute(f"DETACH {snap}")
    _fsync(tmp)
    os.replace(tmp, final)
    link = folder / f".current-{stamp}"
    os.symlink(final.name, link)
    os.replace(link, folder / "current")  # atomic: readers see the old or the new file, never none
    _fsync(folder)
    _prune(folder, final)
    return final


def _prune(folder: Path, keep: Path) -> None:
    files = sorted(folder.glob("snap-*.duckdb"))
    for old in files[:-KEEP]:
        if old != keep:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)
    for stale in folder.glob(".tmp-*"):  # left by a process that died while publishing
        if time.time() - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)


class Reader:
    """Read-only access to the latest snapshot, shared by every thread of a process. Each call
    of :meth:`cursor` may move to a newer snapshot (at most every ``interval`` seconds; ``0``
    checks every time — reading a link costs microseconds). Sessions are untouched: their
    next query simply runs on the newer file."""

    def __init__(self, db_path: str, interval: float | None = None):
        self.db_path = db_path
        self.interval = float(os.environ.get("ATLAS_SNAPSHOT_CHECK", 0)) if interval is None else interval
        self._lock = threading.Lock()
        self._local = threading.local()
        self._con: duckdb.DuckDBPyConnection | None = None  # holds the current file attached
        self._alias = ""
        self._file: Path | None = None
        self._generation = 0
        self._checked = 0.0
        # The previous files stay attached a little while: another thread may still
        # be reading through one of them.
        self._retired: deque = deque()
        self.refresh()
        if self._con is None:
            raise NoSnapshot(f"nothing has been published for {db_path} yet: start the writing app "
                             "(or run `python -m mapping publish`) first")

    @property
    def file(self) -> Path | None:
        return self._file

    def refresh(self) -> bool:
        """Move to the current snapshot if it changed; True if it did."""
        latest = current(self.db_path)
        self._checked = time.monotonic()
        if latest is None or latest == self._file:
            return False
        with self._lock:
            if latest == self._file:
                return False
            try:  # attached to this process's instance (see base.attach): a millisecond, not 13
                con = attach(str(latest), read_only=True)
            except (duckdb.IOException, FileNotFoundError):
                return False  # pruned between reading the link and opening it: the next check finds the newer one
            if self._con is not None:
                self._retired.append(self._con)
                while len(self._retired) > 2:
                    detach(self._retired.popleft())
            self._con, self._file = con, latest
            self._alias = con.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]  # one row
            self._generation += 1
            return True

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if time.monotonic() - self._checked >= self.interval:
            self.refresh()
        mine = getattr(self._local, "cursor", None)
        if mine is None or mine[0] != self._generation:
            assert self._con is not None  # __init__ raised NoSnapshot otherwise
            mine = (self._generation, cursor_on(self._alias))
            self._local.cursor = mine
        return mine[1]

    def close(self) -> None:
        with self._lock:
            for con in [*self._retired, self._con]:
                if con is not None:
                    detach(con)
            self._retired.clear()
            self._con = None


def private_copy(db_path: str) -> Path:
    """A consistent private copy of the whole database file (taken under the database lock, in
    a new directory only this user can read): what backups are made from, so the lock is held
    only for a file copy. The caller removes the directory."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-copy-", dir=str(Path(db_path).resolve().parent)))
    target = folder / "atlas.duckdb"
    with exclusive(db_path):
        shutil.copyfile(db_path, target)
        wal = Path(db_path + ".wal")  # left by a process that crashed mid-write: replayed on open
        if wal.exists():
            shutil.copyfile(wal, str(target) + ".wal")
    return target
