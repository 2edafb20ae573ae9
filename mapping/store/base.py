"""Connection and migrations: the base every part of :class:`mapping.store.Store` stands on.

One DuckDB connection per store; each thread (Streamlit runs one per session) gets its own
cursor on it, because DuckDB connections are not thread-safe and cursors are. The schema is
``schema.sql`` (versioned, additive blocks). Shared row helpers and the audit log writer live
here because every write module uses them.
"""
from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from ..auth import User

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
    "description", "status",
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


class Conflict(Exception):
    """Saving over a newer version than the editor started from. ``current`` is the stored
    record; ``changes`` maps each field that differs to ``(as the editor saw or typed it, as
    stored now)``."""

    def __init__(self, current: dict, changes: dict[str, tuple[Any, Any]]):
        self.current, self.changes = current, changes
        fields = ", ".join(changes) or "the record"
        super().__init__(f"Someone saved a newer version (v{current['version']}) meanwhile; changed: {fields}.")


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
        Open the database read-only (no migration).

    Opening never seeds: :func:`mapping.seed.init_database` creates a seeded database.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = str(path) if path is not None else default_path()
        if _is_file_path(self.path):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path, read_only=read_only)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        if not read_only:
            self.migrate()

    # -- connection -------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the shared connection."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        self._con.close()

    def _df(self, sql: str, params: list | tuple | dict | None = None) -> pd.DataFrame:
        return display_frame(self.cursor().execute(sql, params or []).df())

    def _one(self, sql: str, params: list | tuple | dict | None = None) -> tuple | None:
        return self.cursor().execute(sql, params or []).fetchone()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run writes atomically; any exception rolls everything back."""
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    # -- schema -----------------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self._one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        )
        if not exists or not exists[0]:
            return 0
        row = self._one("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply every schema block newer than the database; return the resulting version."""
        current = self.schema_version()
        for version, sql in schema_blocks():
            if version <= current:
                continue
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

    def settings(self) -> pd.DataFrame:
        return self._df("SELECT key, value, help FROM settings ORDER BY key")

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
        "sources", "citations", "changes", "users", "actor_areas", "tours",
    )

    def count(self, table: str) -> int:
        if table not in self._TABLES:
            raise ValueError(f"unknown table {table!r}")
        row = self._one(f"SELECT count(*) FROM {table}")  # table name checked against a fixed list
        return int(row[0]) if row else 0

    def checksum(self) -> dict[str, tuple[int, int]]:
        """Row count and an order-independent hash of every table's content: equal before and
        after means nothing was written (the bad-import tests compare them)."""
        out = {}
        for table in self._TABLES:  # names from the fixed list
            row = self._one(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t")
            out[table] = (int(row[0]), int(row[1])) if row else (0, 0)
        return out

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
            cache[table] = [r[0] for r in self.cursor().execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall()]
        return cache[table]

    def _editable(self, record_type: str) -> list[str]:
        table = _RECORD_TABLES[record_type]
        return [c for c in self._columns(table) if c not in ("id", "created_at", "updated_at", "version")]

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
