"""Seed integrity: references resolve, every record cites a source, places are where they say."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from mapping import geo
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
from mapping.seed import SEED_DIR, read_seed

SEED_DOCS = sorted(p.name for p in (SEED_DIR.parent.parent.parent / "shared" / "seeds").glob("*.txt"))


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
    assert set(a["country"]) <= set(COUNTRIES)
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


def test_every_source_document_is_used(frames):
    used = set(frames["citations"]["source_id"])
    assert set(frames["sources"]["id"]) <= used
    if SEED_DOCS:
        assert set(SEED_DOCS) <= set(frames["sources"]["id"])


def test_quotes_come_from_their_documents(frames):
    docs_dir = SEED_DIR.parent.parent.parent / "shared" / "seeds"
    if not docs_dir.exists():
        pytest.skip("source documents not beside the repository")
    norm = lambda s: " ".join(str(s).split()).lower()  # noqa: E731
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in docs_dir.glob("*.txt")}
    cit = frames["citations"]
    quoted = cit.dropna(subset=["quote"])
    assert len(quoted) > 100
    wrong = [(r.record_type, r.record_id, r.source_id) for r in quoted.itertuples()
             if norm(r.quote) not in texts[r.source_id]]
    assert not wrong, f"quotes not found in their documents: {wrong[:10]}"


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


def test_people_only_in_private_fields(frames):
    a = frames["actors"]
    public_text = " ".join(a[["name", "description", "public_email", "website"]].fillna("").astype(str).sum(axis=1))
    for person in ("Said Makhon", "Anna Wittenborg", "Ana Fonseca", "Omar Hjira", "Tarik Oufkir"):
        assert person not in public_text
    assert a["contact_name"].fillna("").str.contains("Anna Wittenborg").any()


def test_international_partners_kept(frames):
    a = frames["actors"].set_index("id")
    outside = a[~a["country"].isin(FOCUS_COUNTRIES)]
    assert {"DE", "ES", "FR"} <= set(outside["country"])
    assert len(outside) >= 5


def test_points_fall_in_their_country_and_region(frames):
    a = frames["actors"]
    inside = a[a["country"].isin(FOCUS_COUNTRIES)].copy()
    assert inside[["lat", "lon"]].notna().all().all()
    points = gpd.GeoDataFrame(inside, geometry=gpd.points_from_xy(inside["lon"], inside["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, geo.regions()[["country", "region_code", "geometry"]], how="left",
                       predicate="within", lsuffix="actor", rsuffix="poly")
    wrong = joined[(joined["country_poly"] != joined["country_actor"]) |
                   (joined["region_code_poly"] != joined["region_code_actor"])]
    assert wrong.empty, wrong[["id", "city", "region_code_actor", "region_code_poly"]].to_string()
    countries = gpd.sjoin(points, geo.countries()[["country", "geometry"]], predicate="within",
                          lsuffix="actor", rsuffix="poly")
    assert (countries["country_actor"] == countries["country_poly"]).all() and len(countries) == len(points)


def test_all_actors_have_coordinates(frames):
    a = frames["actors"]
    assert a[["lat", "lon"]].notna().all().all()
    assert pd.api.types.is_float_dtype(a["lat"])


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
