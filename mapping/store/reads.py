"""Public reads: what the pages show visitors (published records only unless asked)."""
from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from ..filters import Filters
from .base import _SEARCH_TEXT, EXPORT_COLUMNS, LIST_COLUMNS, PRIVATE_COLUMNS, Connection

# Citations visitors may see: those of published records whose every end is published (a source
# cited only by drafts, e.g. a curator's note on a draft relation, stays hidden).
_PUBLIC_CITATIONS = """
    SELECT c.* FROM citations c WHERE
      (c.record_type = 'actor' AND c.record_id IN (SELECT id FROM actors WHERE status = 'published'))
      OR (c.record_type = 'project' AND c.record_id IN (SELECT id FROM projects WHERE status = 'published'))
      OR (c.record_type = 'event' AND c.record_id IN (SELECT id FROM events WHERE status = 'published'))
      OR (c.record_type = 'relation' AND c.record_id IN (
            SELECT r.id FROM relations r JOIN actors s ON s.id = r.source_actor AND s.status = 'published'
            JOIN actors t ON t.id = r.target_actor AND t.status = 'published' WHERE r.status = 'published'))
      OR (c.record_type = 'project_role' AND c.record_id IN (
            SELECT pr.project_id || '|' || pr.actor_id || '|' || pr.role FROM project_roles pr
            JOIN projects p ON p.id = pr.project_id AND p.status = 'published'
            JOIN actors a ON a.id = pr.actor_id AND a.status = 'published'))
      OR (c.record_type = 'participation' AND c.record_id IN (
            SELECT pa.event_id || '|' || pa.actor_id || '|' || pa.role FROM participations pa
            JOIN events e ON e.id = pa.event_id AND e.status = 'published'
            JOIN actors a ON a.id = pa.actor_id AND a.status = 'published'))
"""


