"""Property-based tests of the whole app: every valid record renders everywhere.

Hypothesis generates valid actors, relations, projects, events and participations with any
mix of optional fields empty or filled (no city, a region code only, no themes, an Arabic-only
name, very long names, coordinates on a country's border), publishes them through the store and
runs every page as a visitor and a curator, and Accounts as an admin (the one page an admin's
rights change), in English and French; the exports of what was generated must parse.

Profiles (``HYPOTHESIS_PROFILE``): ``ci`` (the default, what CI runs) has a fixed seed and five
generated atlases, each run on every page for every role in one language drawn with it (both
languages are met; 85 page runs); ``long`` runs 60 atlases with random seeds, each in both
languages, for local use before changing how records are stored or shown:
``HYPOTHESIS_PROFILE=long python -m pytest tests/test_app_properties.py``.
"""
from __future__ import annotations

import io
import json
import os
import shutil

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from mapping import exporters, geo
from mapping.auth import User
from mapping.model import (
    ACTOR_KINDS,
    EVENT_KINDS,
    EVENT_ROLES,
    FOCUS_COUNTRIES,
    PROJECT_KINDS,
    PROJECT_ROLES,
    RELATION_KINDS,
    TARGET_GROUPS,
    THEMES,
)
from mapping.store import EXPORT_COLUMNS, Store, snapshots
from mapping.validate import VALIDATORS
from pages import _errors

_COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)
settings.register_profile("ci", max_examples=5, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=60, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

ADMIN = User("prop-admin", "admin")

# Letters of the atlas's languages, digits and the punctuation names really use (Markdown
# characters included: they must show as text).
_ALPHABET = hs.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçôÉ0123456789 '-.,()&/_*[]!#")
                            + list("مجلسالجهةللهجرة") + ["’", "«", "»"])


def _text(min_size: int = 0, max_size: int = 60):
    return hs.text(_ALPHABET, min_size=min_size, max_size=max_size).map(str.strip)


def _optional(strategy):
    return hs.one_of(hs.none(), strategy)


_REGIONS = geo.regions()[["region_code", "country"]].to_records(index=False).tolist()
_PLACES = geo.gazetteer()[["country", "lat", "lon"]].to_records(index=False).tolist()


