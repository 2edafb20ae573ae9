"""Seed integrity: references resolve, every record cites a source, places are where they say."""
from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

from mapping import geo, provenance
from mapping.model import (
    ACTOR_KINDS,
    COUNTRIES,
    EVENT_KINDS,
    EVENT_ROLES,
    EVIDENCE,
    FOCUS_COUNTRIES,
    PROJECT_KINDS,
    PROJECT_ROLES,
    RELATION_KINDS,
    TARGET_GROUPS,
    THEMES,
)
from mapping.seed import read_seed


@pytest.fixture(scope="module")
def frames():
    return read_seed()


def test_no_duplicate_ids(frames):
    for table in ("actors", "projects", "events", "relations", "sources"):
        ids = frames[table]["id"]
        assert not ids.duplicated().any(), f"duplicate ids in {table}: {ids[ids.duplicated()].tolist()}"


def test_references_resolve(frames):
    actors = set(frames["actors"]["id"])
    projects = set(frames["projects"]["id"])
    events = set(frames["events"]["id"])
    rel = frames["relations"]
    assert set(rel["source_actor"]) <= actors and set(rel["target_actor"]) <= actors
    assert set(rel["project_id"].dropna()) <= projects
    assert set(frames["project_roles"]["actor_id"]) <= actors
    assert set(frames["project_roles"]["project_id"]) <= projects
    assert set(frames["participations"]["actor_id"]) <= actors
    assert set(frames["participations"]["event_id"]) <= events
    assert set(frames["events"]["project_id"].dropna()) <= projects


def test_codes_come_from_vocabularies(frames):
    a = frames["actors"]
    assert set(a["kind"]) <= set(ACTOR_KINDS)
    assert set(a["country"].dropna()) <= set(COUNTRIES)
    assert set(t for ts in a["themes"] for t in ts) <= set(THEMES)
    assert set(t for ts in a["target_groups"] for t in ts) <= set(TARGET_GROUPS)
    assert set(frames["relations"]["kind"]) <= set(RELATION_KINDS)
    assert set(frames["project_roles"]["role"]) <= set(PROJECT_ROLES)
    assert set(frames["participations"]["role"]) <= set(EVENT_ROLES)
    assert set(frames["events"]["kind"]) <= set(EVENT_KINDS)
    assert set(frames["projects"]["kind"]) <= set(PROJECT_KINDS)


def test_every_record_cites_a_known_source(frames):
    cit = frames["citations"]
    sources = set(frames["sources"]["id"])
    assert set(cit["source_id"]) <= sources
    for table, rtype in (("actors", "actor"), ("relations", "relation"), ("projects", "project"), ("events", "event")):
        cited = set(cit.loc[cit["record_type"] == rtype, "record_id"])
        missing = set(frames[table]["id"]) - cited
        assert not missing, f"{table} without source: {sorted(missing)}"
    quoted = cit.dropna(subset=["quote"]).groupby("record_type")["record_id"].nunique()
    for rtype, n in quoted.items():
        assert n == cit.loc[cit["record_type"] == rtype, "record_id"].nunique(), f"{rtype} without a quote"


def test_every_source_is_used_and_readable(frames):
    """Each source supports facts and says what it is in words a reader can follow: a title,
    publisher, date, language, and a link or a reference (never a file name)."""
    used = set(frames["citations"]["source_id"])
    sources = frames["sources"]
    assert set(sources["id"]) <= used
    for rec in sources.to_dict("records"):
        assert rec["title"] and rec["publisher"] and rec["language"], rec["id"]
        assert rec["url"] or rec["reference"], rec["id"]
        assert not re.search(r"\.(txt|pdf|csv)$", rec["id"]), rec["id"]


def seed_facts(frames) -> list[tuple[str, dict, str | None, str]]:
    """(record type, record, field group, evidence level) of every fact the seed ships."""
    facts = []
    for table, rtype in (("actors", "actor"), ("projects", "project"), ("events", "event"),
                         ("relations", "relation"), ("project_roles", "project_role"),
                         ("participations", "participation")):
        for rec in frames[table].to_dict("records"):
            facts.append((rtype, rec, None, rec["evidence"]))
            if rtype == "actor" and (rec["country"] or rec["city"]):
                facts.append((rtype, rec, "place", rec["place_evidence"]))
            if rtype == "actor" and (rec["valid_from"] or rec["valid_to"]):
                facts.append((rtype, rec, "dates", rec["dates_evidence"]))
    return facts


