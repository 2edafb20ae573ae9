"""Duplicates: candidates, merges and their exact undo."""
from __future__ import annotations

import duckdb
import pandas as pd

from ..auth import User
from ..model import merge_lists
from ..validate import Invalid
from .base import Conflict, Connection


class Merges(Connection):
    """Merge a duplicate into the file that stays, and undo it."""

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
                cur.execute(f"INSERT INTO {table} ({key}, actor_id, role, note, evidence, evidence_note) "
                            f"SELECT {key}, ?, role, note, evidence, evidence_note FROM {table} d WHERE actor_id = ? "
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
            after = self._stored(cur, "actors", keep_id)
            self._log(cur, acting.username, "merge", "actor", keep_id, before,
                      {"keep": after, "drop": drop_id}, note=f"{drop_id} merged into {keep_id}")
            self._bump(cur)
        return after

    def _undo_merge(self, change: dict, acting: User) -> dict:
        """Put back every row a merge touched. Refused when either file was edited since (naming
        what changed); what was added to the kept file after the merge (participations, project
        roles, areas, citations) stays: only the rows the merge moved go back to the duplicate."""
        before, keep_id = change["before"], change["record_id"]
        ids = [a["id"] for a in before["actors"]]
        drop_id = next(i for i in ids if i != keep_id)
        with self.transaction() as cur:
            drop_before = next(a for a in before["actors"] if a["id"] == drop_id)
            expected = {keep_id: change["after"]["keep"],  # each file as the merge left it
                        drop_id: drop_before | {"status": "archived", "merged_into": keep_id,
                                                "version": drop_before["version"] + 1}}
            for actor_id, then in expected.items():
                current = self._stored(cur, "actors", actor_id)
                if current["version"] != then["version"]:
                    raise Conflict(current, {c: (then.get(c), current.get(c)) for c in self._editable("actor")
                                             if c in then and then.get(c) != current.get(c)} or
                                   {"version": (then["version"], current["version"])})
            undo_before = self._merge_snapshot(cur, ids)
            for record in before["actors"]:
                now = self._stored(cur, "actors", record["id"])
                values = {c: record.get(c) for c in self._editable("actor")}
                self._write(cur, "actors", record["id"], values, new=False, version=now["version"] + 1)
            for record in before["relations"]:
                # only the ends the merge rewrote (and the status it archived): later edits stay
                cur.execute("UPDATE relations SET source_actor = ?, target_actor = ?, "
                            "status = CASE WHEN source_actor = target_actor THEN ? ELSE status END WHERE id = ?",
                            [record["source_actor"], record["target_actor"], record["status"], record["id"]])
            key = ("record_type", "record_id", "source_id", "quote")
            kept = {tuple(r.get(k) for k in key) for r in before["citations"] if r["record_id"] == keep_id}
            for record in before["citations"]:
                if record["record_id"] != drop_id:
                    continue
                moved = (record["record_type"], keep_id, record["source_id"], record["quote"])
                if moved not in kept:
                    cur.execute("DELETE FROM citations WHERE record_type = ? AND record_id = ? AND source_id = ? "
                                "AND quote IS NOT DISTINCT FROM ?", list(moved))
                cur.execute("INSERT INTO citations (record_type, record_id, source_id, quote, field) VALUES (?, ?, ?, ?, ?)",
                            [record["record_type"], drop_id, record["source_id"], record["quote"], record.get("field")])
            for table, column in self._LINKED.items():  # names from the fixed mapping
                cols = [c for c in (before[table][0] if before[table] else {}) if c != column]
                kept = {tuple(r[c] for c in cols) for r in before[table] if r[column] == keep_id}
                for record in before[table]:
                    if record[column] != drop_id:
                        continue
                    row = [record[c] for c in cols]
                    if tuple(row) not in kept:  # the copy the merge made under the kept file
                        match = " AND ".join(f"{c} IS NOT DISTINCT FROM ?" for c in cols)
                        cur.execute(f"DELETE FROM {table} WHERE rowid = (SELECT min(rowid) FROM {table} "
                                    f"WHERE {column} = ? AND {match})", [keep_id, *row])
                    cur.execute(f"INSERT INTO {table} ({column}, {', '.join(cols)}) "
                                f"VALUES (?, {', '.join('?' * len(cols))})", [drop_id, *row])
            after = self._stored(cur, "actors", keep_id)
            self._log(cur, acting.username, "restore", "actor", keep_id, undo_before, {"keep": after},
                      note=f"undo of change {change['id']} ({change['note']})")
            self._bump(cur)
        return after

    def duplicate_candidates(self, country: str | None = None) -> pd.DataFrame:
        """Likely duplicates among files not archived: id_a, id_b, score, with both names."""
        from ..dedupe import candidates  # pure matching; this module only fetches and joins

        actors = self._df("SELECT id, name, acronym, country FROM actors WHERE status <> 'archived'"
                          + (" AND country = ?" if country else ""), [country] if country else [])
        pairs = candidates(actors)
        names = dict(zip(actors["id"], actors["name"]))
        pairs["name_a"] = pairs["id_a"].map(names)
        pairs["name_b"] = pairs["id_b"].map(names)
        return pairs
