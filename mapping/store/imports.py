"""Imports: write a checked import plan (:mod:`mapping.importer`) in one transaction."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ..auth import User
from ..filters import Filters
from ..i18n import t
from ..model import merge_lists, slugify, unique_id
from ..validate import Invalid
from .base import Connection

if TYPE_CHECKING:
    from ..importer import ImportPlan


class Imports(Connection):
    """Partner files and 3W sheets: all or nothing, areas of operation."""

    # -- curation: imports -----------------------------------------------------------------------
    def actor_index(self) -> pd.DataFrame:
        """Every actor's id, names and country (any status): what imports and duplicates match against."""
        return self._df("SELECT id, name, acronym, country, status, version FROM actors ORDER BY id")

    def apply_import(self, plan: ImportPlan, *, user: User | None, source: str, trusted: bool = False,
                     progress: Any = None, lang: str = "en") -> dict[str, int]:
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
        counts: dict[str, Any] = {"new": len(new), "update": 0, "areas": 0}
        with self.transaction() as cur:
            if not cur.execute("SELECT 1 FROM sources WHERE id = ?", [source]).fetchone():
                cur.execute("INSERT INTO sources (id, title, note) VALUES (?, ?, ?)",
                            [source, source, f"imported by {acting.username}"])
            import_id = unique_id(f"import-{slugify(plan.file_name)[:40]}",
                                  {r[0] for r in cur.execute("SELECT id FROM imports").fetchall()}.__contains__)
            members: list[tuple[str, str, str | None]] = []  # (actor, new | update, kind rule)
            taken = {r[0] for r in cur.execute("SELECT id FROM actors").fetchall()}
            areas: list[tuple] = []
            rows = []
            for record in new:
                record_id = unique_id(record.get("id") or slugify(record.get("acronym") or record["name"]),
                                      taken.__contains__)
                taken.add(record_id)
                members.append((record_id, "new", record.get("_kind_rule")))
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
            self._check_unchanged_since_preview(cur, updates, lang)
            for n, planned in enumerate(updates):
                record = self._import_update(cur, {k: v for k, v in planned.items() if not k.startswith("_")})
                self._save_in(cur, acting, "actor", record, source=source, action="import")
                areas += [(record["id"], a) for a in planned.get("_areas", [])]
                members.append((record["id"], "update", None))
                counts["update"] += 1
                if progress and n % 200 == 0:
                    progress(n / len(updates))
            counts["areas"] = self._add_areas(cur, areas, import_id)
            counts["import_id"] = import_id
            cur.execute("INSERT INTO imports (id, file_name, source_id, username, counts) VALUES (?, ?, ?, ?, ?)",
                        [import_id, plan.file_name, source, acting.username, json.dumps(counts)])
            self._insert_rows(cur, "import_actors", ("import_id", "actor_id", "action", "kind_rule"),
                              [(import_id, *m) for m in members])
            self._log(cur, acting.username, "import", "database", "*", None, counts, note=plan.file_name)
            self._bump(cur)
        return counts

    _AREA_KEY = ("country", "region_code", "city", "sector", "period")

    def _add_areas(self, cur: duckdb.DuckDBPyConnection, areas: list[tuple[str, dict]], import_id: str) -> int:
        """Insert the areas of operation an actor does not have yet (same country, region, city, sector
        and period): importing the same file again adds none. Returns how many were added."""
        if not areas:
            return 0
        ids = sorted({actor_id for actor_id, _ in areas})
        have = {tuple(r) for r in cur.execute(
            "SELECT actor_id, country, region_code, city, sector, period FROM actor_areas "
            "WHERE actor_id IN (SELECT unnest(?))", [ids]).fetchall()}
        fresh = []
        for actor_id, area in areas:
            key = (actor_id, *(area.get(k) for k in self._AREA_KEY))
            if key not in have:
                have.add(key)
                fresh.append((*key, area.get("lat"), area.get("lon"), import_id))
        self._insert_rows(cur, "actor_areas", ("actor_id", "country", "region_code", "city", "sector", "period",
                                               "lat", "lon", "import_id"), fresh)
        return len(fresh)

    def _check_unchanged_since_preview(self, cur: duckdb.DuckDBPyConnection, updates: list[dict], lang: str) -> None:
        """Refuse the whole import when a file it updates was edited after the preview was made
        (the preview's changes were computed against the older version), naming what changed."""
        changed = []
        for planned in updates:
            seen = planned.get("_version")
            current = self._row(cur, "actors", planned["id"])
            if seen is None or current is None or current["version"] == seen:
                continue
            before = self._version_seen(cur, "actor", planned["id"], seen) or {}
            fields = [c for c in self._editable("actor") if c in before and before.get(c) != current.get(c)]
            changed.append(f"{planned['id']} (v{seen} → v{current['version']}: {', '.join(fields) or 'edited'})")
        if changed:
            raise Invalid({"file": t("import.changed_since", lang, records="; ".join(changed))})

    def _import_update(self, cur: duckdb.DuckDBPyConnection, record: dict) -> dict:
        """What an imported row changes in an existing file: the values it gives, lists merged
        (themes are added, not replaced), another spelling of the name kept as an other name,
        the status left alone (an import does not unpublish)."""
        current = self._stored(cur, "actors", record["id"])
        record.pop("status", None)
        for name in ("themes", "target_groups", "other_names"):
            if record.get(name) is not None:
                record[name] = merge_lists(current.get(name), record[name])
        if record.get("name") and record["name"] != current["name"]:
            others = record.get("other_names", current.get("other_names"))
            record["other_names"] = merge_lists(others, [record.pop("name")])
        return record

    def actor_areas(self, actor_id: str) -> pd.DataFrame:
        """Where an actor works besides its seat (from 3W imports): place, sector and period."""
        return self._df("SELECT country, region_code, city, lat, lon, sector, period FROM actor_areas "
                        "WHERE actor_id = ? ORDER BY country, region_code, city, sector", [actor_id])

    def area_counts(self, filters: Filters | None = None) -> pd.DataFrame:
        """Published actors matching ``filters`` that work in each region, by their seat or an area
        of operation (the map's "areas of operation" shading). Columns: country, region_code, n."""
        where, params = self._actor_where(filters or Filters(), False)
        return self._df(
            "WITH places AS (SELECT a.id, a.region_code FROM actors a WHERE " + where + " AND a.region_code "
            "IS NOT NULL UNION SELECT a.id, ar.region_code FROM actors a JOIN actor_areas ar ON ar.actor_id = a.id "
            "WHERE " + where + " AND ar.region_code IS NOT NULL) "
            "SELECT substr(region_code, 1, 2) AS country, region_code, count(DISTINCT id) AS n FROM places "
            "GROUP BY ALL ORDER BY region_code", params + params)

    # -- bulk review of one import's drafts --------------------------------------------------------
    def imports(self) -> pd.DataFrame:
        """Every import, newest first, with how many of its new actors are still drafts."""
        return self._df("SELECT i.id, i.file_name, i.source_id, i.username, i.imported_at, i.counts, "
                        "count(a.id) FILTER (WHERE m.action = 'new' AND a.status = 'draft') AS drafts "
                        "FROM imports i LEFT JOIN import_actors m ON m.import_id = i.id "
                        "LEFT JOIN actors a ON a.id = m.actor_id "
                        "GROUP BY ALL ORDER BY i.imported_at DESC, i.id DESC")

    def import_drafts(self, import_id: str) -> pd.DataFrame:
        """The actors an import created that are still drafts: what the curator reviews together.
        ``kind_rule`` is set while the kind is a guess (cleared once the curator sets it)."""
        return self._df("SELECT a.id, a.name, a.acronym, a.kind, a.country, a.version, m.kind_rule, "
                        "(SELECT count(*) FROM actor_areas ar WHERE ar.actor_id = a.id) AS areas "
                        "FROM import_actors m JOIN actors a ON a.id = m.actor_id "
                        "WHERE m.import_id = ? AND m.action = 'new' AND a.status = 'draft' ORDER BY a.name",
                        [import_id])

    def review_import(self, import_id: str, *, kinds: dict[str, str] | None = None, publish: bool = False,
                      user: User | None, trusted: bool = False, lang: str = "en") -> dict[str, int]:
        """Fix the kinds of an import's drafts and/or publish them all, in one transaction: all or
        nothing. Each change is a versioned, logged save; a fixed kind is no longer "to review"."""
        acting = User("cli", "admin") if trusted else self._acting(user, "publish" if publish else "import")
        drafts = self.import_drafts(import_id)
        if not len(drafts) and not len(self._df("SELECT id FROM imports WHERE id = ?", [import_id])):
            raise Invalid({"import": t("import.no_such_import", lang, id=import_id)})
        unknown = sorted(set(kinds or {}) - set(drafts["id"]))
        if unknown:
            raise Invalid({"import": t("import.not_drafts_of", lang, ids=", ".join(unknown), id=import_id)})
        out = {"kinds": 0, "published": 0}
        with self.transaction() as cur:
            for actor_id in drafts["id"]:
                values: dict[str, Any] = {"id": actor_id}
                if kinds and kinds.get(actor_id):
                    values["kind"] = kinds[actor_id]
                    cur.execute("UPDATE import_actors SET kind_rule = NULL WHERE import_id = ? AND actor_id = ?",
                                [import_id, actor_id])
                    out["kinds"] += 1
                if publish:
                    values["status"] = "published"
                    out["published"] += 1
                if len(values) > 1:
                    self._save_in(cur, acting, "actor", values, lang=lang,
                                  action="publish" if publish else "update")
            self._bump(cur)
        return out
