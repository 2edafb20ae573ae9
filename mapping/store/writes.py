"""Audited writes: versioned saves, statuses, the audit log, undo and restore, participants."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from .. import i18n
from ..auth import User, require
from ..model import slugify, unique_id
from ..validate import VALIDATORS, Invalid, is_url
from .base import _RECORD_TABLES, Conflict, Connection, ParticipantConflict


class AuditedWrites(Connection):
    """Every change of a record: checked, versioned, cited and logged in one transaction."""

    def record(self, record_type: str, record_id: str) -> dict | None:
        """Any record in any status, private fields included (curators' view)."""
        with self.unit() as cur:
            return self._row(cur, _RECORD_TABLES[record_type], record_id)

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


    def _version_seen(self, cur: duckdb.DuckDBPyConnection, record_type: str, record_id: str,
                      version: int) -> dict | None:
        """The record as it was at ``version`` (from the audit log), to show what changed since: a
        change's "after", or the "before" of the next change (a seeded version is only there)."""
        for before, after in cur.execute("SELECT before, after FROM changes WHERE record_type = ? AND record_id = ? "
                                         "ORDER BY id DESC", [record_type, record_id]).fetchall():
            for snapshot in (after, before):
                state = json.loads(snapshot) if snapshot else {}
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
        record_id: str | None = values.get("id")
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
        if current is not None and record_id:
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
            self._cite(cur, record_type, record_id, source or "", quote)  # checked above
        after = self._stored(cur, table, record_id)
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

    def publish_records(self, ids: list[str] | None = None, *, user: User | None, trusted: bool = False,
                        lang: str = "en") -> list[tuple[str, str]]:
        """Publish the records ``ids`` (actors, relations, projects or events), or every draft when
        ``ids`` is None, in one transaction: all or nothing. Each is a versioned save logged as a
        publish, so History undoes it like a publish made in the app. Returns (type, id) pairs."""
        acting = User("cli", "admin") if trusted else self._acting(user, "publish")
        with self.transaction() as cur:
            targets: list[tuple[str, str]] = []
            if ids is None:
                for record_type, table in _RECORD_TABLES.items():  # names from the fixed mapping
                    targets += [(record_type, r[0]) for r in cur.execute(
                        f"SELECT id FROM {table} WHERE status = 'draft' ORDER BY id").fetchall()]
            else:
                missing = []
                for record_id in dict.fromkeys(ids):
                    found = next((rt for rt, table in _RECORD_TABLES.items() if cur.execute(
                        f"SELECT 1 FROM {table} WHERE id = ?", [record_id]).fetchone()), None)
                    if found is None:
                        missing.append(record_id)
                    else:
                        targets.append((found, record_id))
                if missing:
                    raise Invalid({"id": i18n.t("publish.unknown", lang, ids=", ".join(missing))})
            for record_type, record_id in targets:
                try:
                    self._save_in(cur, acting, record_type, {"id": record_id, "status": "published"}, lang=lang,
                                  action="publish")
                except Invalid as exc:
                    raise Invalid({record_id: str(exc)}) from exc
            if targets:
                self._bump(cur)
        return targets

    def history(self, record_type: str | None = None, record_id: str | None = None, *,
                limit: int = 500) -> pd.DataFrame:
        """The audit log, newest first: every change, or one record's."""
        clauses: list[str] = ["record_type <> 'user'"]
        params: list[str | int] = []
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
        with self.unit() as cur:
            found = self._rows(cur, "SELECT * FROM changes WHERE id = ?", [int(change_id)])
        if not found:
            return None
        row = found[0]
        for key in ("before", "after"):
            row[key] = json.loads(row[key]) if row[key] else None
        return row

    def restore(self, change_id: int, *, user: User | None, state: str = "before",
                expected_version: int | None = None) -> dict:
        """Put a record back as it was before (undo) or after a logged change; itself logged, so it
        can be undone in turn. Undoing a creation archives the record; undoing a merge restores
        every row the merge touched.

        Like the Edit form, it never overwrites newer work: an undo is refused (:class:`Conflict`,
        naming the fields) when the record changed after the change being undone; a restore of an
        older state is refused when the record is no longer at ``expected_version`` (the version
        the curator saw when choosing it)."""
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
            self._check_participant_unchanged(change, state, expected_version)
            self.set_participant(owner, owner_id, actor_id, role, user=acting, present=snapshot is not None,
                                 source=f"restore of change {change_id}", note=(snapshot or {}).get("note"))
            return {"id": record_id, "present": snapshot is not None}
        if record_type not in _RECORD_TABLES:
            raise Invalid({"change": f"{record_type} changes cannot be restored one by one"})
        snapshot = change[state]
        current = self.record(record_type, record_id)
        if current is None:
            raise Invalid({"change": f"{record_type} {record_id} no longer exists"})
        if state == "before":
            after = change["after"] or {}
            if after.get("version") is not None and current["version"] != after["version"]:
                raise Conflict(current, {c: (after.get(c), current.get(c)) for c in self._editable(record_type)
                                         if c in after and after.get(c) != current.get(c)})
            expected_version = current["version"]  # checked again inside save's transaction
        if snapshot is None:  # before a creation: the record did not exist
            values = {"status": "archived"}
        else:
            values = {c: snapshot.get(c) for c in self._editable(record_type) if c in snapshot}
        return self.save(record_type, {"id": record_id, **values}, user=acting, action="restore",
                         expected_version=expected_version)

    def participant_version(self, record_type: str, row_id: str) -> int | None:
        """The "version" of a participant row (``owner|actor|role``), which has no version column:
        the id of the latest logged change to it, or None if none was logged (seeded)."""
        row = self._one("SELECT max(id) FROM changes WHERE record_type = ? AND record_id = ?", [record_type, row_id])
        return int(row[0]) if row and row[0] is not None else None

    def _check_participant_unchanged(self, change: dict, state: str, seen: int | None) -> None:
        """Refuse (:class:`ParticipantConflict`) to undo a participant change when a later change
        touched the same row, or to restore a state when the row moved past the change the curator
        saw (``seen``, from :meth:`participant_version`)."""
        expected = change["id"] if state == "before" else seen
        latest = self.participant_version(change["record_type"], change["record_id"])
        if expected is None or latest is None or latest == expected:
            return
        later = self.change(latest)
        assert later is not None  # its id was just read from the log
        raise ParticipantConflict(change["record_type"], change["record_id"], later)

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
        from ..model import EVENT_ROLES, PROJECT_ROLES

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
                self._cite(cur, logged_type, row_id, source or "")  # checked above
                self._log(cur, acting.username, "create", logged_type, row_id, None, state | {"note": note})
            elif not present and exists:
                cur.execute(f"DELETE FROM {table} WHERE {key} = ? AND actor_id = ? AND role = ?",
                            [record_id, actor_id, role])
                self._log(cur, acting.username, "archive", logged_type, row_id, state | {"note": exists[0]}, None)
            else:
                return
            self._bump(cur)
