"""Tours: checked on save and on import, versioned, exported and imported as JSON."""
from __future__ import annotations

import pytest

from mapping import tours
from mapping.auth import PermissionDenied
from mapping.store import Conflict
from mapping.validate import Invalid

TOUR = {"name": "RECOSA in three views", "description": "For the webinar", "steps": [
    {"title": "Partner cities", "page": "map", "params": {"links": "recosa", "country": "MA"},
     "caption": "Ten municipalities"},
    {"title": "Who works with whom", "page": "network", "params": {"mode": "project", "graph_project": "recosa"}},
    {"title": "Kaolack", "page": "actor", "params": {"actor": "commune-kaolack", "lang": "fr"}},
]}


def test_tours_round_trip_through_their_json_file():
    clean = tours.check(TOUR)
    assert tours.check(tours.from_json(tours.to_json(clean))) == clean


@pytest.mark.parametrize("bad, field", [
    ({"name": "", "steps": TOUR["steps"]}, "name"),
    ({"name": "x", "steps": []}, "steps"),
    ({"name": "x", "steps": [{"page": "admin", "params": {}}]}, "step 1"),
    ({"name": "x", "steps": [{"page": "map", "params": {"evil": "1"}}]}, "step 1"),
    ({"name": "x", "steps": [{"page": "map", "params": {}, "caption": "<script>alert(1)</script>"}]}, "step 1"),
])
def test_bad_tours_are_refused_with_the_reason(bad, field):
    with pytest.raises(Invalid) as refused:
        tours.check(bad)
    assert field in refused.value.errors


def test_a_file_that_is_not_a_tour_is_refused():
    for text in ("not json", '{"name": "x"}', "[]"):
        with pytest.raises(Invalid):
            tours.from_json(text)


def test_tours_are_saved_by_curators_versioned_and_logged(store, curator):
    with pytest.raises(PermissionDenied):
        store.save_tour(TOUR, user=None)
    saved = store.save_tour(TOUR, user=curator)
    assert saved["id"] == "recosa-in-three-views" and saved["version"] == 1 and len(saved["steps"]) == 3
    assert store.tours()["steps"].tolist() == [3]
    renamed = store.save_tour(saved | {"name": "RECOSA tour"}, user=curator, expected_version=1)
    assert renamed["version"] == 2
    with pytest.raises(Conflict):
        store.save_tour(saved | {"name": "Stale"}, user=curator, expected_version=1)
    assert store.history("tour", saved["id"])["action"].tolist() == ["update", "create"]
    store.delete_tour(saved["id"], user=curator)
    assert store.tour(saved["id"]) is None


def test_edited_steps_reorder_rename_and_drop():
    steps = tours.check(TOUR)["steps"]
    rows = [{"step": 2, "order": 1, "title": "Kaolack first", "caption": ""},
            {"step": 0, "order": 5, "title": "", "caption": "kept"}]
    out = tours.edited_steps(steps, rows)
    assert [s["title"] for s in out] == ["Kaolack first", "Partner cities"]
    assert out[0]["params"] == steps[2]["params"] and out[1]["caption"] == "kept"
