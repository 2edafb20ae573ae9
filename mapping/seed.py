"""Build the default database from the reviewed seed CSVs in ``data/seed/``.

:func:`read_seed` turns the CSVs into frames shaped like the database tables (lists split,
places geocoded from the shipped gazetteer, one citation per row and cited document);
:func:`load_seed` hands them to :meth:`mapping.store.Store.insert_frames`, which writes them
in one transaction; :func:`init_database` opens (creating and migrating) a database and seeds it
when it has no actors yet. No SQL here.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import geo
from .errors import UserError
from .model import split_list

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "seed"


class SeedError(UserError, ValueError):
    """The seed CSVs are inconsistent (unknown place, missing source...)."""


def _read(name: str, seed_dir: Path) -> pd.DataFrame:
    path = seed_dir / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _none(value: object) -> object:
    return None if value == "" else value


def _place(city: str, country: str, what: str) -> dict:
    place = geo.find_place(city, country)
    if place is None:
        raise SeedError(f"{what}: place {city!r} ({country}) is not in the gazetteer")
    return place


def _citations(frame: pd.DataFrame, record_type: str, ids: pd.Series, field: str | None = None) -> list[dict]:
    """One citation per cited document; ``field`` names the field group (``place``, ``dates``)
    whose own ``<field>_source`` / ``<field>_quote`` columns are read, None the record's."""
    prefix = f"{field}_" if field else ""
    if f"{prefix}source" not in frame:
        return []
    rows = []
    for record_id, sources, quote in zip(ids, frame[f"{prefix}source"], frame[f"{prefix}quote"]):
        documents = split_list(sources)
        if not documents and field is None:
            raise SeedError(f"{record_type} {record_id!r} cites no source")
        # The quote is taken from the first document; the others are cited without one.
        for position, document in enumerate(documents):
            rows.append({"record_type": record_type, "record_id": record_id, "source_id": document,
                         "quote": _none(quote) if position == 0 else None, "field": field})
    return rows


def _evidence(frame: pd.DataFrame, *columns: str) -> dict[str, pd.Series]:
    """The evidence columns of a seed file, empty cells as None (columns absent: None)."""
    return {c: (frame[c].map(_none) if c in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object))
            for c in columns}


def _link_table(frame: pd.DataFrame, owner: str, record_type: str) -> tuple[pd.DataFrame, list[dict]]:
    """An actor's role in a project or event (``owner``), and its citations keyed "owner|actor|role"."""
    table = pd.DataFrame({
        f"{owner}_id": frame[owner], "actor_id": frame["actor"], "role": frame["role"],
        "note": frame["note"].map(_none), **_evidence(frame, "evidence", "evidence_note"),
    })
    return table, _citations(frame, record_type, frame[owner] + "|" + frame["actor"] + "|" + frame["role"])


