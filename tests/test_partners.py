"""Find partners on the seed: rankings a person who knows the actors would agree with."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from mapping import partners
from mapping.partners import PartnerData, Request, suggest


@pytest.fixture
def data(store) -> PartnerData:
    return partners.from_store(store)


def test_a_municipality_looking_for_health_partners_gets_linked_and_nearby_ones_first(data):
    found = suggest(data, Request(origin="commune-oujda", themes=("health",), target_groups=("migrants",)))
    top = found.head(3).set_index("id")
    # IOM already partners with Oujda on migrants' health (the Rabat-Oujda project), and the
    # Commune de Rabat does health work and is reachable through GIZ (both in RECOMIG).
    assert {"iom", "iom-morocco"} & set(top.index)
    assert "direct" in set(top.loc[top.index.isin(["iom", "iom-morocco"]), "reach"])
    assert "commune-rabat" in top.index
    # MS2, a health NGO the atlas knows little about, is still found.
    assert "ms2" in set(found["id"])
    rabat = found.set_index("id").loc["commune-rabat"]
    assert rabat["reach"] == "second" and rabat["via"] == "giz"
    assert "reachable through GIZ via RECOMIG" in rabat["reason"]
    # A partner for health must work on health: nobody without it is suggested.
    themes = {a: set(r["themes"]) for a, r in data.actors.items()}
    assert all("health" in themes[a] for a in found["id"])
    assert "commune-oujda" not in set(found["id"])


def test_a_place_and_a_theme_without_an_organisation(data):
    found = suggest(data, Request(themes=("health",), region="MA-02"))
    # The health actors seated in the Oriental first (Commune d'Oujda), then the rest of Morocco.
    local = found[found["place_points"] == partners.WEIGHTS["region"]]
    assert "commune-oujda" in set(local["id"]) and list(local.index) == list(range(len(local)))
    assert local["reason"].str.contains("in Oriental").all()
    rest = found.iloc[len(local):]
    assert set(rest.loc[rest["country"] == "MA", "place_points"]) <= {partners.WEIGHTS["country"]} | set(
        rest["place_points"][rest["km"].notna()])
    assert (found["reach"] == "").all()  # no organisation, so nothing to reach from
    assert found["score"].is_monotonic_decreasing


def test_partners_of_partners_are_named_with_the_intermediary(data):
    found = suggest(data, Request(origin="commune-tiznit", themes=("economic_integration",)), limit=None)
    assert found.loc[0, "id"] == "giz" and found.loc[0, "reach"] == "direct"
    amappe = found.set_index("id").loc["amappe"]
    assert amappe["reach"] == "second" and amappe["via"] == "giz"


def test_scores_add_up_to_the_parts_shown(data):
    found = suggest(data, Request(origin="commune-dakar"), limit=None)
    parts = found[[c for c in found.columns if c.endswith("_points")]].sum(axis=1)
    assert (abs(parts - found["score"]) < 0.05).all()
    assert (found["share"] <= 1).all() and (found["share"] > 0).all()


def test_pool_limits_the_suggestions(data):
    found = suggest(data, Request(origin="commune-oujda", themes=("health",)), pool=["ms2", "iom"])
    assert sorted(found["id"]) == ["iom", "ms2"]


def test_an_area_of_operation_counts_as_working_in_the_region():
    actors = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "acronym": [None, None], "kind": ["ngo", "ngo"],
                           "country": ["MA", "MA"], "region_code": ["MA-04", "MA-04"], "city": ["Rabat", "Rabat"],
                           "lat": [34.0, 34.0], "lon": [-6.8, -6.8], "themes": [["health"], ["health"]],
                           "target_groups": [[], []]})
    relations = pd.DataFrame(columns=["source_actor", "target_actor", "kind", "project_id"])
    areas = pd.DataFrame({"actor_id": ["b"], "region_code": ["MA-02"]})
    found = suggest(PartnerData.build(actors, relations, areas=areas), Request(themes=("health",), region="MA-02"))
    assert found["id"].tolist() == ["b", "a"]
    assert found.loc[0, "place_points"] == partners.WEIGHTS["region"]


def test_reasons_are_in_the_requested_language(data):
    fr = suggest(data, Request(origin="commune-oujda", themes=("health",)), lang="fr")
    en = suggest(data, Request(origin="commune-oujda", themes=("health",)), lang="en")
    assert fr["id"].tolist() == en["id"].tolist()
    assert fr["reason"].str.startswith("Travaille sur").all()
    assert not fr["reason"].str.contains(r"Works on|reachable|already linked").any()
    # no placeholder left unfilled in either language
    assert not any(re.search(r"\{\w+\}", r) for r in [*fr["reason"], *en["reason"]])


def test_an_unknown_origin_is_refused(data):
    with pytest.raises(KeyError):
        suggest(data, Request(origin="no-such-actor"))
