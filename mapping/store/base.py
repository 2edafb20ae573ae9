"""Connection and migrations: the base every part of :class:`mapping.store.Store` stands on.

A local file is attached, for each unit of work, to the one in-memory DuckDB instance of the
process, through a cursor of the unit's own (DuckDB connections are not thread-safe and cursors
are; Streamlit runs a thread per session); ``:memory:`` and URLs keep one connection per store,
a cursor per thread. The schema is
``schema.sql`` (versioned, additive blocks). Shared row helpers and the audit log writer live
here because every write module uses them.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ..errors import UserError

if TYPE_CHECKING:
    from ..auth import User
    from ..filters import Filters

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = ROOT / "data" / "atlas.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.sql"

#: Columns anonymous viewers never see.
PRIVATE_COLUMNS = ("contact_name", "contact_role", "contact_email")

#: Columns of the directory / map / graph frames (no private fields, no long text).
LIST_COLUMNS = (
    "id", "name", "acronym", "name_ar", "kind", "country", "region_code", "region",
    "city", "lat", "lon", "themes", "target_groups", "status",
)

#: Columns of exports (the organisation file without private contacts).
EXPORT_COLUMNS = (
    "id", "name", "acronym", "name_fr", "name_en", "name_ar", "other_names", "kind", "country", "region_code",
    "region", "city", "lat", "lon", "themes", "target_groups", "website", "public_email", "public_phone",
    "description", "evidence", "place_evidence", "dates_evidence", "evidence_note", "status",
)

DEFAULT_SETTINGS = {
    "data_version": ("0", "Bumped by every write; caches are keyed on it."),
    "site_title": ("Migration Actors Atlas", "Title shown in the header and exports."),
    "data_licence": ("CC BY 4.0", "Licence under which the atlas data is published."),
}

# Text that search compares against: names in every language, acronym, other names.
_SEARCH_TEXT = (
    "strip_accents(lower(concat_ws(' ', a.name, a.acronym, a.name_fr, a.name_en, a.name_ar, "
    "array_to_string(coalesce(a.other_names, []), ' '))))"
)


#: Record types curators edit one by one, and their tables.
_RECORD_TABLES = {"actor": "actors", "relation": "relations", "project": "projects", "event": "events"}


class ReadOnly(UserError, RuntimeError):
    """A write on a viewer (read-only) store, or on a database this process cannot write."""


def write_problem(path: str) -> str | None:
    """Why this process cannot write the database file ``path``, or None if it can (or the path
    is not a local file). The folder counts as much as the file: the lock file, DuckDB's
    write-ahead log and the published snapshots are created beside it. Root passes
    ``os.access`` almost everywhere (not on a read-only mount), so opening also turns DuckDB's
    own permission errors into the same state (see :meth:`Connection.unit`).

    >>> write_problem(":memory:") is None, write_problem("md:atlas") is None
    (True, True)
    """
    if not _is_file_path(path):
        return None
    file, folder, lock = Path(path), Path(path).resolve().parent, Path(path + ".lock")
    if file.exists() and not os.access(file, os.W_OK):
        return f"the database file {path} is read-only"
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder of {path} is read-only"
    if lock.exists() and not os.access(lock, os.W_OK):
        return f"the lock file {lock} is read-only"
    return None


#: What DuckDB and the system say when a file cannot be written.
_DENIED = ("permission denied", "read-only file system", "read-only mode", "attached in read-only")


def _denied(exc: BaseException) -> bool:
    """Whether an error says the database cannot be written (not that it is busy or broken).

    >>> _denied(duckdb.IOException('IO Error: Cannot open file "x.duckdb": Permission denied'))
    True
    >>> _denied(duckdb.IOException("IO Error: Could not set lock on file"))
    False
    """
    return any(text in str(exc).lower() for text in _DENIED)


def _connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, with DuckDB's own lock conflict (a process that does not use the
    atlas lock, e.g. an older app or the DuckDB shell, holds the file) as a one-line :class:`Busy`."""
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        raise _busy_or(exc, path) from None


def _busy_or(exc: duckdb.IOException, path: str) -> Exception:
    from .locks import Busy

    if "lock" in str(exc).lower():
        return Busy(f"the database {path} is held by another program that does not share it "
                    "(an older app or a DuckDB shell); stop it, then try again")
    return exc