def _record_id(rtype: str, rec: dict) -> str:
    if rtype == "project_role":
        return f"{rec['project_id']}|{rec['actor_id']}|{rec['role']}"
    if rtype == "participation":
        return f"{rec['event_id']}|{rec['actor_id']}|{rec['role']}"
    return rec["id"]


def test_every_stated_fact_has_a_quote_with_its_key_words(frames):
    """The fidelity check, from the repository alone: each fact marked *stated* cites a quote
    (stored with the seed) that names what the fact claims — both organisations of a link, the
    actor and its role, the city of a seat, the year of a date."""
    names = ("name", "acronym", "name_fr", "name_en")
    aliases = {rec["id"]: [rec[n] for n in names if rec.get(n)] + list(rec["other_names"])
               for table in ("actors", "projects") for rec in frames[table].to_dict("records")}
    gaz = geo.gazetteer()
    places = {p: [a for a in str(alt).split("|") if a] for p, alt in zip(gaz["place"], gaz["alt_names"].fillna(""))}
    cit = frames["citations"].dropna(subset=["quote"])
    quotes = cit.groupby([cit["record_type"], cit["record_id"], cit["field"].fillna("")])["quote"].agg(
        lambda q: provenance.EXCERPT_SEPARATOR.join(q)).to_dict()
    checked, failures = 0, []
    for rtype, rec, field, level in seed_facts(frames):
        if level != "stated":
            continue
        rid = _record_id(rtype, rec)
        quote = quotes.get((rtype, rid, field or "")) or quotes.get((rtype, rid, ""))
        wanted = provenance.key_words(rtype, rec, aliases, field, places)
        gaps = ["a quote"] if not quote else provenance.missing(quote, wanted)
        checked += 1
        if gaps:
            failures.append(f"{rtype} {rid} {field or ''}: quote lacks {gaps}: {str(quote)[:90]!r}")
    assert checked > 200
    assert not failures, "\n".join(failures)


def test_named_actors_present(frames):
    a = frames["actors"]
    text = " ".join(a["name"].fillna("") + " " + a["acronym"].fillna("") + " " +
                    a["other_names"].map(" ".join)).lower()
    for needle in ("oujda", "nador", "tanger", "rabat", "salé", "casablanca", "fès", "marrakech", "tiznit",
                   "béni mellal", "kaolack", "dakar", "madrid", "bmz", "giz", "expertise france", "amappe",
                   "intent", "ensa", "uclg", "mcmream", "mdcmre", "dgcl", "souss-massa", "oriental"):
        assert needle in text, needle
    municipalities = a[(a["kind"] == "municipality") & (a["country"] == "MA")]
    assert len(municipalities) >= 10


def test_one_ministry_with_both_names(frames):
    a = frames["actors"]
    hits = a[a["other_names"].map(lambda n: "MCMREAM" in n) | (a["acronym"] == "MCMREAM")]
    hits2 = a[a["other_names"].map(lambda n: "MDCMRE" in n) | (a["acronym"] == "MDCMRE")]
    assert len(hits) == 1 and hits["id"].tolist() == hits2["id"].tolist()


PEOPLE = ("Said Makhon", "Anna Wittenborg", "Ana Fonseca", "Omar Hjira", "Tarik Oufkir", "Rebecca Grübel",
          "Ettayeb El Masbahi", "Sabah Boucham", "Ahmed Skim", "Jean Pierre Elong Mbassi", "Serge Aimé Guemou",
          "María Jesús Guerra")


def test_people_only_in_private_fields(frames):
    """Named people appear only in the private contact fields: not in any public text, note or quote."""
    public = {"actors": ["name", "description", "public_email", "website", "note", "evidence_note"],
              "projects": ["name", "description", "evidence_note"], "events": ["name", "description", "evidence_note"],
              "relations": ["note", "evidence_note"], "project_roles": ["note", "evidence_note"],
              "participations": ["note", "evidence_note"], "citations": ["quote"],
              "sources": ["title", "note", "reference"]}
    public_text = " ".join(" ".join(frames[t][cols].fillna("").astype(str).sum(axis=1)) for t, cols in public.items())
    for person in PEOPLE:
        assert person.split()[-1] not in public_text, person
    a = frames["actors"]
    assert a["contact_name"].fillna("").str.contains("Anna Wittenborg").any()


def test_international_partners_kept(frames):
    a = frames["actors"].set_index("id")
    outside = a[~a["country"].isin(FOCUS_COUNTRIES)]
    assert {"DE", "ES", "FR"} <= set(outside["country"])
    assert len(outside) >= 5