def read_seed(seed_dir: Path = SEED_DIR) -> dict[str, pd.DataFrame]:
    """Read and shape every seed CSV.

    Returns
    -------
    dict of DataFrame
        Keys are table names (``sources``, ``actors``, ``projects``, ``project_roles``,
        ``events``, ``participations``, ``relations``, ``citations``).
    """
    out: dict[str, pd.DataFrame] = {}
    citations: list[dict] = []

    sources = _read("sources", seed_dir)
    if "reference" not in sources:
        sources["reference"] = ""
    out["sources"] = sources[["id", "title", "publisher", "date", "language", "url", "reference", "note"]].map(_none)

    actors = _read("actors", seed_dir)
    rows = []
    for rec in actors.to_dict("records"):
        # An actor whose seat the sources do not state has no city and no point (never an invented one).
        place = _place(rec["city"], rec["country"], f"actor {rec['id']}") if rec["city"] else {}
        if not place and rec.get("region_code"):  # a regional council: its region is stated, its seat is not
            place = {"region_code": rec["region_code"], "region": geo.region_name(rec["region_code"])}
        rows.append({
            "id": rec["id"], "name": rec["name"], "acronym": _none(rec["acronym"]),
            "name_fr": _none(rec["name_fr"]), "name_en": _none(rec["name_en"]), "name_ar": _none(rec["name_ar"]),
            "other_names": split_list(rec["other_names"]), "kind": rec["kind"], "country": _none(rec["country"]),
            "region_code": place.get("region_code") or None, "region": place.get("region") or None,
            "city": place.get("place"), "lat": place.get("lat"), "lon": place.get("lon"),
            "themes": split_list(rec["themes"]), "target_groups": split_list(rec["target_groups"]),
            "website": _none(rec["website"]), "description": _none(rec["description"]),
            "public_email": _none(rec["public_email"]), "public_phone": _none(rec["public_phone"]),
            "contact_name": _none(rec["contact_name"]), "contact_role": _none(rec["contact_role"]),
            "contact_email": _none(rec["contact_email"]),
            "valid_from": _none(rec["valid_from"]), "valid_to": _none(rec["valid_to"]),
            "note": _none(rec["note"]), "status": "published",
            **{c: _none(rec.get(c, "")) for c in ("evidence", "place_evidence", "dates_evidence", "evidence_note")},
        })
    out["actors"] = pd.DataFrame(rows)
    out["actors"]["lat"] = out["actors"]["lat"].astype(float)
    out["actors"]["lon"] = out["actors"]["lon"].astype(float)
    for field in (None, "place", "dates"):
        citations += _citations(actors, "actor", actors["id"], field)

    projects = _read("projects", seed_dir)
    out["projects"] = pd.DataFrame([{
        "id": r["id"], "name": r["name"], "acronym": _none(r["acronym"]),
        "other_names": split_list(r["other_names"]), "kind": r["kind"], "description": _none(r["description"]),
        "start_date": _none(r["start"]), "end_date": _none(r["end"]), "themes": split_list(r["themes"]),
        "status": "published",
        "evidence": _none(r.get("evidence", "")), "evidence_note": _none(r.get("evidence_note", "")),
    } for r in projects.to_dict("records")])
    citations += _citations(projects, "project", projects["id"])

    out["project_roles"], cited = _link_table(_read("project_roles", seed_dir), "project", "project_role")
    citations += cited

    events = _read("events", seed_dir)
    rows = []
    for rec in events.to_dict("records"):
        place = _place(rec["city"], rec["country"], f"event {rec['id']}") if rec["city"] else {}
        count = rec.get("participants_count", "")
        rows.append({
            "id": rec["id"], "name": rec["name"], "kind": rec["kind"], "project_id": _none(rec["project"]),
            "start_date": _none(rec["start"]), "end_date": _none(rec["end"]),
            "city": place["place"] if place else None, "country": _none(rec["country"]),
            "region_code": (place["region_code"] or None) if place else None,
            "lat": place["lat"] if place else None, "lon": place["lon"] if place else None,
            "description": _none(rec["description"]),
            "participants_count": int(count) if str(count).strip() else None, "status": "published",
            "evidence": _none(rec.get("evidence", "")), "evidence_note": _none(rec.get("evidence_note", "")),
        })
    out["events"] = pd.DataFrame(rows)
    if not out["events"].empty:
        out["events"]["participants_count"] = out["events"]["participants_count"].astype("Int64")
    citations += _citations(events, "event", events["id"])

    out["participations"], cited = _link_table(_read("participations", seed_dir), "event", "participation")
    citations += cited

    relations = _read("relations", seed_dir)
    out["relations"] = pd.DataFrame({
        "id": relations["id"], "source_actor": relations["source_actor"], "target_actor": relations["target_actor"],
        "kind": relations["kind"], "project_id": relations["project"].map(_none),
        "start_date": relations["start"].map(_none), "end_date": relations["end"].map(_none),
        "note": relations["note"].map(_none), "status": "published",
        **_evidence(relations, "evidence", "evidence_note"),
    })
    citations += _citations(relations, "relation", relations["id"])

    out["citations"] = pd.DataFrame(citations)
    return out


def load_seed(store: Store, seed_dir: Path = SEED_DIR) -> None:
    """Seed ``store`` from ``seed_dir`` in one transaction."""
    store.insert_frames(read_seed(seed_dir))


def init_database(path: str | None = None, seed_dir: Path = SEED_DIR) -> Store:
    """Open the database at ``path`` (default ``ATLAS_DB``), creating and migrating it, and seed
    it from ``seed_dir`` if it holds no actors yet. The caller closes the returned store.

    A database that already has actors is left as it is, so calling this twice is harmless.
    """
    from .store import Store  # local import: the store package does not depend on the seed

    store = Store(path)
    try:
        if store.count("actors") == 0 and not store.edits_off:  # a read-only file is shown as it is
            load_seed(store, seed_dir)
    except BaseException:
        store.close()
        raise
    return store