# Starting a DuckDB instance costs some 13 ms of CPU (a thread pool, a buffer manager, the
# built-in catalogue); attaching a file to a running one about 1 ms. So each process keeps one
# in-memory instance, and every unit of work attaches its file to it and detaches it after:
# between units the file is as free for other processes (DuckDB's own file lock and
# checkpoint included) as if it had been opened and closed.
_instance: tuple[int, duckdb.DuckDBPyConnection] | None = None
_instance_guard = threading.Lock()
_aliases = itertools.count(1)


def _cursor() -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) to this process's in-memory instance; each thread its own."""
    global _instance
    with _instance_guard:
        if _instance is None or _instance[0] != os.getpid():  # a forked child starts its own
            _instance = (os.getpid(), duckdb.connect(":memory:"))
        return _instance[1].cursor()


def new_alias(prefix: str) -> str:
    """A database name no other attachment in this process uses (names are per instance).

    >>> new_alias("snap") != new_alias("snap")
    True
    """
    return f"{prefix}_{next(_aliases)}"


def attach(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The database file ``path`` attached to this process's instance (read-write, created if
    missing, or read-only) and made the default database of a new cursor: unqualified names mean
    its tables. Give it back with :func:`detach`. The caller holds the database lock."""
    cur = _cursor()
    alias = new_alias("atlas")
    try:
        cur.execute(f"ATTACH {_literal(path)} AS {alias} ({'READ_ONLY' if read_only else 'READ_WRITE'})")
    except duckdb.IOException as exc:
        cur.close()
        raise _busy_or(exc, path) from None
    except BaseException:
        cur.close()
        raise
    cur.execute(f"USE {alias}")
    return cur


def cursor_on(alias: str) -> duckdb.DuckDBPyConnection:
    """A new cursor (for another thread) on a file :func:`attach` attached as ``alias``."""
    cur = _cursor()
    cur.execute(f"USE {alias}")
    return cur


def detach(cur: duckdb.DuckDBPyConnection) -> None:
    """Detach the file :func:`attach` gave ``cur`` (checkpointed and unlocked, as a closed
    connection's would be) and close the cursor."""
    try:
        alias = cur.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]  # one row
        _rollback(cur)  # a transaction left open (nothing commits on its own) would refuse the detach
        cur.execute("USE memory")
        cur.execute(f"DETACH {alias}")
    finally:
        cur.close()


def _literal(path: Path | str) -> str:
    """A path as an SQL string literal.

    >>> _literal("it's.duckdb")
    "'it''s.duckdb'"
    """
    return "'" + str(path).replace("'", "''") + "'"


class _OneShot:
    """``cursor()`` outside a unit of work on a file database: each ``execute`` is a unit of its
    own (a write among them publishes a snapshot) and returns its rows already fetched. Prefer
    ``with store.unit() as cur:`` for more than one statement."""

    _READS = ("SELECT", "WITH", "FROM", "DESCRIBE", "SHOW", "PRAGMA", "EXPLAIN", "SUMMARIZE")

    def __init__(self, store: Connection):
        self._store = store

    def execute(self, sql: str, params: list | tuple | dict | None = None) -> _Fetched:
        with self._store.unit() as con:
            result = _Fetched(con.execute(sql, params or []))
            if not sql.lstrip().upper().startswith(self._READS):
                self._store._local.dirty = True
            return result


class _Fetched:
    """A result fetched before its connection closed."""

    def __init__(self, result: duckdb.DuckDBPyConnection):
        self.description = result.description
        self._rows = result.fetchall() if result.description else []

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def df(self) -> pd.DataFrame:
        return pd.DataFrame(self.fetchall(), columns=[d[0] for d in self.description or []])


class Conflict(UserError):
    """Saving over a newer version than the editor started from. ``current`` is the stored
    record; ``changes`` maps each field that differs to ``(as the editor saw or typed it, as
    stored now)``."""

    def __init__(self, current: dict, changes: dict[str, tuple[Any, Any]]):
        self.current, self.changes = current, changes
        fields = ", ".join(changes) or "the record"
        super().__init__(f"Someone saved a newer version (v{current['version']}) meanwhile; changed: {fields}.")


class ParticipantConflict(Conflict):
    """Undoing or restoring a participant change (a project role or an event participation) over
    a later change of the same row. ``later`` is that change as logged."""

    def __init__(self, record_type: str, row_id: str, later: dict):
        owner_id, actor_id, role = row_id.split("|", 2)
        done = "added" if later["after"] is not None else "removed"
        when = str(later["changed_at"])[:16]
        self.later = later
        UserError.__init__(self, f"{actor_id} as {role} of {owner_id} changed since: {done} by {later['username']} "
                                 f"at {when} (change {later['id']}); reload and choose again.")
        self.current = {"version": later["id"], "id": row_id}
        self.changes = {record_type: (None, later["after"])}


