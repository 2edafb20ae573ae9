"""Imports: write a checked import plan (:mod:`mapping.importer`) in one transaction."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ..auth import User
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
            self._check_unchanged_since_preview(cur, updates, lang)
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
        """Where an actor works besides its seat (from 3W imports)."""
        return self._df("SELECT country, region_code, city, lat, lon FROM actor_areas WHERE actor_id = ? "
                        "ORDER BY country, region_code, city", [actor_id])