def _border_points() -> list[tuple[str, float, float]]:
    """A few points on each focus country's outline (vertices nudged to the inside)."""
    out = []
    for row in geo.countries().itertuples():
        if row.country not in FOCUS_COUNTRIES:
            continue
        shape = row.geometry if row.geometry.geom_type == "Polygon" else max(row.geometry.geoms, key=lambda g: g.area)
        inner = shape.buffer(-0.0005)
        for x, y in list(shape.exterior.coords)[:: max(1, len(shape.exterior.coords) // 8)]:
            point = inner.exterior.interpolate(inner.exterior.project(__import__("shapely").Point(x, y)))
            out.append((row.country, round(point.y, 5), round(point.x, 5)))
    return out


_BORDERS = _border_points()


@hs.composite
def actors(draw, index: int) -> dict:
    country = draw(hs.sampled_from(FOCUS_COUNTRIES + ("FR", "DE")))
    name = draw(hs.one_of(_text(1, 60), _text(200, 300), hs.just("مجلس جهة الشرق")))
    record = {"name": name or f"Actor {index}", "kind": draw(hs.sampled_from(list(ACTOR_KINDS))), "country": country,
              "acronym": draw(_optional(_text(1, 12))), "name_ar": draw(_optional(hs.just("جمعية الهجرة"))),
              "other_names": draw(_optional(hs.lists(_text(1, 30), max_size=3))),
              "city": draw(_optional(_text(1, 30))), "description": draw(_optional(_text(0, 200))),
              "themes": draw(_optional(hs.lists(hs.sampled_from(list(THEMES)), max_size=3, unique=True))),
              "target_groups": draw(_optional(hs.lists(hs.sampled_from(list(TARGET_GROUPS)), max_size=2, unique=True))),
              "website": draw(_optional(hs.just("https://example.org/a_b"))),
              "contact_name": draw(_optional(_text(1, 30))), "status": "published"}
    if country in FOCUS_COUNTRIES and draw(hs.booleans()):
        record["region_code"] = draw(hs.sampled_from([c for c, k in _REGIONS if k == country]))
        record["region"] = draw(_optional(_text(1, 30)))
    where = draw(hs.sampled_from(["none", "place", "border"]))
    points = {"place": [p for p in _PLACES if p[0] == country], "border": [p for p in _BORDERS if p[0] == country]}
    if where != "none" and points[where]:
        _, record["lat"], record["lon"] = draw(hs.sampled_from(points[where]))
    return record


def _valid(record_type: str, record: dict) -> dict:
    """Drop the optional fields the validator refuses (drawn text may look like a formula); a
    refused name, which is required, is kept behind a word ("-x" starts like a formula)."""
    errors = VALIDATORS[record_type](record)
    for field in errors:
        if field == "name":
            record["name"] = f"Name {record['name']}"
            continue
        if field == "lat":
            record.pop("lon", None)
        record.pop(field, None)
    return {k: v for k, v in record.items() if v is not None}


@hs.composite
def atlases(draw) -> dict:
    """A handful of records of every type, cross-referenced."""
    n = draw(hs.integers(2, 4))
    actor_records = [draw(actors(i)) for i in range(n)]
    project = {"name": draw(_text(1, 80)) or "Project", "kind": draw(hs.sampled_from(list(PROJECT_KINDS))),
               "acronym": draw(_optional(_text(1, 10))),
               "start_date": draw(_optional(hs.sampled_from(["2019", "2020-03", "2021-04-12"]))),
               "themes": draw(_optional(hs.lists(hs.sampled_from(list(THEMES)), max_size=2, unique=True))),
               "description": draw(_optional(_text(0, 100))), "status": "published"}
    event = {"name": draw(_text(1, 80)) or "Event", "kind": draw(hs.sampled_from(list(EVENT_KINDS))),
             "city": draw(_optional(_text(1, 20))), "start_date": draw(_optional(hs.just("2022-05"))), "status": "published"}
    relations = [{"kind": draw(hs.sampled_from(list(RELATION_KINDS))), "note": draw(_optional(_text(0, 80))),
                  "start_date": draw(_optional(hs.just("2020"))), "ends": draw(hs.sampled_from(
                      [(0, 1), (1, 0)] + ([(0, "amappe")] if draw(hs.booleans()) else []))), "status": "published"}
                 for _ in range(draw(hs.integers(1, 3)))]
    roles = {"project": draw(hs.sampled_from(list(PROJECT_ROLES))), "event": draw(hs.sampled_from(list(EVENT_ROLES))),
             "note": draw(_optional(_text(0, 40)))}
    return {"actors": actor_records, "project": project, "event": event, "relations": relations, "roles": roles}


def _publish(store: Store, atlas: dict) -> list[str]:
    """Save every generated record, published, through the audited writes; the actors' ids."""
    ids = [store.save("actor", _valid("actor", dict(a)), user=ADMIN, source="property test")["id"]
           for a in atlas["actors"]]
    project = store.save("project", _valid("project", dict(atlas["project"])), user=ADMIN, source="property test")
    event = store.save("event", _valid("event", dict(atlas["event"]) | {"project_id": project["id"]}),
                       user=ADMIN, source="https://example.org/report")
    for rel in atlas["relations"]:
        ends = [ids[e] if isinstance(e, int) else e for e in rel["ends"]]
        store.save("relation", _valid("relation", {k: v for k, v in rel.items() if k != "ends"}
                                      | {"source_actor": ends[0], "target_actor": ends[1],
                                         "project_id": project["id"]}), user=ADMIN, source="a curator's note")
    roles = atlas["roles"]
    store.set_participant("project", project["id"], ids[0], roles["project"], user=ADMIN, source="property test",
                          note=roles["note"])
    store.set_participant("event", event["id"], ids[-1], roles["event"], user=ADMIN, source="property test",
                          note=roles["note"])
    return ids


def _check_exports(store: Store, ids: list[str]) -> None:
    """Every export of the generated actors parses back (CSV, XLSX, GeoJSON, HXL)."""
    frame = store.actors(columns=EXPORT_COLUMNS)
    frame = frame[frame["id"].isin(ids)].reset_index(drop=True)
    assert len(frame) == len(ids)
    assert len(pd.read_csv(io.BytesIO(exporters.to_csv(frame)), encoding="utf-8-sig")) == len(ids)
    book = openpyxl.load_workbook(io.BytesIO(exporters.to_xlsx(frame)), read_only=True)
    assert sum(1 for _ in book.active.iter_rows()) == len(ids) + 1
    located = frame["lat"].notna().sum()
    assert len(json.loads(exporters.to_geojson(frame))["features"]) == located
    assert len(pd.read_csv(io.BytesIO(exporters.to_hxl(frame)), encoding="utf-8-sig")) == len(ids) + 1  # + tag row


PAGES = {None: ["directory", "actor", "map", "network", "about", "tours"]}
PAGES["curator"] = PAGES[None] + ["edit", "imports", "duplicates", "history"]
# An admin's other pages are a curator's run for run (the pages ask only for curators' rights;
# app.py adds Accounts for admins, pinned by test_only_the_accounts_page_tells_an_admin_from_a_curator).
PAGES["admin"] = ["accounts"]


def _run_pages(role: str | None, lang: str, ids: list[str], name: str) -> None:
    for page in PAGES[role]:
        at = AppTest.from_file("../app.py", default_timeout=60)
        at.query_params["lang"] = lang
        if page == "actor":
            at.query_params["actor"] = ids[0]
        if page == "edit":
            at.query_params["edit"] = ids[-1]
        if page == "directory":
            at.query_params["q"] = name[:40]
        if role:
            at.session_state["user"] = User(ADMIN.username if role == "admin" else "prop-curator", role)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, role, lang, [e.value for e in at.exception])
        assert not _errors.RECENT, (page, role, lang, [tb for *_, tb in _errors.RECENT])  # caught by the page guard
        assert not at.error or page in ("edit", "imports"), (page, [e.value for e in at.error])


@pytest.fixture
def template(seeded_template, tmp_path_factory):
    """The seed with the test's accounts, copied for every example."""
    path = tmp_path_factory.mktemp("properties") / "template.duckdb"
    shutil.copyfile(seeded_template, path)
    s = Store(str(path))
    s.add_user(ADMIN.username, "property admin passphrase", "admin", trusted=True)
    s.add_user("prop-curator", "property curator passphrase", "curator", trusted=True)
    s.close()
    return path


ROLES = (None, "curator", "admin")
LANGUAGES = ("en", "fr")


def test_every_valid_record_renders_on_every_page(template, tmp_path_factory, monkeypatch):
    """Each generated atlas is published once and every page is run on it for every role, in the
    language drawn with it (``long``: in both). A language changes labels and number and date
    formats, not which fields a page reads, so CI meets each language on different atlases rather
    than every atlas twice; every page, role and language still runs on generated records."""
    met: set[str] = set()

    @given(atlas=atlases(), drawn=hs.sampled_from(LANGUAGES))
    def check(atlas, drawn):
        path = tmp_path_factory.mktemp("example") / "atlas.duckdb"
        shutil.copyfile(template, path)
        store = Store(str(path))
        try:
            with store.batch():  # one unit of work: the snapshot visitors read is published once, at the end
                ids = _publish(store, atlas)
            assert snapshots.version_of(snapshots.current(str(path))) == store.data_version()  # visitors see it all
            _check_exports(store, ids)
            name = store.actor(ids[0])["name"]
        finally:
            store.close()
        monkeypatch.setenv("ATLAS_DB", str(path))
        st.cache_resource.clear()
        st.cache_data.clear()
        try:
            for lang in LANGUAGES if PROFILE == "long" else (drawn,):
                met.add(lang)
                for role in ROLES:
                    _run_pages(role, lang, ids, name)
        finally:
            st.cache_resource.clear()
            st.cache_data.clear()

    check()
    assert met == set(LANGUAGES), met  # each language met generated atlases


def test_only_the_accounts_page_tells_an_admin_from_a_curator():
    """What lets the property test run an admin on Accounts only: no page asks for a right a
    curator lacks, and app.py asks for one only to add the Accounts page."""
    import ast
    from pathlib import Path

    from mapping.auth import PERMISSIONS

    admin_only = PERMISSIONS["admin"] - PERMISSIONS["curator"]
    root = Path(__file__).resolve().parent.parent
    asked: dict[str, set[str]] = {}
    for path in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in admin_only:
                asked.setdefault(path.name, set()).add(node.value)
    assert asked == {"app.py": {"manage_users"}}, asked
    assert 'pages/accounts.py' in (root / "app.py").read_text(encoding="utf-8").split('can("manage_users")')[1][:300]