def default_path() -> str:
    """Database path from ``ATLAS_DB``, else the default file under ``data/``."""
    return os.environ.get("ATLAS_DB") or str(DEFAULT_DB)


def schema_blocks(text: str | None = None) -> list[tuple[int, str]]:
    """Split ``schema.sql`` into ``(version, sql)`` blocks, in order.

    >>> schema_blocks("-- version: 1\\nCREATE TABLE a (x INT);\\n-- version: 2\\nALTER TABLE a ADD y INT;")
    [(1, 'CREATE TABLE a (x INT);'), (2, 'ALTER TABLE a ADD y INT;')]
    """
    text = SCHEMA_FILE.read_text(encoding="utf-8") if text is None else text
    parts = re.split(r"^-- version: (\d+)\s*$", text, flags=re.M)
    return [(int(parts[i]), parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back, unless DuckDB already did (a failed COMMIT ends its transaction itself)."""
    try:
        cur.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


def _is_file_path(path: str) -> bool:
    """False for ``:memory:`` and URLs such as ``md:atlas``; True for plain file paths.

    >>> _is_file_path("data/atlas.duckdb"), _is_file_path("md:atlas"), _is_file_path(":memory:")
    (True, False, False)
    """
    return path != ":memory:" and not re.match(r"^[A-Za-z][\w+.-]+:", path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored values as display values, in place: in every text or list column an empty cell
    is ``None`` (DuckDB gives NaN in text columns, which sorts, joins and writes badly) and a
    list is a Python list. Numeric and time columns keep NaN/NaT. Every read goes through it,
    so pages and builders handle one kind of "missing".

    >>> df = display_frame(pd.DataFrame({"s": pd.Series(["a", None], dtype="str"), "x": [1.0, None]}))
    >>> df["s"].tolist(), df["x"].isna().tolist()
    (['a', None], [False, True])
    """
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            frame[column] = pd.Series([_display_value(v) for v in series], index=frame.index, dtype=object)
    return frame


def _display_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        return value.tolist()
    return value


class Connection:
    """The DuckDB connection, schema migrations, settings, generic table access and the
    helpers every write shares (row snapshots, the audit log, the data version).

    Parameters
    ----------
    path : str, optional
        DuckDB database path or URL; defaults to :func:`default_path`.
    read_only : bool
        Viewer: serve the latest published snapshot of ``path`` read-only (see
        :mod:`.snapshots`), switching to a newer one as soon as it is published. For a URL
        (``md:...``), the database itself opened read-only.

    Opening never seeds: :func:`mapping.seed.init_database` creates a seeded database.

    Notes
    -----
    A local file is opened only for one *unit of work* at a time (:meth:`unit`), under the
    cross-process lock of :mod:`.locks`, and closed after it: nothing holds DuckDB's write lock
    between units, so the command line, cron jobs and other app processes can use the file
    while an app serves it. Every committed write publishes a public snapshot before the lock
    is released. ``:memory:`` and URLs keep one connection for the store's life (a URL's
    server arbitrates concurrent clients itself; nothing here assumes it is a file).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = str(path) if path is not None else default_path()
        self.read_only = read_only
        self.is_file = _is_file_path(self.path)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._held: duckdb.DuckDBPyConnection | None = None
        self._snapshot = None
        #: Why this process cannot write the file (then it is opened read-only, every write is
        #: refused with this reason and the app shows "edits are off"), or None.
        self.edits_off: str | None = None
        #: The database whose published snapshots visitors read (see :meth:`publish`).
        self.public_path = self.path
        if read_only and self.is_file:
            from .snapshots import Reader

            self._snapshot = Reader(self.path)
        elif not self.is_file:
            self._held = _connect(self.path, read_only=read_only)
        else:
            self.edits_off = write_problem(self.path)
            if not self.edits_off:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if not read_only:
            self.migrate()

    # -- connection -------------------------------------------------------------------------
    @contextmanager
    def unit(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One unit of work: this thread's connection, opened (under the database lock) on entry
        and closed on exit unless an enclosing unit or :meth:`batch` keeps it. Nested units
        share the outer one's connection.

        Raises :class:`.locks.Busy` when the lock is not free within ``ATLAS_LOCK_WAIT``.
        """
        current = getattr(self._local, "con", None)
        if current is not None:
            yield current
            return
        if self._snapshot is not None:
            yield self._snapshot.cursor()
            return
        if self._held is not None:
            cur = getattr(self._local, "cursor", None)
            if cur is None:
                cur = self._local.cursor = self._held.cursor()
            yield cur
            return
        from . import locks

        with locks.exclusive(self.path):
            con = self._open_file()
            self._local.con, self._local.dirty = con, False
            try:
                yield con
            finally:
                try:
                    if self._local.dirty:  # something was committed, even if an error followed
                        self._publish(con)
                finally:
                    self._local.con = None
                    detach(con)

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        """The file for one unit of work: for writing, or read-only when this process cannot
        write it (found beforehand by :func:`write_problem`, or now, from DuckDB's own error)."""
        if self.edits_off:
            return attach(self.path, read_only=True)
        try:
            return attach(self.path)
        except duckdb.Error as exc:
            if not _denied(exc) or not Path(self.path).exists():
                raise
            self._denied_by(exc)
            return attach(self.path, read_only=True)

    def _denied_by(self, exc: BaseException) -> None:
        """Edits are off from now on: DuckDB refused to write the file (``exc`` says why)."""
        self.edits_off = f"the database file {self.path} cannot be written ({str(exc).splitlines()[0]})"

    def _refuse_write(self) -> ReadOnly:
        return ReadOnly(f"edits are off: {self.edits_off}; reading (stats, export, backup) still works")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Keep one unit open for a whole sequence of calls (a page run, a command): one
        opening of the file instead of one per query, at the price of holding the lock
        throughout. Only for work that does not wait on people."""
        with self.unit():
            yield

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection inside :meth:`unit` (and always, for held connections)."""
        current = getattr(self._local, "con", None)
        if current is not None:
            return current
        if self._snapshot is not None:
            return self._snapshot.cursor()
        if self._held is not None:
            with self.unit() as cur:
                return cur
        return _OneShot(self)  # type: ignore[return-value]  # the part of the cursor API callers use

    def close(self) -> None:
        if self._held is not None:
            self._held.close()
        if self._snapshot is not None:
            self._snapshot.close()
        if self.public_path != self.path:  # the private folder of _publish_elsewhere
            shutil.rmtree(Path(self.public_path).parent, ignore_errors=True)

    def _df(self, sql: str, params: list | tuple | dict | None = None) -> pd.DataFrame:
        with self.unit() as cur:
            return display_frame(cur.execute(sql, params or []).df())

    def _one(self, sql: str, params: list | tuple | dict | None = None) -> tuple | None:
        with self.unit() as cur:
            return cur.execute(sql, params or []).fetchone()

    @contextmanager
    def transaction(self, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run writes atomically; any exception rolls everything back. A local file publishes a
        new public snapshot when the outermost unit ends (unless ``publish`` is false)."""
        if self.read_only:
            raise ReadOnly("this atlas is a read-only viewer; edit it in the writing instance")
        if self.edits_off:
            raise self._refuse_write()
        with self._write_lock, self.unit() as con:
            if self.edits_off:  # found on opening the file just now
                raise self._refuse_write()
            cur = con.cursor() if self._held is not None else con
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute("COMMIT")
            except duckdb.Error as exc:
                _rollback(cur)
                if not _denied(exc):
                    raise
                # DuckDB refused to write (the file or its folder became read-only): say so once.
                self._denied_by(exc)
                raise self._refuse_write() from None
            except BaseException:
                _rollback(cur)
                raise
            else:
                if publish:
                    self._local.dirty = True
            finally:
                if cur is not con:
                    cur.close()

    def _publish(self, con: duckdb.DuckDBPyConnection) -> None:
        """Publish the committed state for viewers; a failure is reported, never undoes the write."""
        from .snapshots import publish

        try:
            publish(con, self.path)
        except Exception as exc:  # the write is committed: say so on stderr and keep serving
            print(f"warning: could not publish a snapshot of {self.path}: {exc}", file=sys.stderr)

    def publish(self, *, unless_current: bool = False) -> Path | None:
        """Publish the current state as a snapshot now; with ``unless_current``, only if the
        current snapshot is of an older data version (the writing app checks at start-up)."""
        if not self.is_file or self.read_only:
            return None
        from .snapshots import current, publish, version_of

        with self.unit() as con:
            latest = current(self.path)
            if self.edits_off:
                return self._publish_elsewhere(con, latest)
            if unless_current and latest is not None and version_of(latest) == self.data_version():
                return latest
            return publish(con, self.path)

    def _publish_elsewhere(self, con: duckdb.DuckDBPyConnection, latest: Path | None) -> Path:
        """For a database this process cannot write: its current snapshot if it is up to date,
        else a new one in a private temporary folder (nothing can be written beside the file).
        :attr:`public_path` names the database whose snapshots visitors then read."""
        from .snapshots import publish, version_of

        if latest is not None and version_of(latest) == self.data_version():
            self.public_path = self.path
            return latest
        if self.public_path == self.path:
            folder = tempfile.mkdtemp(prefix="atlas-read-only-")
            self.public_path = str(Path(folder) / Path(self.path).name)
        return publish(con, self.public_path)

    # -- schema -----------------------------------------------------------------------------
    def schema_version(self) -> int:
        # duckdb_tables(), not information_schema: every store opened asks (0.4 ms against 0.9).
        exists = self._one("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' "
                           "AND database_name = current_database() AND schema_name = 'main'")
        if not exists or not exists[0]:
            return 0
        row = self._one("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply every schema block newer than the database; return the resulting version."""
        with self.unit():
            return self._migrate()

    def _migrate(self) -> int:
        current = self.schema_version()
        if self.edits_off:  # cannot migrate: read the file as it is
            return current
        for version, sql in schema_blocks():
            if version <= current:
                continue
            # Published once the unit ends, like any write: viewers must see the new columns.
            with self.transaction() as cur:
                cur.execute(sql)
                cur.execute(
                    "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                    [version, f"schema.sql block {version}"],
                )
                for key, (value, help_text) in DEFAULT_SETTINGS.items():
                    cur.execute(
                        "INSERT INTO settings (key, value, help) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [key, value, help_text],
                    )
            current = version
        return current

    # -- settings ---------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", [key])
        return row[0] if row else None

    def last_changed(self) -> str:
        """ISO time of the latest change to the data (seed, edit or import): "data as of"."""
        row = self._one("SELECT max(changed_at) FROM changes WHERE record_type <> 'user'")
        return row[0].isoformat() if row and row[0] else ""

    def data_version(self) -> int:
        """A number every write bumps: the key of cached reads."""
        return int(self.setting("data_version") or 0)

    @staticmethod
    def _bump(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(
            "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )

    # -- generic ----------------------------------------------------------------------------
    _TABLES = (
        "actors", "relations", "projects", "project_roles", "events", "participations",
        "sources", "citations", "changes", "users", "actor_areas", "tours", "imports", "import_actors",
    )

    def count(self, table: str) -> int:
        if table not in self._TABLES:
            raise ValueError(f"unknown table {table!r}")
        row = self._one(f"SELECT count(*) FROM {table}")  # table name checked against a fixed list
        return int(row[0]) if row else 0

    def count_changes_beyond_seed(self) -> int:
        """Logged changes other than the seed itself: work that replacing the database would lose."""
        row = self._one("SELECT count(*) FROM changes WHERE action <> 'seed'")
        return int(row[0]) if row else 0

    def checksum(self) -> dict[str, tuple[int, int]]:
        """Row count and an order-independent hash of every table's content: equal before and
        after means nothing was written (the bad-import tests compare them)."""
        # One statement for every table (names from the fixed list): a third of the time of one each.
        sql = " UNION ALL ".join(f"SELECT '{table}', count(*), coalesce(sum(hash(t)), 0) FROM {table} t"
                                 for table in self._TABLES)
        with self.unit() as cur:
            return {table: (int(n), int(h)) for table, n, h in cur.execute(sql).fetchall()}

    def table(self, table: str) -> pd.DataFrame:
        """A whole table (for integrity checks, exports and backups)."""
        if table not in self._TABLES:
            raise ValueError(f"unknown table {table!r}")
        return self._df(f"SELECT * FROM {table}")

    # -- bulk loads (seed, synthetic benchmark data) -------------------------------------------
    _LOAD_ORDER = ("sources", "actors", "projects", "project_roles", "events", "participations",
                   "relations", "citations")

    def insert_frames(self, frames: dict[str, pd.DataFrame], *, username: str = "seed",
                      action: str = "seed", note: str = "initial seed") -> None:
        """Insert whole frames (table name -> rows) in one transaction, logged as one change."""
        unknown = set(frames) - set(self._LOAD_ORDER)
        if unknown:
            raise ValueError(f"cannot bulk-load {sorted(unknown)}")
        with self.transaction() as cur:
            for table in self._LOAD_ORDER:
                frame = frames.get(table)
                if frame is None or frame.empty:
                    continue
                cols = ", ".join(frame.columns)
                cur.register("bulk_frame", frame)
                # table from the fixed list above, columns from our own frames
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM bulk_frame")
                cur.unregister("bulk_frame")
            cur.execute(
                "INSERT INTO changes (username, action, record_type, record_id, after, note) "
                "VALUES (?, ?, 'database', '*', ?, ?)",
                [username, action, json.dumps({t: len(f) for t, f in frames.items()}), note],
            )
            self._bump(cur)

    # -- curation: records, versions, audit log -------------------------------------------------
    def _columns(self, table: str) -> list[str]:
        # Columns change only when migrate() runs, at start-up: read once per store.
        cache = self.__dict__.setdefault("_columns_cache", {})
        if table not in cache:
            cache[table] = self._df(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND table_catalog = current_database() ORDER BY ordinal_position",
                [table])["column_name"].tolist()
        return cache[table]

    def _editable(self, record_type: str) -> list[str]:
        table = _RECORD_TABLES[record_type]
        return [c for c in self._columns(table) if c not in ("id", "created_at", "updated_at", "version")]

    @staticmethod
    def _insert_rows(cur: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert ``rows`` (tuples in ``columns`` order) in one statement: a list per column,
        unnested side by side. ``executemany`` runs its statement once per row (a 3W's thousand
        areas of operation took half a second; this, a hundredth)."""
        if rows:
            cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # names from the schema, not users
                        f"SELECT {', '.join('unnest(?)' for _ in columns)}", [list(c) for c in zip(*rows)])

    @staticmethod
    def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
        """Rows as dicts of JSON-ready values (what the audit log stores)."""
        result = cur.execute(sql, params)
        return [{d[0]: _jsonable(v) for d, v in zip(result.description, r)} for r in result.fetchall()]

    @classmethod
    def _row(cls, cur: duckdb.DuckDBPyConnection, table: str, record_id: str) -> dict | None:
        found = cls._rows(cur, f"SELECT * FROM {table} WHERE id = ?", [record_id])  # table from a fixed list
        return found[0] if found else None

    @classmethod
    def _stored(cls, cur: duckdb.DuckDBPyConnection, table: str, record_id: str) -> dict:
        """The row of a record known to exist (written or checked in this transaction)."""
        row = cls._row(cur, table, record_id)
        if row is None:
            raise LookupError(f"{table} {record_id!r} is missing")
        return row


    def _log(self, cur: duckdb.DuckDBPyConnection, user: str, action: str, record_type: str, record_id: str,
             before: dict | None, after: dict | None, note: str | None = None) -> None:
        cur.execute("INSERT INTO changes (username, action, record_type, record_id, before, after, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [user, action, record_type, record_id,
                     None if before is None else json.dumps(before, ensure_ascii=False, default=str),
                     None if after is None else json.dumps(after, ensure_ascii=False, default=str), note])

    def _write(self, cur: duckdb.DuckDBPyConnection, table: str, record_id: str, values: dict, *,
               new: bool, version: int) -> None:
        cols = list(values)
        if new:
            cur.execute(f"INSERT INTO {table} (id, {', '.join(cols)}, version) "  # names from the schema
                        f"VALUES (?, {', '.join('?' * len(cols))}, ?)", [record_id, *values.values(), version])
        else:
            sets = ", ".join(f"{c} = ?" for c in cols)
            cur.execute(f"UPDATE {table} SET {sets}, version = ?, updated_at = current_timestamp WHERE id = ?",
                        [*values.values(), version, record_id])


    if TYPE_CHECKING:
        # Parts of Store call each other through these; declared here so each part type-checks alone.
        def _acting(self, user: User | None, action: str) -> User: ...  # accounts

        def _new_id(self, cur: duckdb.DuckDBPyConnection, table: str, values: dict) -> str: ...  # writes

        def _save_in(self, cur: duckdb.DuckDBPyConnection, acting: User, record_type: str, values: dict, *,
                     expected_version: int | None = None, source: str | None = None, quote: str | None = None,
                     lang: str = "en", action: str | None = None) -> dict: ...  # writes

        def _undo_merge(self, change: dict, acting: User) -> dict: ...  # merges

        def _version_seen(self, cur: duckdb.DuckDBPyConnection, record_type: str, record_id: str,
                          version: int) -> dict | None: ...  # writes

        @staticmethod
        def _actor_where(filters: Filters, include_unpublished: bool) -> tuple[str, list]: ...  # reads