def test_points_fall_in_their_country_and_region(frames):
    a = frames["actors"]
    inside = a[a["country"].isin(FOCUS_COUNTRIES) & a["lat"].notna()].copy()
    assert len(inside) >= 15
    points = gpd.GeoDataFrame(inside, geometry=gpd.points_from_xy(inside["lon"], inside["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, geo.regions()[["country", "region_code", "geometry"]], how="left",
                       predicate="within", lsuffix="actor", rsuffix="poly")
    wrong = joined[(joined["country_poly"] != joined["country_actor"]) |
                   (joined["region_code_poly"] != joined["region_code_actor"])]
    assert wrong.empty, wrong[["id", "city", "region_code_actor", "region_code_poly"]].to_string()
    countries = gpd.sjoin(points, geo.countries()[["country", "geometry"]], predicate="within",
                          lsuffix="actor", rsuffix="poly")
    assert (countries["country_actor"] == countries["country_poly"]).all() and len(countries) == len(points)


def test_no_actor_is_drawn_at_an_invented_place(frames):
    """A point only where a source states the seat; otherwise no city and no point (the actor
    stays in the directory and the network, and is listed beside the map)."""
    a = frames["actors"]
    placed = a[a["lat"].notna()]
    assert pd.api.types.is_float_dtype(a["lat"])
    assert placed["city"].notna().all() and (placed["place_evidence"] == "stated").all()
    unplaced = a[a["lat"].isna()]
    assert unplaced["city"].isna().all() and len(unplaced) == 23
    assert set(unplaced["id"]) >= {"isg", "uclg-africa", "iom", "ensa", "conseil-regional-oriental", "gov-mali"}


AUDIT_FINDINGS = {
    # RECOSA was recorded as RECOMIG's continuation: no document links the two.
    "no continuation": lambda f: not f["actors"]["description"].str.contains("continuation|earlier phase").any()
    and not f["projects"]["description"].str.contains("continuation|earlier phase|later titled").any(),
    # "cofinanced by ... implemented jointly by ..." does not say who funds whom.
    "no funding split": lambda f: f["relations"].query(
        "kind == 'funds' and project_id == 'south-south-cooperation-action'").empty,
    # "organized by UCLG Africa and IOM in partnership with the municipalities of Rabat and Oujda".
    "rabat and oujda partners": lambda f: set(f["participations"].query(
        "event_id == 'shared-governance-webinar-series-2021' and actor_id in ['commune-rabat', 'commune-oujda']"
    )["role"])
    == {"partner"},
    "online webinars have no place": lambda f: f["events"].query("kind == 'webinar'")[["city", "lat"]]
    .isna().all().all(),
    "isg has no seat and is not moroccan": lambda f: f["actors"].set_index("id").loc["isg", ["country", "city"]]
    .isna().all(),
    "no start year without a date in the text": lambda f: f["projects"].set_index("id").loc[
        ["uclga-mapping-migration-actors", "iom-toolkit"], "start_date"].isna().all(),
    "ensa does not host the trainers": lambda f: "pool" not in f["actors"].set_index("id").loc["ensa", "description"],
    "a government cites what its description uses": lambda f: set(f["citations"].query(
        "record_type == 'actor' and record_id == 'gov-senegal'")["source_id"])
    >= {"uclga-2021-shared-governance-webinar"},
    "no seat in a description the note says is unknown": lambda f: "seat" not in
    f["actors"].set_index("id").loc["conseil-regional-oriental", "description"],
    "an ambiguous sentence is not read as support": lambda f: "support to households" not in
    f["actors"].set_index("id").loc["commune-kaolack", "description"],
    "a federal ministry is a ministry": lambda f: f["actors"].set_index("id").loc["bmz", "kind"] == "ministry",
}


@pytest.mark.parametrize("finding", sorted(AUDIT_FINDINGS))
def test_audit_findings_stay_fixed(frames, finding):
    assert AUDIT_FINDINGS[finding](frames)


def test_every_record_says_how_it_is_known(frames):
    """Each record, and each actor's seat and dates when given, carries an evidence level; every
    level that is not 'stated' says why (the reasoning, or the outside reference)."""
    for table in ("actors", "projects", "events", "relations", "project_roles", "participations"):
        frame = frames[table]
        assert frame["evidence"].isin(list(EVIDENCE)).all(), table
        unexplained = frame[(frame["evidence"] != "stated") & frame["evidence_note"].isna()]
        assert unexplained.empty, (table, unexplained.head().to_dict("records"))
    a = frames["actors"]
    assert a.loc[a["country"].notna(), "place_evidence"].isin(list(EVIDENCE)).all()
    assert a.loc[a["valid_from"].notna() | a["valid_to"].notna(), "dates_evidence"].isin(list(EVIDENCE)).all()
