"""Field validation: the messages curators see next to fields and importers see per row."""
from __future__ import annotations

import pytest

from mapping import validate
from mapping.validate import validate_actor

GOOD = {"name": "Commune de Kaolack", "kind": "municipality", "country": "SN", "city": "Kaolack",
        "lat": 14.15, "lon": -16.07, "website": "https://www.kaolack.sn", "public_email": "info@kaolack.sn",
        "public_phone": "+221 33 941 10 00", "themes": ["local_planning"], "target_groups": ["migrants"]}


def test_a_complete_record_is_valid():
    assert validate_actor(GOOD) == {}


@pytest.mark.parametrize("change, field, words", [
    ({"name": "  "}, "name", "Required"),
    ({"kind": "club"}, "kind", "club"),
    ({"country": "Senegal"}, "country", "ISO 3166"),
    ({"themes": ["local_planning", "football"]}, "themes", "football"),
    ({"target_groups": ["aliens"]}, "target_groups", "aliens"),
    ({"lat": 34.0, "lon": -6.8}, "lat", "outside Senegal"),
    ({"lat": -16.07, "lon": 14.15}, "lat", "swapped"),
    ({"lat": "north", "lon": 1}, "lat", "numbers"),
    ({"lat": 14.15, "lon": None}, "lat", "both"),
    ({"website": "javascript:alert(1)"}, "website", "web address"),
    ({"public_email": "kaolack.sn"}, "public_email", "e-mail"),
    ({"public_phone": "=1+1"}, "public_phone", "phone"),
    ({"name": "<img src=x onerror=alert(1)>"}, "name", "HTML"),
    ({"description": "=HYPERLINK(\"http://evil\")"}, "description", "formula"),
    ({"description": "x" * 6000}, "description", "Too long"),
    ({"valid_from": "12/04/2021"}, "valid_from", "date"),
    ({"region_code": "SN-XX"}, "region_code", "SN-XX"),
    ({"country": None}, "country", "need a country"),
    ({"place_evidence": "rumour"}, "place_evidence", "rumour"),
    ({"place_evidence": "inferred"}, "evidence_note", "reasoning"),
    ({"evidence": "external", "evidence_note": "<b>x</b>"}, "evidence_note", "HTML"),
])
def test_each_problem_is_reported_on_its_field(change, field, words):
    errors = validate_actor(GOOD | change)
    assert field in errors and words in errors[field], errors


def test_an_actor_without_a_known_seat_is_valid():
    unknown = {k: v for k, v in GOOD.items() if k not in ("country", "city", "lat", "lon")}
    assert validate_actor(unknown) == {}
    assert validate_actor(unknown | {"place_evidence": "inferred", "evidence_note": "Seat of its mayor."}) == {}


def test_links_need_a_note_unless_stated():
    link = {"source_actor": "a", "target_actor": "b", "kind": "funds"}
    assert validate.validate_relation(link | {"evidence": "stated"}) == {}
    assert set(validate.validate_relation(link | {"evidence": "external"})) == {"evidence_note"}
    assert validate.validate_event({"name": "W", "kind": "webinar", "evidence": "inferred",
                                    "evidence_note": "Dated by the closing webinar."}) == {}


def test_messages_in_french():
    assert validate_actor(GOOD | {"name": ""}, "fr")["name"] == "Obligatoire."


def test_outside_the_focus_countries_only_ranges_are_checked():
    bonn = GOOD | {"country": "DE", "lat": 50.73, "lon": 7.1}
    assert validate_actor(bonn) == {}
    assert "lat" in validate_actor(bonn | {"lat": 123})


def test_every_seeded_record_is_valid(store):
    """Curators must be able to save any shipped record without first fixing it."""
    for record_type, table in (("actor", "actors"), ("relation", "relations"), ("project", "projects"),
                               ("event", "events")):
        check = validate.VALIDATORS[record_type]
        bad = {r["id"]: e for r in store.table(table).to_dict("records") if (e := check(r))}
        assert bad == {}, (record_type, bad)


def test_relations_need_two_different_actors_and_a_known_kind():
    errors = validate.validate_relation({"source_actor": "a", "target_actor": "a", "kind": "likes"})
    assert set(errors) == {"target_actor", "kind"}