class PublicReads(Connection):
    """Directory, organisation file, projects, events, sources, statistics, network and map queries."""

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

    #: Columns the directory sorts on (server-side: the page holds only one page of rows).
    SORTABLE = ("name", "acronym", "kind", "city", "region", "country")

    def actors_page(self, filters: Filters | None = None, *, sort: str = "name", descending: bool = False,
                    page: int = 0, size: int = 50, rank: list[str] | None = None) -> tuple[pd.DataFrame, int]:
        """One page of the published actors matching ``filters`` (search included), sorted on the
        server, and how many match in all: the directory never loads the whole table.

        ``sort`` is one of :attr:`SORTABLE`; ``rank`` optionally lists the sort column's codes in
        display order (kinds or countries ordered by their label in the reader's language), so the
        order matches what the table shows. Ties are broken by name, then id, so pages never overlap.
        """
        if sort not in self.SORTABLE:
            raise ValueError(f"unknown sort column {sort!r}")
        where, params = self._actor_where(filters or Filters(), False)
        total = self._one(f"SELECT count(*) FROM actors a WHERE {where}", params)
        direction = "DESC" if descending else "ASC"
        if rank is not None:
            key, key_params = f"coalesce(list_position(?, a.{sort}), 1000000)", [list(rank)]
        else:
            key, key_params = f"lower(strip_accents(coalesce(a.{sort}, '')))", []
        order = f"{key} {direction} NULLS LAST, lower(strip_accents(a.name)), a.id"
        frame = self._df(
            f"SELECT {', '.join('a.' + c for c in LIST_COLUMNS)} FROM actors a WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            params + key_params + [int(size), int(page) * int(size)])
        return frame, int(total[0]) if total else 0

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
        with self.unit() as cur:  # one opening of the database for its seven queries, not seven
            return self._filter_options(cur, include_unpublished)

    def _filter_options(self, cur: duckdb.DuckDBPyConnection, include_unpublished: bool) -> dict[str, list[str]]:
        # Rows, not data frames: building a frame cost more than each of these small queries.
        where, params = self._actor_where(Filters(), include_unpublished)
        out: dict[str, list[str]] = {}
        for key, expr in (("countries", "a.country"), ("kinds", "a.kind"), ("cities", "a.city"),
                          ("themes", "unnest(a.themes)"), ("target_groups", "unnest(a.target_groups)")):
            values = cur.execute(f"SELECT DISTINCT {expr} AS v FROM actors a WHERE {where}", params).fetchall()
            out[key] = sorted(v for (v,) in values if v)
        regions = cur.execute(
            # one name per code (an actor saved with only a region code has no name: the code stands in)
            f"SELECT a.region_code, coalesce(max(a.region), a.region_code) AS region, max(a.country) AS country "
            f"FROM actors a WHERE {where} AND a.region_code IS NOT NULL GROUP BY a.region_code ORDER BY country, region",
            params,
        ).fetchall()
        out["regions"] = [code for code, _, _ in regions]
        out["region_names"] = {code: name for code, name, _ in regions}  # type: ignore[assignment]
        projects = cur.execute("SELECT id, coalesce(acronym, name) AS label FROM projects "
                               "WHERE status = 'published' ORDER BY label").fetchall()
        out["projects"] = [pid for pid, _ in projects]
        out["project_labels"] = dict(projects)  # type: ignore[assignment]
        return out

    def actor(self, actor_id: str, *, private: bool = False, include_unpublished: bool = False) -> dict | None:
        """One organisation file as a dict, or ``None``. Private contact fields only when ``private``."""
        with self.unit() as cur:
            record = self._row(cur, "actors", actor_id)
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

    def actor_names(self, ids: list[str] | None = None, *, include_unpublished: bool = False) -> dict[str, str]:
        """id -> name of published actors (of every actor when ``include_unpublished``:
        curators' pickers)."""
        where = "true" if include_unpublished else "status = 'published'"
        if ids is None:
            df = self._df(f"SELECT id, name FROM actors WHERE {where}")
        else:
            df = self._df(f"SELECT id, name FROM actors WHERE {where} AND list_contains(?, id)", [list(ids)])
        return dict(zip(df["id"], df["name"]))

    def actor_relations(self, actor_id: str) -> pd.DataFrame:
        """Relations touching one actor, seen from its side.

        Columns: relation_id, kind, outgoing (bool), other_id, other_name, other_kind,
        project_id, project, start_date, end_date, note.
        """
        return self._df(
            """
            SELECT r.id AS relation_id, r.kind, r.source_actor = ? AS outgoing, r.evidence,
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
        """Every source behind an organisation file: the actor itself and its published relations,
        projects and events (citations of drafts are left out)."""
        return self._df(
            f"""
            WITH citations AS ({_PUBLIC_CITATIONS}), cited AS (
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
                   count(DISTINCT a.id) AS actors
            FROM projects p LEFT JOIN project_roles pr ON pr.project_id = p.id
            LEFT JOIN actors a ON a.id = pr.actor_id AND a.status = 'published'
            WHERE p.status = 'published' GROUP BY ALL ORDER BY p.start_date NULLS LAST, p.name
            """
        )

    def events(self) -> pd.DataFrame:
        return self._df(
            """
            SELECT e.id, e.name, e.kind, e.project_id, e.start_date, e.end_date, e.city, e.country,
                   e.lat, e.lon, e.participants_count, count(DISTINCT a.id) AS actors
            FROM events e LEFT JOIN participations pa ON pa.event_id = e.id
            LEFT JOIN actors a ON a.id = pa.actor_id AND a.status = 'published'
            WHERE e.status = 'published' GROUP BY ALL ORDER BY e.start_date NULLS LAST, e.name
            """
        )

    def sources(self, *, include_unpublished: bool = False) -> pd.DataFrame:
        """Source documents with how many records cite each: only those published records cite
        (and only their citations counted) unless ``include_unpublished``."""
        if include_unpublished:
            return self._df("SELECT s.id, s.title, s.publisher, s.date, s.language, s.url, s.reference, s.note, "
                            "count(c.record_id) AS citations FROM sources s LEFT JOIN citations c ON c.source_id = s.id "
                            "GROUP BY ALL ORDER BY s.id")
        return self._df(
            f"""
            SELECT s.id, s.title, s.publisher, s.date, s.language, s.url, s.reference, s.note,
                   count(c.record_id) AS citations
            FROM sources s JOIN ({_PUBLIC_CITATIONS}) c ON c.source_id = s.id
            GROUP BY ALL ORDER BY s.id
            """
        )

    def public_counts(self) -> dict[str, int]:
        """Published actors, relations (both ends published), projects and events: what visitors see."""
        row = self._one(
            """
            SELECT (SELECT count(*) FROM actors WHERE status = 'published'),
                   (SELECT count(*) FROM relations r JOIN actors s ON s.id = r.source_actor AND s.status = 'published'
                      JOIN actors t ON t.id = r.target_actor AND t.status = 'published' WHERE r.status = 'published'),
                   (SELECT count(*) FROM projects WHERE status = 'published'),
                   (SELECT count(*) FROM events WHERE status = 'published')
            """)
        return dict(zip(("actors", "relations", "projects", "events"), map(int, row or (0, 0, 0, 0))))

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
        """Counts by table, by country and by kind (published actors); actors whose country the
        sources do not state count under ``"not stated"``."""
        with self.unit():
            return self._stats()

    def _stats(self) -> dict[str, Any]:
        tables = {t: self.count(t) for t in self._TABLES}
        by_country = self._df(
            "SELECT coalesce(country, 'not stated') AS country, count(*) AS n FROM actors WHERE status = 'published' "
            "GROUP BY ALL ORDER BY n DESC, country"
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
            SELECT r.id, r.source_actor, r.target_actor, r.kind, r.project_id, r.evidence
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
                   pr.actor_id, pr.role, pr.evidence
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
            SELECT pa.event_id, e.name AS event_name, e.kind AS event_kind, e.project_id, pa.actor_id, pa.role,
                   pa.evidence
            FROM participations pa JOIN events e ON e.id = pa.event_id AND e.status = 'published'
            WHERE pa.actor_id IN (SELECT unnest(?))
        """
        params: list[Any] = [list(actor_ids)]
        if project_ids is not None:
            sql += " AND e.project_id IN (SELECT unnest(?))"
            params.append(list(project_ids))
        return self._df(sql + " ORDER BY pa.event_id, pa.actor_id, pa.role", params)

    def areas_of_operation(self, actor_ids: list[str] | None = None) -> pd.DataFrame:
        """Where published actors work besides their seat (optionally only ``actor_ids``).

        Columns: actor_id, country, region_code, city.
        """
        sql = ("SELECT DISTINCT ar.actor_id, ar.country, ar.region_code, ar.city FROM actor_areas ar "
               "JOIN actors a ON a.id = ar.actor_id AND a.status = 'published'")
        params: list[Any] = []
        if actor_ids is not None:
            sql += " WHERE ar.actor_id IN (SELECT unnest(?))"
            params.append(list(actor_ids))
        return self._df(sql + " ORDER BY ar.actor_id, ar.country, ar.region_code, ar.city", params)

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
        params: list[str | None]
        if actor_id:
            condition, params = "(r.source_actor = ? OR r.target_actor = ?)", [actor_id, actor_id]
        else:
            condition = ("(r.project_id = ? OR (r.source_actor IN (SELECT actor_id FROM project_roles WHERE project_id = ?)"
                         " AND r.target_actor IN (SELECT actor_id FROM project_roles WHERE project_id = ?)))")
            params = [project_id] * 3
        return self._df(
            f"""
            SELECT r.id, r.kind, r.source_actor, r.target_actor, r.evidence,
                   coalesce(s.acronym, s.name) AS source_name, coalesce(t.acronym, t.name) AS target_name,
                   s.lat AS source_lat, s.lon AS source_lon, t.lat AS target_lat, t.lon AS target_lon
            FROM relations r
            JOIN actors s ON s.id = r.source_actor AND s.status = 'published'
            JOIN actors t ON t.id = r.target_actor AND t.status = 'published'
            WHERE r.status = 'published' AND {condition}
            ORDER BY r.id
            """, params)
