"""Presenter tours: saved sequences of views."""
from __future__ import annotations

import json

import pandas as pd

from ..auth import User
from .base import Conflict, Connection


class Tours(Connection):
    """Tours anyone may present; curators edit them, versioned and logged."""

    # -- presenter tours ---------------------------------------------------------------------------------
    def tours(self) -> pd.DataFrame:
        """id, name, description, number of steps, version: the tours anyone may present."""
        return self._df("SELECT id, name, description, json_array_length(steps) AS steps, version, updated_at "
                        "FROM tours ORDER BY lower(name)")

    def tour(self, tour_id: str) -> dict | None:
        with self.unit() as cur:
            row = self._row(cur, "tours", tour_id)
        if row is None:
            return None
        return {"id": row["id"], "name": row["name"], "description": row["description"] or "",
                "steps": json.loads(row["steps"]), "version": row["version"]}

    def save_tour(self, tour: dict, *, user: User | None, expected_version: int | None = None) -> dict:
        """Create or replace a tour (checked by :func:`mapping.tours.check`); curators only,
        versioned like every record, logged."""
        from ..tours import check

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
        saved = self.tour(tour_id)
        if saved is None:
            raise LookupError(f"tour {tour_id!r} is missing after saving it")
        return saved

    def delete_tour(self, tour_id: str, *, user: User | None) -> None:
        """Remove a tour (its last state stays in the audit log)."""
        acting = self._acting(user, "edit")
        with self.transaction() as cur:
            current = self.tour(tour_id)
            cur.execute("DELETE FROM tours WHERE id = ?", [tour_id])
            self._log(cur, acting.username, "archive", "tour", tour_id, current, None)
            self._bump(cur)
