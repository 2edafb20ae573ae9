"""URL state: every page choice survives state -> query parameters -> state; bad values are dropped."""
from __future__ import annotations

import itertools

import pytest

from mapping import views
from mapping.filters import Filters


@pytest.mark.parametrize("page", sorted(views.PARAMS))
def test_round_trip_of_every_parameter(page):
    samples = {
        "map_shade": ["off", "kind:ngo", "theme:health"], "map_project": ["recosa"], "map_tiles": [True],
        "map_centre": ["34.68,-1.91,9"], "map_hide": ["links,regions"], "net_mode": ["path", "ego", "project"],
        "net_color": ["community"], "net_size": ["betweenness"], "net_context": [False], "net_stated": [True],
        "net_project": ["recomig"],
        "net_ego": ["commune-oujda"], "net_hops": [2, 3], "net_from": ["commune-kaolack"], "net_to": ["uclg-africa"],
        "net_zoom": [3], "net_view": ["702.5,418.0,2.50"],
        "pt_origin": ["commune-oujda"], "pt_themes": [["health", "funding"]], "pt_groups": [["migrants"]],
        "pt_region": ["ML-BKO"], "cov_by": ["target_groups"], "cov_country": ["SN"], "cov_code": ["health"],
    }
    keys = [p.key for p in views.PARAMS[page]]
    for size in (1, 2, len(keys)):
        for chosen in itertools.combinations(keys, size):
            state = {k: samples[k][0] for k in chosen}
            params = views.to_params(page, state)
            assert all(isinstance(v, str) for v in params.values())
            assert views.from_params(page, params) == state


def test_a_shared_link_can_hide_inferred_links():
    assert views.to_params("network", {"net_stated": True}) == {"stated": "1"}
    assert views.from_params("network", {"stated": "1"}) == {"net_stated": True}


def test_defaults_stay_out_of_the_url():
    assert views.to_params("map", {"map_shade": "all", "map_tiles": False, "map_project": None}) == {}
    assert views.to_params("network", {"net_mode": "whole", "net_hops": 1, "net_context": True}) == {}


@pytest.mark.parametrize("params", [
    {"shade": "kind:dragons"}, {"view": "91,0,5"}, {"view": "34,-1"}, {"view": "a,b,c"}, {"tiles": "maybe"},
    {"links": "<script>"}, {"links": "x" * 500},
])
def test_bad_map_values_are_dropped(params):
    assert views.from_params("map", params) == {}


@pytest.mark.parametrize("params", [{"mode": "admin"}, {"hops": "0"}, {"hops": "4"}, {"hops": "two"},
                                    {"from": "javascript:alert(1)"}, {"size": "height"},
                                    {"graph_view": "700,400"}, {"graph_view": "700,400,2,1"},
                                    {"graph_view": "a,b,c"}, {"graph_view": "700,400,0.1"},
                                    {"graph_view": "700,400,13"}, {"graph_view": "inf,0,2"},
                                    {"graph_view": "-20000,0,2"}, {"graph_view": "34.68,-1.91,9<script>"}])
def test_bad_network_values_are_dropped(params):
    assert views.from_params("network", params) == {}


def test_filters_and_page_parameters_do_not_collide():
    from mapping.filters import PARAM_NAMES

    for page in views.PARAMS:
        assert not set(views.names(page)) & (set(PARAM_NAMES) | set(views.COMMON)), page
    assert Filters.from_params(Filters(countries=("SN",)).to_params()) == Filters(countries=("SN",))


def test_partner_search_values_from_a_link_are_checked():
    got = views.from_params("partners", {"of": "commune-oujda", "on": "health,<script>", "for": "aliens",
                                         "in": "MA-02'--"})
    assert got == {"pt_origin": "commune-oujda", "pt_themes": ["health"]}


def test_the_networks_own_view_reads_as_the_picture_writes_it():
    """static/atlas/network.js writes ``x.toFixed(1),y.toFixed(1),zoom.toFixed(2)``: that text comes
    back unchanged, a longer one is rounded the same way, and the numbers are the picture's."""
    assert views.from_params("network", {"graph_view": "702.5,418.0,2.50"}) == {"net_view": "702.5,418.0,2.50"}
    assert views.from_params("network", {"graph_view": "702.549,-3,2.5"}) == {"net_view": "702.5,-3.0,2.50"}
    assert views.graph_view("702.5,418.0,2.50") == (702.5, 418.0, 2.5)
    # The zoom's range is the chart's own (mapping.graph.chart_spec's scaleLimit).
    import networkx as nx

    from mapping import graph

    g = nx.MultiDiGraph()
    g.add_node("a", name="A", label="A", node_type="actor", kind="ngo")
    limit = graph.chart_spec(g, {"a": (0, 0)}, graph.metrics(g))["series"][0]["scaleLimit"]
    assert (limit["min"], limit["max"]) == views.GRAPH_ZOOM


def test_a_tour_step_keeps_the_networks_own_view_and_refuses_a_broken_one():
    from mapping import tours
    from mapping.validate import Invalid

    tour = tours.check({"name": "Zoomed", "steps": [
        {"title": "GIZ close up", "page": "network", "params": {"mode": "ego", "ego": "giz",
                                                                 "graph_view": "702.5,418.0,2.50"}}]})
    again = tours.check(tours.from_json(tours.to_json(tour)))
    assert views.from_params("network", again["steps"][0]["params"])["net_view"] == "702.5,418.0,2.50"
    with pytest.raises(Invalid) as refused:
        tours.check({"name": "Zoomed", "steps": [{"page": "network", "params": {"graph_view": "near GIZ"}}]})
    assert "graph_view" in refused.value.errors["step 1"]
