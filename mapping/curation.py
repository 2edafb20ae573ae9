"""What the curation pages show and send: the fields of each record type, form values to
records, and what changed between two versions. Pure (no SQL, no Streamlit).

Examples
--------
>>> [f.name for f in FIELDS["relation"]][:3]
['source_actor', 'kind', 'target_actor']
>>> to_record("actor", {"name": " Oujda ", "themes": ["health"], "lat": "34.68", "lon": "", "website": ""})
{'name': 'Oujda', 'themes': ['health'], 'lat': 34.68, 'lon': None, 'website': None}
>>> changes({"name": "A", "city": "Fès", "version": 1}, {"name": "A", "city": "Fez", "version": 2})
[('city', 'Fès', 'Fez')]
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import (
    ACTOR_KINDS,
    COUNTRIES,
    EVENT_KINDS,
    EVIDENCE,
    PROJECT_KINDS,
    RELATION_KINDS,
    TARGET_GROUPS,
    THEMES,
    Vocabulary,
)
from .validate import ISO_COUNTRIES, is_blank


@dataclass(frozen=True)
class Field:
    """One form field. ``kind``: text, long, number, select, multi, actor, project, country."""

    name: str
    kind: str = "text"
    vocabulary: Vocabulary | None = None
    required: bool = False
    private: bool = False


FIELDS: dict[str, list[Field]] = {
    "actor": [
        Field("name", required=True), Field("acronym"), Field("kind", "select", ACTOR_KINDS, required=True),
        Field("name_fr"), Field("name_en"), Field("name_ar"), Field("other_names", "list"),
        Field("country", "country"), Field("region_code", "region"), Field("city"),
        Field("lat", "number"), Field("lon", "number"),
        Field("themes", "multi", THEMES), Field("target_groups", "multi", TARGET_GROUPS),
        Field("description", "long"), Field("website"), Field("public_email"), Field("public_phone"),
        Field("contact_name", private=True), Field("contact_role", private=True), Field("contact_email", private=True),
        Field("valid_from"), Field("valid_to"), Field("note", "long"),
        Field("evidence", "select", EVIDENCE), Field("place_evidence", "select", EVIDENCE),
        Field("dates_evidence", "select", EVIDENCE), Field("evidence_note", "long"),
    ],
    "relation": [
        Field("source_actor", "actor", required=True), Field("kind", "select", RELATION_KINDS, required=True),
        Field("target_actor", "actor", required=True), Field("project_id", "project"),
        Field("start_date"), Field("end_date"), Field("note", "long"),
        Field("evidence", "select", EVIDENCE), Field("evidence_note", "long"),
    ],
    "project": [
        Field("name", required=True), Field("acronym"), Field("kind", "select", PROJECT_KINDS, required=True),
        Field("other_names", "list"), Field("start_date"), Field("end_date"), Field("themes", "multi", THEMES),
        Field("description", "long"), Field("evidence", "select", EVIDENCE), Field("evidence_note", "long"),
    ],
    "event": [
        Field("name", required=True), Field("kind", "select", EVENT_KINDS, required=True),
        Field("project_id", "project"), Field("start_date"), Field("end_date"), Field("country", "country"),
        Field("region_code", "region"), Field("city"), Field("lat", "number"), Field("lon", "number"),
        Field("participants_count", "number"), Field("description", "long"),
        Field("evidence", "select", EVIDENCE), Field("evidence_note", "long"),
    ],
}

#: Countries offered in forms: the atlas's own first, then every other ISO code.
COUNTRY_CHOICES = list(COUNTRIES) + sorted(ISO_COUNTRIES - set(COUNTRIES))


def to_record(record_type: str, values: Mapping[str, Any]) -> dict:
    """Form values -> a record for :meth:`mapping.store.Store.save`: text trimmed, blanks as None,
    numbers parsed (a comma decimal too), list fields from ``|`` or new lines.

    A number that cannot be parsed is kept as typed, so validation reports it on its field.
    """
    kinds = {f.name: f.kind for f in FIELDS[record_type]}
    out: dict[str, Any] = {}
    for name, value in values.items():
        kind = kinds.get(name, "text")
        if kind == "multi":
            out[name] = list(value or [])
        elif kind == "list":
            parts = value if isinstance(value, list) else str(value or "").replace("\n", "|").split("|")
            out[name] = [p.strip() for p in parts if p and p.strip()]
        elif kind == "number":
            if is_blank(value):
                out[name] = None
            else:
                try:
                    number = float(str(value).replace(",", "."))
                    out[name] = int(number) if name == "participants_count" and number.is_integer() else number
                except ValueError:
                    out[name] = str(value)
        else:
            out[name] = None if is_blank(value) else str(value).strip()
    return out


def form_value(field: Field, value: Any) -> Any:
    """A stored value as the form widget shows it (lists joined for list fields, "" for None).

    >>> form_value(Field("other_names", "list"), ["MCMREAM", "MDCMRE"]), form_value(Field("lat", "number"), None)
    ('MCMREAM | MDCMRE', '')
    """
    if field.kind == "multi":
        return list(value or [])
    if field.kind == "list":
        return " | ".join(value or [])
    if is_blank(value):
        return None if field.kind in ("select", "actor", "project", "country", "region") else ""
    if field.kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value


def changes(before: Mapping | None, after: Mapping | None) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` for every field that differs (bookkeeping columns left out)."""
    before, after = before or {}, after or {}
    skip = {"version", "updated_at", "created_at"}
    names = [k for k in dict.fromkeys(list(before) + list(after)) if k not in skip]
    return [(k, before.get(k), after.get(k)) for k in names if before.get(k) != after.get(k)]


#: Record types whose fields the Edit page saves and History compares by version.
VERSIONED = ("actor", "relation", "project", "event")
#: Record types whose logged changes can be undone or restored one by one: the versioned records
#: and participants (a project role or an event participation the store puts back as it was).
RESTORABLE = (*VERSIONED, "project_role", "participation")


def restore_options(change: Mapping[str, Any]) -> dict[str, bool]:
    """What the History page offers for a logged change: ``undo`` (back to before it), ``after``
    (back to the state it made) and whether the record is ``versioned`` (a newer save refuses).

    >>> restore_options({"action": "update", "record_type": "actor", "after": {"version": 2}})
    {'undo': True, 'after': True, 'versioned': True}
    >>> restore_options({"action": "merge", "record_type": "actor", "after": {"keep": {}}})
    {'undo': True, 'after': False, 'versioned': True}
    >>> restore_options({"action": "create", "record_type": "participation", "after": {"note": None}})
    {'undo': True, 'after': True, 'versioned': False}
    >>> restore_options({"action": "delete", "record_type": "project_role", "after": None})
    {'undo': True, 'after': False, 'versioned': False}
    >>> restore_options({"action": "create", "record_type": "user", "after": {}})
    {'undo': False, 'after': False, 'versioned': False}
    """
    restorable = change["action"] == "merge" or change["record_type"] in RESTORABLE
    return {"undo": restorable,
            "after": restorable and change["action"] != "merge" and change.get("after") is not None,
            "versioned": change["record_type"] in VERSIONED}
