"""The data layer: the only module of the atlas that speaks SQL.

One :class:`Store` owns the DuckDB connection. It creates and migrates the schema
(``schema.sql``), loads the seed, answers every query the pages need and runs every
write in a transaction. Values are always bound as parameters; the only strings
composed into SQL are fixed fragments chosen by this module.

The database path comes from the ``ATLAS_DB`` environment variable, else
``data/atlas.duckdb``. Any DuckDB path works, including ``:memory:`` and ``md:`` URLs.

Threads (Streamlit runs one per session) each get their own cursor on the shared
connection: DuckDB connections are not thread-safe, cursors are.
"""
from __future__ import annotations

import json
import os
import re
import threading
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import duckdb
import pandas as pd

from . import i18n
from .auth import ROLES, User, hash_password, password_problem, require, verify_password
from .filters import Filters
from .model import merge_lists, slugify, unique_id
from .validate import VALIDATORS, Invalid, is_url

if TYPE_CHECKING:
    from .importer import ImportPlan

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "atlas.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"

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


class Store:
    """Owns one DuckDB connection and every query of the atlas.

    Parameters
    ----------
    path : str, optional
        DuckDB database path or URL; defaults to :func:`default_path`.
    seed : bool
        Load the seed data set when the database has no actors yet.
    read_only : bool
        Open the database read-only (no migration, no seed).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, seed: bool = True, read_only: bool = False):
        self.path = str(path) if path is not None else default_path()
        if _is_file_path(self.path):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path, read_only=read_only)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        if not read_only:
            self.migrate()
            if seed and self.count("actors") == 0:
                from .seed import load_seed  # local import: seed builds frames and calls back here

                load_seed(self)

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
        return self.cursor().execute(sql, params or []).df()

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
            out[table] = (int(row[0]), int(row[1]))
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

    # -- actors: reads ----------------------------------------------------------------------
    @staticmethod
    def _actor_where(filters: Filters, include_unpublished: bool) -> tuple[str, list]:
        clauses: list[str] = []
        params: list[Any] = []
        if not include_unpublished:
            clauses.append("a.status = 'published'")
        else:
            clauses.append("a.status <> 'archived'")
        if filters.q:
            clauses.append(f"{_SEARCH_TEXT} LIKE '%' || strip_accents(lower(?)) || '%'")
            params.append(filters.q)
        for column, values in (
            ("a.country", filters.countries),
            ("a.region_code", filters.regions),
            ("a.city", filters.cities),
            ("a.kind", filters.kinds),
        ):
            if values:
                clauses.append(f"list_contains(?, {column})")
                params.append(list(values))
        if filters.themes:
            clauses.append("list_has_any(a.themes, ?)")
            params.append(list(filters.themes))
        if filters.target_groups:
            clauses.append("list_has_any(a.target_groups, ?)")
            params.append(list(filters.target_groups))
        if filters.projects:
            clauses.append(
                "(a.id IN (SELECT actor_id FROM project_roles WHERE list_contains(?, project_id))"
                " OR a.id IN (SELECT p.actor_id FROM participations p JOIN events e ON e.id = p.event_id"
                " WHERE list_contains(?, e.project_id)))"
            )
            params += [list(filters.projects), list(filters.projects)]
        return " AND ".join(clauses) or "true", params

    def actors(self, filters: Filters | None = None, *, include_unpublished: bool = False,
               columns: tuple[str, ...] = LIST_COLUMNS, limit: int | None = None,
               private: bool = False) -> pd.DataFrame:
        """Actors matching ``filters``, sorted by name, with only ``columns`` (private contact
        columns only when ``private``: curators' exports)."""
        filters = filters or Filters()
        allowed = set(EXPORT_COLUMNS) | {"updated_at", "version"} | (set(PRIVATE_COLUMNS) if private else set())
        unknown = set(columns) - allowed
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}")
        where, params = self._actor_where(filters, include_unpublished)
        sql = f"SELECT {', '.join('a.' + c for c in columns)} FROM actors a WHERE {where} ORDER BY lower(strip_accents(a.name))"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self._df(sql, params)

    def count_actors(self, filters: Filters | None = None, *, include_unpublished: bool = False) -> int:
        where, params = self._actor_where(filters or Filters(), include_unpublished)
        row = self._one(f"SELECT count(*) FROM actors a WHERE {where}", params)
        return int(row[0]) if row else 0

    def facet_counts(self, facet: str, filters: Filters | None = None, *,
                     include_unpublished: bool = False) -> pd.DataFrame:
        """Counts of matching actors by ``country``, ``kind``, ``region_code``, ``theme`` or ``target_group``."""
        where, params = self._actor_where(filters or Filters(), include_unpublished)
        expressions = {
            "country": "a.country",
            "kind": "a.kind",
            "region_code": "a.region_code",
            "city": "a.city",
            "theme": "unnest(a.themes)",
            "target_group": "unnest(a.target_groups)",
        }
        if facet not in expressions:
            raise ValueError(f"unknown facet {facet!r}")
        return self._df(
            f"SELECT value, count(*) AS n FROM (SELECT {expressions[facet]} AS value FROM actors a WHERE {where}) "
            "WHERE value IS NOT NULL GROUP BY value ORDER BY n DESC, value",
            params,
        )

    def filter_options(self, *, include_unpublished: bool = False) -> dict[str, list[str]]:
        """Values present in the data for each filter, so widgets never offer empty choices."""
        where, params = self._actor_where(Filters(), include_unpublished)
        out: dict[str, list[str]] = {}
        for key, expr in (("countries", "a.country"), ("kinds", "a.kind"), ("cities", "a.city"),
                          ("themes", "unnest(a.themes)"), ("target_groups", "unnest(a.target_groups)")):
            df = self._df(f"SELECT DISTINCT {expr} AS v FROM actors a WHERE {where}", params)
            out[key] = sorted(v for v in df["v"].tolist() if v)
        regions = self._df(
            f"SELECT DISTINCT a.region_code, a.region, a.country FROM actors a WHERE {where} AND a.region_code IS NOT NULL "
            "ORDER BY a.country, a.region",
            params,
        )
        out["regions"] = regions["region_code"].tolist()
        out["region_names"] = dict(zip(regions["region_code"], regions["region"]))  # type: ignore[assignment]
        projects = self._df("SELECT id, coalesce(acronym, name) AS label FROM projects WHERE status = 'published' ORDER BY label")
        out["projects"] = projects["id"].tolist()
        out["project_labels"] = dict(zip(projects["id"], projects["label"]))  # type: ignore[assignment]
        return out

    def actor(self, actor_id: str, *, private: bool = False, include_unpublished: bool = False) -> dict | None:
        """One organisation file as a dict, or ``None``. Private contact fields only when ``private``."""
        record = self._row(self.cursor(), "actors", actor_id)
        if record is None:
            return None
        if record["status"] != "published" and not include_unpublished:
            return None
        if not private:
            for column in PRIVATE_COLUMNS:
                record.pop(column, None)
        return record

    def merged_into(self, actor_id: str) -> str | None:
        """Where a merged duplicate's file went (so old links still lead somewhere)."""
        row = self._one("SELECT merged_into FROM actors WHERE id = ?", [actor_id])
        return row[0] if row else None

    def actor_names(self, ids: list[str] | None = None) -> dict[str, str]:
        """id -> display name (acronym when the name is long)."""
        if ids is None:
            df = self._df("SELECT id, name, acronym FROM actors")
        else:
            df = self._df("SELECT id, name, acronym FROM actors WHERE list_contains(?, id)", [list(ids)])
        return dict(zip(df["id"], df["name"]))

    def actor_relations(self, actor_id: str) -> pd.DataFrame:
        """Relations touching one actor, seen from its side.

        Columns: relation_id, kind, outgoing (bool), other_id, other_name, other_kind,
        project_id, project, start_date, end_date, note.
        """
        return self._df(
            """
            SELECT r.id AS relation_id, r.kind, r.source_actor = ? AS outgoing,
                   o.id AS other_id, o.name AS other_name, o.kind AS other_kind, o.country AS other_country,
                   r.project_id, coalesce(p.acronym, p.name) AS project, r.start_date, r.end_date, r.note
            FROM relations r
            JOIN actors o ON o.id = CASE WHEN r.source_actor = ? THEN r.target_actor ELSE r.source_actor END
            LEFT JOIN projects p ON p.id = r.project_id
            WHERE (r.source_actor = ? OR r.target_actor = ?) AND r.status = 'published' AND o.status = 'published'
            ORDER BY r.kind, outgoing DESC, o.name
            """,
            [actor_id] * 4,
        )

    def actor_projects(self, actor_id: str) -> pd.DataFrame:
        return self._df(
            """
            SELECT p.id, p.name, p.acronym, p.kind, p.start_date, p.end_date, string_agg(pr.role, '|' ORDER BY pr.role) AS roles
            FROM project_roles pr JOIN projects p ON p.id = pr.project_id
            WHERE pr.actor_id = ? AND p.status = 'published'
            GROUP BY ALL ORDER BY p.start_date NULLS LAST, p.name
            """,
            [actor_id],
        )

    def actor_events(self, actor_id: str) -> pd.DataFrame:
        return self._df(
            """
            SELECT e.id, e.name, e.kind, e.start_date, e.end_date, e.city, e.project_id,
                   string_agg(pa.role, '|' ORDER BY pa.role) AS roles
            FROM participations pa JOIN events e ON e.id = pa.event_id
            WHERE pa.actor_id = ? AND e.status = 'published'
            GROUP BY ALL ORDER BY e.start_date NULLS LAST, e.name
            """,
            [actor_id],
        )

    def citations(self, record_type: str, record_ids: list[str]) -> pd.DataFrame:
        """Sources cited by records: record_id, source_id, title, publisher, date, url, quote."""
        return self._df(
            """
            SELECT c.record_id, c.source_id, s.title, s.publisher, s.date, s.url, c.quote
            FROM citations c LEFT JOIN sources s ON s.id = c.source_id
            WHERE c.record_type = ? AND list_contains(?, c.record_id)
            ORDER BY c.record_id, c.source_id
            """,
            [record_type, list(record_ids)],
        )

    def actor_citations(self, actor_id: str) -> pd.DataFrame:
        """Every source behind an organisation file: the actor itself and its relations, projects, events."""
        return self._df(
            """
            WITH cited AS (
                SELECT 'actor' AS fact, c.* FROM citations c WHERE c.record_type = 'actor' AND c.record_id = ?
                UNION ALL
                SELECT 'relation', c.* FROM citations c JOIN relations r ON c.record_type = 'relation' AND c.record_id = r.id
                WHERE r.source_actor = ? OR r.target_actor = ?
                UNION ALL
                SELECT 'project_role', c.* FROM citations c JOIN project_roles pr
                  ON c.record_type = 'project_role' AND c.record_id = pr.project_id || '|' || pr.actor_id || '|' || pr.role
                WHERE pr.actor_id = ?
                UNION ALL
                SELECT 'participation', c.* FROM citations c JOIN participations pa
                  ON c.record_type = 'participation' AND c.record_id = pa.event_id || '|' || pa.actor_id || '|' || pa.role
                WHERE pa.actor_id = ?
            )
            SELECT cited.fact, cited.record_id, cited.source_id, s.title, s.publisher, s.date, s.url, cited.quote
            FROM cited LEFT JOIN sources s ON s.id = cited.source_id
            ORDER BY cited.fact, cited.record_id
            """,
            [actor_id] * 5,
        )

    # -- projects, events, sources -------------------------------------------------------------
    def projects(self) -> pd.DataFrame:
        return self._df(
            """
            SELECT p.id, p.name, p.acronym, p.kind, p.start_date, p.end_date, p.description,
                   count(DISTINCT pr.actor_id) AS actors
            FROM projects p LEFT JOIN project_roles pr ON pr.project_id = p.id
            WHERE p.status = 'published' GROUP BY ALL ORDER BY p.start_date NULLS LAST, p.name
            """
        )

    def events(self) -> pd.DataFrame:
        return self._df(
            """
            SELECT e.id, e.name, e.kind, e.project_id, e.start_date, e.end_date, e.city, e.country,
                   e.lat, e.lon, e.participants_count, count(DISTINCT pa.actor_id) AS actors
            FROM events e LEFT JOIN participations pa ON pa.event_id = e.id
            WHERE e.status = 'published' GROUP BY ALL ORDER BY e.start_date NULLS LAST, e.name
            """
        )

    def sources(self) -> pd.DataFrame:
        """Source documents with how many records cite each."""
        return self._df(
            """
            SELECT s.id, s.title, s.publisher, s.date, s.language, s.url, s.note,
                   count(c.record_id) AS citations
            FROM sources s LEFT JOIN citations c ON c.source_id = s.id
            GROUP BY ALL ORDER BY s.id
            """
        )

    def relations(self, actor_ids: list[str] | None = None) -> pd.DataFrame:
        """Published relations between published actors (optionally both ends in ``actor_ids``)."""
        sql = """
            SELECT r.id, r.source_actor, r.target_actor, r.kind, r.project_id, r.start_date, r.end_date, r.note
            FROM relations r
            JOIN actors s ON s.id = r.source_actor AND s.status = 'published'
            JOIN actors t ON t.id = r.target_actor AND t.status = 'published'
            WHERE r.status = 'published'
        """
        params: list[Any] = []
        if actor_ids is not None:
            sql += " AND list_contains(?, r.source_actor) AND list_contains(?, r.target_actor)"
            params = [list(actor_ids), list(actor_ids)]
        return self._df(sql + " ORDER BY r.id", params)

    # -- statistics -------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts by table, by country and by kind (published actors)."""
        tables = {t: self.count(t) for t in self._TABLES}
        by_country = self._df(
            "SELECT country, count(*) AS n FROM actors WHERE status = 'published' GROUP BY country ORDER BY n DESC, country"
        )
        by_kind = self._df(
            "SELECT kind, count(*) AS n FROM actors WHERE status = 'published' GROUP BY kind ORDER BY n DESC, kind"
        )
        return {
            "database": self.path,
            "schema_version": self.schema_version(),
            "data_version": self.data_version(),
            "tables": tables,
            "actors_by_country": dict(zip(by_country["country"], by_country["n"].astype(int).tolist())),
            "actors_by_kind": dict(zip(by_kind["kind"], by_kind["n"].astype(int).tolist())),
        }

    # -- network page (issue 5): project roles and event participations as graph edges -----------
    # ``IN (SELECT unnest(?))`` rather than ``list_contains``: DuckDB plans it as a hash semi-join,
    # which stays fast when the filtered graph holds tens of thousands of actors.
    def relations_among(self, actor_ids: list[str]) -> pd.DataFrame:
        """Published relations whose two ends are both in ``actor_ids`` (the filtered graph's edges)."""
        return self._df(
            """
            SELECT r.id, r.source_actor, r.target_actor, r.kind, r.project_id
            FROM relations r
            WHERE r.status = 'published'
              AND r.source_actor IN (SELECT unnest(?)) AND r.target_actor IN (SELECT unnest(?))
            ORDER BY r.id
            """,
            [list(actor_ids), list(actor_ids)],
        )

    def project_role_edges(self, actor_ids: list[str], project_ids: list[str] | None = None) -> pd.DataFrame:
        """Roles of ``actor_ids`` in published projects (optionally only ``project_ids``).

        Columns: project_id, project_name (acronym when there is one), project_kind, actor_id, role.
        """
        sql = """
            SELECT pr.project_id, coalesce(p.acronym, p.name) AS project_name, p.kind AS project_kind,
                   pr.actor_id, pr.role
            FROM project_roles pr JOIN projects p ON p.id = pr.project_id AND p.status = 'published'
            WHERE pr.actor_id IN (SELECT unnest(?))
        """
        params: list[Any] = [list(actor_ids)]
        if project_ids is not None:
            sql += " AND pr.project_id IN (SELECT unnest(?))"
            params.append(list(project_ids))
        return self._df(sql + " ORDER BY pr.project_id, pr.actor_id, pr.role", params)

    def participation_edges(self, actor_ids: list[str], project_ids: list[str] | None = None) -> pd.DataFrame:
        """Parts of ``actor_ids`` in published events (optionally only events of ``project_ids``).

        Columns: event_id, event_name, event_kind, project_id, actor_id, role.
        """
        sql = """
            SELECT pa.event_id, e.name AS event_name, e.kind AS event_kind, e.project_id, pa.actor_id, pa.role
            FROM participations pa JOIN events e ON e.id = pa.event_id AND e.status = 'published'
            WHERE pa.actor_id IN (SELECT unnest(?))
        """
        params: list[Any] = [list(actor_ids)]
        if project_ids is not None:
            sql += " AND e.project_id IN (SELECT unnest(?))"
            params.append(list(project_ids))
        return self._df(sql + " ORDER BY pa.event_id, pa.actor_id, pa.role", params)

    # -- map page (issue 4): choropleth counts and partnership lines ------------------------------
    def region_counts(self, filters: Filters | None = None, *, kind: str | None = None,
                      theme: str | None = None) -> pd.DataFrame:
        """Published actors matching ``filters`` per admin-1 region (optionally only one ``kind``
        or ``theme``). Columns: country, region_code, n."""
        where, params = self._actor_where(filters or Filters(), False)
        if kind:
            where += " AND a.kind = ?"
            params.append(kind)
        if theme:
            where += " AND list_contains(a.themes, ?)"
            params.append(theme)
        return self._df(
            f"SELECT a.country, a.region_code, count(*) AS n FROM actors a WHERE {where} "
            "AND a.region_code IS NOT NULL GROUP BY ALL ORDER BY a.region_code", params)

    def map_links(self, *, actor_id: str | None = None, project_id: str | None = None) -> pd.DataFrame:
        """Published relations of one actor, or of one project (relations made under it and
        between two of its participants), with both ends' names and coordinates.

        Columns: id, kind, source_actor, target_actor, source_name, target_name, source_lat,
        source_lon, target_lat, target_lon.
        """
        if not actor_id and not project_id:
            raise ValueError("give actor_id or project_id")
        if actor_id:
            condition, params = "(r.source_actor = ? OR r.target_actor = ?)", [actor_id, actor_id]
        else:
            condition = ("(r.project_id = ? OR (r.source_actor IN (SELECT actor_id FROM project_roles WHERE project_id = ?)"
                         " AND r.target_actor IN (SELECT actor_id FROM project_roles WHERE project_id = ?)))")
            params = [project_id] * 3
        return self._df(
            f"""
            SELECT r.id, r.kind, r.source_actor, r.target_actor,
                   coalesce(s.acronym, s.name) AS source_name, coalesce(t.acronym, t.name) AS target_name,
                   s.lat AS source_lat, s.lon AS source_lon, t.lat AS target_lat, t.lon AS target_lon
            FROM relations r
            JOIN actors s ON s.id = r.source_actor AND s.status = 'published'
            JOIN actors t ON t.id = r.target_actor AND t.status = 'published'
            WHERE r.status = 'published' AND {condition}
            ORDER BY r.id
            """, params)

    # -- curation: accounts -----------------------------------------------------------------------
    def user(self, username: str) -> User | None:
        """The active account ``username`` as stored now (role re-read on every write)."""
        row = self._one("SELECT username, role, coalesce(display_name, '') FROM users WHERE username = ? AND active",
                        [username])
        return User(*row) if row else None

    def users(self) -> pd.DataFrame:
        """Accounts without their password hashes."""
        return self._df("SELECT username, display_name, role, active, created_at FROM users ORDER BY username")

    def add_user(self, username: str, password: str, role: str, display_name: str = "", *,
                 by: User | None = None, trusted: bool = False) -> User:
        """Create an account. ``by`` must be an admin, unless ``trusted`` (the command line, run by
        whoever holds the database file)."""
        if not trusted:
            self._acting(by, "manage_users")
        username = username.strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", username):
            raise Invalid({"username": "2-64 letters, digits or . _ @ -"})
        if role not in ROLES:
            raise Invalid({"role": f"one of {', '.join(ROLES)}"})
        problem = password_problem(password)
        if problem:
            raise Invalid({"password": problem})
        with self.transaction() as cur:
            if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise Invalid({"username": f"{username} already exists"})
            cur.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
                        [username, display_name, role, hash_password(password)])
            self._log(cur, by.username if by else "cli", "create", "user", username, None, {"role": role})
        return User(username, role, display_name)

    def authenticate(self, username: str, password: str) -> User | None:
        """The account when ``password`` is right, else None (same answer for unknown names)."""
        row = self._one("SELECT password_hash FROM users WHERE username = ? AND active", [username.strip()])
        if not row or not verify_password(password, row[0]):
            return None
        return self.user(username.strip())

    def _acting(self, user: User | None, action: str) -> User:
        """The account as stored now, if it may do ``action``; a session's copy is not trusted."""
        current = self.user(user.username) if user else None
        require(current, action)
        return current

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

    def record(self, record_type: str, record_id: str) -> dict | None:
        """Any record in any status, private fields included (curators' view)."""
        return self._row(self.cursor(), _RECORD_TABLES[record_type], record_id)

    def records(self, record_type: str, *, statuses: tuple[str, ...] = ("draft", "published", "archived")) -> pd.DataFrame:
        """id, name (or ends for relations), status, version of every record of a type: the curators' picker."""
        if record_type == "relation":
            return self._df("SELECT r.id, s.name || ' → ' || t.name AS name, r.kind, r.status, r.version "
                            "FROM relations r LEFT JOIN actors s ON s.id = r.source_actor "
                            "LEFT JOIN actors t ON t.id = r.target_actor WHERE list_contains(?, r.status) ORDER BY name",
                            [list(statuses)])
        table = _RECORD_TABLES[record_type]
        return self._df(f"SELECT id, name, kind, status, version FROM {table} "  # table from _RECORD_TABLES
                        "WHERE list_contains(?, status) ORDER BY name", [list(statuses)])

    def _new_id(self, cur: duckdb.DuckDBPyConnection, table: str, values: dict) -> str:
        base = slugify(values.get("acronym") or values.get("name") or "record")
        if table == "relations":
            base = slugify(f"{values.get('source_actor')}-{values.get('kind')}-{values.get('target_actor')}")
        return unique_id(base, lambda candidate: bool(
            cur.execute(f"SELECT 1 FROM {table} WHERE id = ?", [candidate]).fetchone()))

    def _cite(self, cur: duckdb.DuckDBPyConnection, record_type: str, record_id: str, source: str,
              quote: str | None = None) -> str:
        """Cite ``source`` for a record: an existing source id, a link, or a curator's note."""
        source = source.strip()
        if not cur.execute("SELECT 1 FROM sources WHERE id = ?", [source]).fetchone():
            if is_url(source):
                cur.execute("INSERT INTO sources (id, title, url) VALUES (?, ?, ?)", [source, source, source])
            else:
                note_id = "note:" + slugify(source)[:50]
                if not cur.execute("SELECT 1 FROM sources WHERE id = ?", [note_id]).fetchone():
                    cur.execute("INSERT INTO sources (id, title, note) VALUES (?, ?, ?)",
                                [note_id, source[:120], source])
                source = note_id
        cur.execute("INSERT INTO citations (record_type, record_id, source_id, quote) VALUES (?, ?, ?, ?)",
                    [record_type, record_id, source, quote])
        return source

    def _check_links(self, cur: duckdb.DuckDBPyConnection, record_type: str, values: dict, errors: dict) -> None:
        """References to other records must exist (relations' ends, projects)."""
        if record_type == "relation":
            for end in ("source_actor", "target_actor"):
                if values.get(end) and end not in errors and not cur.execute(
                        "SELECT 1 FROM actors WHERE id = ?", [values[end]]).fetchone():
                    errors[end] = f"no actor {values[end]}"
        if values.get("project_id") and not cur.execute(
                "SELECT 1 FROM projects WHERE id = ?", [values["project_id"]]).fetchone():
            errors["project_id"] = f"no project {values['project_id']}"

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

    def _version_seen(self, cur: duckdb.DuckDBPyConnection, record_type: str, record_id: str,
                      version: int) -> dict | None:
        """The record as it was at ``version`` (from the audit log), to show what changed since."""
        for (after,) in cur.execute("SELECT after FROM changes WHERE record_type = ? AND record_id = ? "
                                    "AND after IS NOT NULL ORDER BY id DESC", [record_type, record_id]).fetchall():
            state = json.loads(after)
            if state.get("version") == version:
                return state
        return None

    def save(self, record_type: str, values: dict, *, user: User | None, expected_version: int | None = None,
             source: str | None = None, quote: str | None = None, lang: str = "en", action: str | None = None) -> dict:
        """Create (no ``id`` or an unknown one) or update a record; return it as saved.

        Every write re-checks the account's role, validates the fields (:mod:`mapping.validate`),
        refuses to overwrite a newer version than the one the editor started from
        (:class:`Conflict`, with what changed), cites ``source`` (required for a new record) and
        logs before and after in the audit log, all in one transaction.
        """
        acting = self._acting(user, "edit")
        with self.transaction() as cur:
            after = self._save_in(cur, acting, record_type, values, expected_version=expected_version,
                                  source=source, quote=quote, lang=lang, action=action)
            self._bump(cur)
        return after

    def _save_in(self, cur: duckdb.DuckDBPyConnection, acting: User, record_type: str, values: dict, *,
                 expected_version: int | None = None, source: str | None = None, quote: str | None = None,
                 lang: str = "en", action: str | None = None) -> dict:
        """:meth:`save` inside the caller's transaction (an import saves many records in one)."""
        table = _RECORD_TABLES[record_type]
        editable = set(self._editable(record_type))
        unknown = set(values) - editable - {"id"}
        if unknown:
            raise Invalid({c: "unknown field" for c in sorted(unknown)})
        record_id = values.get("id")
        current = self._row(cur, table, record_id) if record_id else None
        merged = {c: v for c, v in (current or {}).items() if c in editable} | \
            {c: v for c, v in values.items() if c != "id"}
        if current is None:
            merged.setdefault("status", "draft")
        if merged.get("status") == "published" and (current is None or current["status"] != "published"):
            require(acting, "publish")
        errors = VALIDATORS[record_type](merged, lang)
        self._check_links(cur, record_type, merged, errors)
        if current is None and not (source and source.strip()):
            errors["source"] = i18n.t("valid.source", lang)
        if errors:
            raise Invalid(errors)
        if current is not None:
            if expected_version is not None and current["version"] != expected_version:
                seen = self._version_seen(cur, record_type, record_id, expected_version)
                if seen is None:  # the version the editor saw predates the log (seed): compare with theirs
                    seen = {c: v for c, v in values.items() if c != "id"}
                raise Conflict(current, {c: (seen.get(c), current.get(c)) for c in editable
                                         if c in seen and seen.get(c) != current.get(c)})
            changed = {c: merged[c] for c in editable if merged.get(c) != current.get(c)}
            if not changed:
                return current
            self._write(cur, table, record_id, changed, new=False, version=current["version"] + 1)
        else:
            record_id = record_id or self._new_id(cur, table, merged)
            self._write(cur, table, record_id, merged, new=True, version=1)
            self._cite(cur, record_type, record_id, source, quote)
        after = self._row(cur, table, record_id)
        self._log(cur, acting.username, action or ("update" if current else "create"), record_type, record_id,
                  current, after)
        return after

    def set_status(self, record_type: str, record_id: str, status: str, *, user: User | None,
                   expected_version: int | None = None) -> dict:
        """Publish, unpublish (draft), archive or restore from the archive — a logged, versioned save."""
        action = {"published": "publish", "archived": "archive", "draft": "unpublish"}.get(status, "update")
        current = self.record(record_type, record_id)
        if current is None:
            raise Invalid({"id": f"no {record_type} {record_id}"})
        if current["status"] == "archived" and status != "archived":
            action = "restore"
        return self.save(record_type, {"id": record_id, "status": status}, user=user,
                         expected_version=expected_version, action=action)

    def history(self, record_type: str | None = None, record_id: str | None = None, *,
                limit: int = 500) -> pd.DataFrame:
        """The audit log, newest first: every change, or one record's."""
        clauses, params = ["record_type <> 'user'"], []
        if record_type:
            clauses.append("record_type = ?")
            params.append(record_type)
        if record_id:
            clauses.append("record_id = ?")
            params.append(record_id)
        params.append(int(limit))
        return self._df(f"SELECT id, changed_at, username, action, record_type, record_id, before, after, note "
                        f"FROM changes WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?", params)

    def change(self, change_id: int) -> dict | None:
        found = self._rows(self.cursor(), "SELECT * FROM changes WHERE id = ?", [int(change_id)])
        if not found:
            return None
        row = found[0]
        for key in ("before", "after"):
            row[key] = json.loads(row[key]) if row[key] else None
        return row

    def restore(self, change_id: int, *, user: User | None, state: str = "before") -> dict:
        """Put a record back as it was before (undo) or after a logged change; itself logged, so it
        can be undone in turn. Undoing a creation archives the record; undoing a merge restores
        every row the merge touched."""
        acting = self._acting(user, "restore")
        change = self.change(change_id)
        if change is None:
            raise Invalid({"change": f"no change {change_id}"})
        if change["action"] == "merge":
            return self._undo_merge(change, acting)
        record_type, record_id = change["record_type"], change["record_id"]
        owner = {"project_role": "project", "participation": "event"}.get(record_type)
        if owner:  # a participant added or removed: put it back the way it was
            snapshot = change[state]
            owner_id, actor_id, role = record_id.split("|", 2)
            self.set_participant(owner, owner_id, actor_id, role, user=acting, present=snapshot is not None,
                                 source=f"restore of change {change_id}", note=(snapshot or {}).get("note"))
            return {"id": record_id, "present": snapshot is not None}
        if record_type not in _RECORD_TABLES:
            raise Invalid({"change": f"{record_type} changes cannot be restored one by one"})
        snapshot = change[state]
        if self.record(record_type, record_id) is None:
            raise Invalid({"change": f"{record_type} {record_id} no longer exists"})
        if snapshot is None:  # before a creation: the record did not exist
            return self.save(record_type, {"id": record_id, "status": "archived"}, user=acting, action="restore")
        values = {c: snapshot.get(c) for c in self._editable(record_type) if c in snapshot}
        return self.save(record_type, {"id": record_id, **values}, user=acting, action="restore")

    def deactivate_user(self, username: str, *, by: User | None, trusted: bool = False) -> None:
        """Close an account (kept for the audit log's names)."""
        if not trusted:
            self._acting(by, "manage_users")
        with self.transaction() as cur:
            cur.execute("UPDATE users SET active = false WHERE username = ?", [username])
            self._log(cur, by.username if by else "cli", "archive", "user", username, None, None)

    # -- curation: imports -----------------------------------------------------------------------
    def actor_index(self) -> pd.DataFrame:
        """Every actor's id, names and country (any status): what imports and duplicates match against."""
        return self._df("SELECT id, name, acronym, country, status, version FROM actors ORDER BY id")

    def apply_import(self, plan: "ImportPlan", *, user: User | None, source: str, trusted: bool = False,
                     progress: Any = None) -> dict[str, int]:
        """Write a checked import plan in one transaction: every record or none.

        New actors are created as drafts citing ``source`` (the file, or a note), inserted in
        bulk (the plan validated each of them); updates go through :meth:`save`'s checks and
        only fill in what the file gives; further rows of one organisation become its areas of
        operation. Refused outright when the plan has any error.
        """
        acting = User("cli", "admin") if trusted else self._acting(user, "import")
        if not plan.ok:
            raise Invalid({"file": plan.problem or "the file has rows with errors; nothing was imported"})
        columns = self._editable("actor")
        new = [r for r in plan.actors if r["_action"] == "new"]
        counts = {"new": len(new), "update": 0, "areas": 0}
        with self.transaction() as cur:
            if not cur.execute("SELECT 1 FROM sources WHERE id = ?", [source]).fetchone():
                cur.execute("INSERT INTO sources (id, title, note) VALUES (?, ?, ?)",
                            [source, source, f"imported by {acting.username}"])
            taken = {r[0] for r in cur.execute("SELECT id FROM actors").fetchall()}
            areas: list[tuple] = []
            rows = []
            for record in new:
                record_id = unique_id(record.get("id") or slugify(record.get("acronym") or record["name"]),
                                      taken.__contains__)
                taken.add(record_id)
                rows.append({"id": record_id, **{c: record.get(c) for c in columns}, "status": "draft", "version": 1})
                areas += [(record_id, a) for a in record.get("_areas", [])]
            if rows:
                frame = pd.DataFrame(rows, columns=["id", *columns, "version"])
                names = ", ".join(frame.columns)
                cur.register("import_frame", frame)
                cur.execute(f"INSERT INTO actors ({names}) SELECT {names} FROM import_frame")  # our own columns
                cur.unregister("import_frame")
                log = pd.DataFrame({
                    "record_id": frame["id"],
                    "after": [json.dumps(r, ensure_ascii=False, default=str) for r in rows]})
                cur.register("import_log", log)
                cur.execute("INSERT INTO citations (record_type, record_id, source_id) "
                            "SELECT 'actor', record_id, ? FROM import_log", [source])
                cur.execute("INSERT INTO changes (username, action, record_type, record_id, after) "
                            "SELECT ?, 'import', 'actor', record_id, after FROM import_log", [acting.username])
                cur.unregister("import_log")
            updates = [r for r in plan.actors if r["_action"] == "update"]
            for n, planned in enumerate(updates):
                record = self._import_update(cur, {k: v for k, v in planned.items() if not k.startswith("_")})
                self._save_in(cur, acting, "actor", record, source=source, action="import")
                areas += [(record["id"], a) for a in planned.get("_areas", [])]
                counts["update"] += 1
                if progress and n % 200 == 0:
                    progress(n / len(updates))
            for actor_id, area in areas:
                cur.execute("INSERT INTO actor_areas (actor_id, country, region_code, city, lat, lon) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [actor_id, area["country"], area.get("region_code"),
                                                          area.get("city"), area.get("lat"), area.get("lon")])
            counts["areas"] = len(areas)
            self._log(cur, acting.username, "import", "database", "*", None, counts, note=plan.file_name)
            self._bump(cur)
        return counts

    def _import_update(self, cur: duckdb.DuckDBPyConnection, record: dict) -> dict:
        """What an imported row changes in an existing file: the values it gives, lists merged
        (themes are added, not replaced), another spelling of the name kept as an other name,
        the status left alone (an import does not unpublish)."""
        current = self._row(cur, "actors", record["id"])
        record.pop("status", None)
        for name in ("themes", "target_groups", "other_names"):
            if record.get(name) is not None:
                record[name] = merge_lists(current.get(name), record[name])
        if record.get("name") and record["name"] != current["name"]:
            others = record.get("other_names", current.get("other_names"))
            record["other_names"] = merge_lists(others, [record.pop("name")])
        return record

    def actor_areas(self, actor_id: str) -> pd.DataFrame:
        """Where an actor works besides its seat (from 3W imports)."""
        return self._df("SELECT country, region_code, city, lat, lon FROM actor_areas WHERE actor_id = ? "
                        "ORDER BY country, region_code, city", [actor_id])

    # -- backups -----------------------------------------------------------------------------------
    def backup(self, directory: str | os.PathLike) -> Path:
        """Export the whole database (schema and every table, as Parquet) into a new directory."""
        target = Path(directory)
        if target.exists() and any(target.iterdir()):
            raise FileExistsError(f"{target} is not empty")
        # EXPORT DATABASE takes no bound parameter: the path is written as an escaped literal.
        literal = str(target).replace("'", "''")
        self.cursor().execute(f"EXPORT DATABASE '{literal}' (FORMAT parquet)")
        return target

    @staticmethod
    def restore_backup(directory: str | os.PathLike, path: str | os.PathLike) -> "Store":
        """A new database at ``path`` holding a backup made by :meth:`backup`."""
        if _is_file_path(str(path)) and Path(path).exists():
            raise FileExistsError(f"{path} exists; restore into a new file")
        con = duckdb.connect(str(path))
        literal = str(Path(directory)).replace("'", "''")
        con.execute(f"IMPORT DATABASE '{literal}'")
        con.close()
        return Store(str(path), seed=False)

    # -- curation: duplicates -----------------------------------------------------------------------
    _LINKED = {"project_roles": "actor_id", "participations": "actor_id", "actor_areas": "actor_id"}

    def _merge_snapshot(self, cur: duckdb.DuckDBPyConnection, ids: list[str]) -> dict:
        """Every row a merge of ``ids`` touches, to undo it exactly."""
        snap = {"actors": [self._row(cur, "actors", i) for i in ids],
                "relations": self._rows(cur, "SELECT * FROM relations WHERE list_contains(?, source_actor) "
                                        "OR list_contains(?, target_actor)", [ids, ids]),
                "citations": self._rows(cur, "SELECT * FROM citations WHERE record_type = 'actor' "
                                        "AND list_contains(?, record_id)", [ids])}
        for table, column in self._LINKED.items():  # names from the fixed mapping above
            snap[table] = self._rows(cur, f"SELECT * FROM {table} WHERE list_contains(?, {column})", [ids])
        return snap

    def merge_actors(self, keep_id: str, drop_id: str, *, user: User | None) -> dict:
        """Merge a duplicate into the file that stays: relations, project roles, event
        participations, areas and citations move to ``keep_id``; the other names, themes and
        missing fields are kept; the duplicate is archived with ``merged_into``. Logged with
        every touched row, so :meth:`restore` undoes it."""
        acting = self._acting(user, "merge")
        if keep_id == drop_id:
            raise Invalid({"drop": "choose two different actors"})
        with self.transaction() as cur:
            keep, drop = self._row(cur, "actors", keep_id), self._row(cur, "actors", drop_id)
            if keep is None or drop is None:
                raise Invalid({"drop": "both actors must exist"})
            if drop.get("merged_into"):
                raise Invalid({"drop": f"{drop_id} was already merged into {drop['merged_into']}"})
            before = self._merge_snapshot(cur, [keep_id, drop_id])
            cur.execute("UPDATE relations SET source_actor = ? WHERE source_actor = ?", [keep_id, drop_id])
            cur.execute("UPDATE relations SET target_actor = ? WHERE target_actor = ?", [keep_id, drop_id])
            cur.execute("UPDATE relations SET status = 'archived' WHERE source_actor = ? AND target_actor = ?",
                        [keep_id, keep_id])  # a relation between the two duplicates means nothing now
            for table, key in (("project_roles", "project_id"), ("participations", "event_id")):
                cur.execute(f"INSERT INTO {table} SELECT {key}, ?, role, note FROM {table} d WHERE actor_id = ? "
                            f"AND NOT EXISTS (SELECT 1 FROM {table} k WHERE k.{key} = d.{key} AND k.actor_id = ? "
                            f"AND k.role = d.role)", [keep_id, drop_id, keep_id])
                cur.execute(f"DELETE FROM {table} WHERE actor_id = ?", [drop_id])
            cur.execute("UPDATE actor_areas SET actor_id = ? WHERE actor_id = ?", [keep_id, drop_id])
            cur.execute("UPDATE citations SET record_id = ? WHERE record_type = 'actor' AND record_id = ?",
                        [keep_id, drop_id])
            names = [n for n in [drop["name"], drop.get("acronym"), *(drop.get("other_names") or [])]
                     if n and n not in (keep["name"], keep.get("acronym"))]
            merged = {"other_names": merge_lists(keep.get("other_names"), names)}
            for name in ("themes", "target_groups"):
                merged[name] = merge_lists(keep.get(name), drop.get(name))
            for name in ("acronym", "name_fr", "name_en", "name_ar", "website", "public_email", "public_phone",
                         "description", "contact_name", "contact_role", "contact_email", "city", "region",
                         "region_code", "lat", "lon"):
                if keep.get(name) in (None, "") and drop.get(name) not in (None, ""):
                    merged[name] = drop[name]
            if merged.get("acronym") in merged["other_names"]:
                merged["other_names"].remove(merged["acronym"])
            self._write(cur, "actors", keep_id, merged, new=False, version=keep["version"] + 1)
            self._write(cur, "actors", drop_id, {"status": "archived", "merged_into": keep_id}, new=False,
                        version=drop["version"] + 1)
            after = self._row(cur, "actors", keep_id)
            self._log(cur, acting.username, "merge", "actor", keep_id, before,
                      {"keep": after, "drop": drop_id}, note=f"{drop_id} merged into {keep_id}")
            self._bump(cur)
        return after

    def _undo_merge(self, change: dict, acting: User) -> dict:
        """Put back every row a merge touched, if the kept file has not been edited since."""
        before, keep_id = change["before"], change["record_id"]
        ids = [a["id"] for a in before["actors"]]
        with self.transaction() as cur:
            current = self._row(cur, "actors", keep_id)
            if current["version"] != change["after"]["keep"]["version"]:
                raise Conflict(current, {"version": (change["after"]["keep"]["version"], current["version"])})
            undo_before = self._merge_snapshot(cur, ids)
            for record in before["actors"]:
                now = self._row(cur, "actors", record["id"])
                values = {c: record.get(c) for c in self._editable("actor")}
                self._write(cur, "actors", record["id"], values, new=False, version=now["version"] + 1)
            for record in before["relations"]:
                cur.execute("UPDATE relations SET source_actor = ?, target_actor = ?, status = ? WHERE id = ?",
                            [record["source_actor"], record["target_actor"], record["status"], record["id"]])
            cur.execute("DELETE FROM citations WHERE record_type = 'actor' AND list_contains(?, record_id)", [ids])
            for record in before["citations"]:
                cur.execute("INSERT INTO citations VALUES (?, ?, ?, ?)",
                            [record["record_type"], record["record_id"], record["source_id"], record["quote"]])
            for table, column in self._LINKED.items():
                cur.execute(f"DELETE FROM {table} WHERE list_contains(?, {column})", [ids])
                for record in before[table]:
                    cols = list(record)
                    cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                list(record.values()))
            after = self._row(cur, "actors", keep_id)
            self._log(cur, acting.username, "restore", "actor", keep_id, undo_before, {"keep": after},
                      note=f"undo of change {change['id']} ({change['note']})")
            self._bump(cur)
        return after

    def duplicate_candidates(self, country: str | None = None) -> pd.DataFrame:
        """Likely duplicates among files not archived: id_a, id_b, score, with both names."""
        from .dedupe import candidates  # pure matching; this module only fetches and joins

        actors = self._df("SELECT id, name, acronym, country FROM actors WHERE status <> 'archived'"
                          + (" AND country = ?" if country else ""), [country] if country else [])
        pairs = candidates(actors)
        names = dict(zip(actors["id"], actors["name"]))
        pairs["name_a"] = pairs["id_a"].map(names)
        pairs["name_b"] = pairs["id_b"].map(names)
        return pairs

    # -- curation: who takes part in a project or an event ----------------------------------------------
    _PARTICIPATION = {"project": ("project_roles", "project_id", "project_role"),
                      "event": ("participations", "event_id", "participation")}

    def participants(self, record_type: str, record_id: str) -> pd.DataFrame:
        """actor_id, name, role, note of a project's or event's participants (any status)."""
        table, key, _ = self._PARTICIPATION[record_type]
        return self._df(f"SELECT p.actor_id, a.name, p.role, p.note FROM {table} p "  # names from the mapping
                        f"LEFT JOIN actors a ON a.id = p.actor_id WHERE p.{key} = ? ORDER BY p.role, a.name",
                        [record_id])

    def set_participant(self, record_type: str, record_id: str, actor_id: str, role: str, *, user: User | None,
                        present: bool = True, source: str | None = None, note: str | None = None,
                        lang: str = "en") -> None:
        """Add (``present``) or remove an actor's role in a project or event — checked, cited
        when added, logged, restorable like any record."""
        from .model import EVENT_ROLES, PROJECT_ROLES

        acting = self._acting(user, "edit")
        table, key, logged_type = self._PARTICIPATION[record_type]
        roles = PROJECT_ROLES if record_type == "project" else EVENT_ROLES
        errors: dict[str, str] = {}
        if role not in roles:
            errors["role"] = i18n.t("valid.vocabulary", lang, values=role)
        if present and not (source and source.strip()):
            errors["source"] = i18n.t("valid.source", lang)
        with self.transaction() as cur:
            if not cur.execute(f"SELECT 1 FROM {_RECORD_TABLES[record_type]} WHERE id = ?", [record_id]).fetchone():
                errors["id"] = f"no {record_type} {record_id}"
            if not cur.execute("SELECT 1 FROM actors WHERE id = ?", [actor_id]).fetchone():
                errors["actor_id"] = f"no actor {actor_id}"
            if errors:
                raise Invalid(errors)
            row_id = f"{record_id}|{actor_id}|{role}"
            exists = cur.execute(f"SELECT note FROM {table} WHERE {key} = ? AND actor_id = ? AND role = ?",
                                 [record_id, actor_id, role]).fetchone()
            state = {key: record_id, "actor_id": actor_id, "role": role}
            if present and not exists:
                cur.execute(f"INSERT INTO {table} ({key}, actor_id, role, note) VALUES (?, ?, ?, ?)",
                            [record_id, actor_id, role, note])
                self._cite(cur, logged_type, row_id, source)
                self._log(cur, acting.username, "create", logged_type, row_id, None, state | {"note": note})
            elif not present and exists:
                cur.execute(f"DELETE FROM {table} WHERE {key} = ? AND actor_id = ? AND role = ?",
                            [record_id, actor_id, role])
                self._log(cur, acting.username, "archive", logged_type, row_id, state | {"note": exists[0]}, None)
            else:
                return
            self._bump(cur)

    # -- presenter tours ---------------------------------------------------------------------------------
    def tours(self) -> pd.DataFrame:
        """id, name, description, number of steps, version: the tours anyone may present."""
        return self._df("SELECT id, name, description, json_array_length(steps) AS steps, version, updated_at "
                        "FROM tours ORDER BY lower(name)")

    def tour(self, tour_id: str) -> dict | None:
        row = self._row(self.cursor(), "tours", tour_id)
        if row is None:
            return None
        return {"id": row["id"], "name": row["name"], "description": row["description"] or "",
                "steps": json.loads(row["steps"]), "version": row["version"]}

    def save_tour(self, tour: dict, *, user: User | None, expected_version: int | None = None) -> dict:
        """Create or replace a tour (checked by :func:`mapping.tours.check`); curators only,
        versioned like every record, logged."""
        from .tours import check

        acting = self._acting(user, "edit")
        clean = check(tour)
        with self.transaction() as cur:
            current = self.tour(clean["id"]) if clean.get("id") else None
            if current is not None and expected_version is not None and current["version"] != expected_version:
                raise Conflict(current, {"steps": (expected_version, current["version"])})
            steps = json.dumps(clean["steps"], ensure_ascii=False)
            if current is None:
                tour_id = clean.get("id") or self._new_id(cur, "tours", clean)
                cur.execute("INSERT INTO tours (id, name, description, steps, created_by) VALUES (?, ?, ?, ?, ?)",
                            [tour_id, clean["name"], clean["description"], steps, acting.username])
            else:
                tour_id = current["id"]
                cur.execute("UPDATE tours SET name = ?, description = ?, steps = ?, version = version + 1, "
                            "updated_at = current_timestamp WHERE id = ?",
                            [clean["name"], clean["description"], steps, tour_id])
            self._log(cur, acting.username, "update" if current else "create", "tour", tour_id, current,
                      clean | {"id": tour_id})
            self._bump(cur)
        return self.tour(tour_id)

    def delete_tour(self, tour_id: str, *, user: User | None) -> None:
        """Remove a tour (its last state stays in the audit log)."""
        acting = self._acting(user, "edit")
        with self.transaction() as cur:
            current = self.tour(tour_id)
            cur.execute("DELETE FROM tours WHERE id = ?", [tour_id])
            self._log(cur, acting.username, "archive", "tour", tour_id, current, None)
            self._bump(cur)
