"""mapping.graph on small hand-built graphs with known answers, and the graph exports."""
from __future__ import annotations

import io
import itertools
import json

import networkx as nx
import pandas as pd
import pytest

from mapping import exporters, graph


def _actors(*ids: str, kind: str = "ngo") -> pd.DataFrame:
    return pd.DataFrame({"id": list(ids), "name": [i.upper() for i in ids], "kind": kind,
                         "acronym": None, "country": "MA"})


def _relations(*triples: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(triples))],
                         "source_actor": [t[0] for t in triples], "target_actor": [t[1] for t in triples],
                         "kind": [t[2] for t in triples], "project_id": None})


@pytest.fixture
def cliques() -> nx.MultiDiGraph:
    """Two 5-cliques {a..e} and {v..z} joined by the bridge e — v."""
    left, right = "abcde", "vwxyz"
    pairs = [(u, v, "partners_with") for u, v in itertools.combinations(left, 2)]
    pairs += [(u, v, "partners_with") for u, v in itertools.combinations(right, 2)]
    pairs.append(("e", "v", "funds"))
    return graph.build_graph(_actors(*left, *right), _relations(*pairs))


def test_build_keeps_direction_and_drops_dangling_relations():
    g = graph.build_graph(_actors("a", "b"), _relations(("a", "b", "funds"), ("a", "zzz", "funds"),
                                                        ("b", "a", "partners_with")))
    assert g.number_of_edges() == 2  # the relation to an actor outside the frame is left out
    kinds = {(u, v, d["kind"]): d["directed"] for u, v, d in g.edges(data=True)}
    assert kinds == {("a", "b", "funds"): True, ("b", "a", "partners_with"): False}


def test_projects_and_events_become_linking_nodes():
    roles = pd.DataFrame({"project_id": ["p", "p"], "project_name": ["Proj", "Proj"], "project_kind": "project",
                          "actor_id": ["a", "b"], "role": ["funder", "implementer"]})
    parts = pd.DataFrame({"event_id": ["e"], "event_name": ["Webinar"], "event_kind": ["webinar"],
                          "project_id": ["p"], "actor_id": ["c"], "role": ["participant"]})
    g = graph.build_graph(_actors("a", "b", "c"), _relations(), roles, parts)
    assert g.nodes["project:p"]["node_type"] == "project" and g.nodes["event:e"]["node_type"] == "event"
    assert g.has_edge("event:e", "project:p") and g.has_edge("c", "event:e")
    assert graph.path_sentences(g, graph.shortest_paths(g, "c", "a")) == [
        "C took part in Webinar, Webinar is part of Proj and A funds Proj."]


def test_shortest_paths_several_chains_and_no_path():
    g = graph.build_graph(_actors("a", "b", "c", "d", "x"),
                          _relations(("a", "b", "funds"), ("a", "c", "funds"), ("b", "d", "trains"), ("c", "d", "trains")))
    assert graph.shortest_paths(g, "d", "a") == [["d", "b", "a"], ["d", "c", "a"]]
    assert graph.shortest_paths(g, "a", "x") == []
    assert graph.shortest_paths(g, "a", "not-in-graph") == []
    assert graph.path_edges([["d", "b", "a"]]) == {frozenset("db"), frozenset("ba")}


def test_path_sentences_read_each_link_from_the_right_side():
    g = graph.build_graph(_actors("kaolack", "uclg", "rabat"),
                          _relations(("uclg", "kaolack", "trains"), ("uclg", "rabat", "partners_with")))
    [sentence] = graph.path_sentences(g, graph.shortest_paths(g, "kaolack", "rabat"))
    # Each link reads in the active voice from the side that acts, in the order the chain walks.
    assert sentence == "UCLG trains KAOLACK and UCLG partners with RABAT."
    [french] = graph.path_sentences(g, graph.shortest_paths(g, "rabat", "kaolack"), lang="fr")
    assert french == "RABAT est partenaire de UCLG et UCLG forme KAOLACK."


def test_betweenness_ranks_the_bridge_ends_first(cliques):
    for engine in ("igraph", "networkx"):
        m = graph.metrics(cliques, engine=engine)
        order = m.sort_values("betweenness", ascending=False)["id"].tolist()
        assert set(order[:2]) == {"e", "v"}, engine
        assert m.loc["a", "betweenness"] == 0
    fast, slow = graph.metrics(cliques), graph.metrics(cliques, engine="networkx")
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-9)


def test_estimated_centralities_keep_the_brokers(cliques):
    exact = graph.metrics(cliques)
    estimated = graph.metrics(cliques, exact_limit=5, pivots=6)
    assert estimated.attrs["estimated"] and not exact.attrs["estimated"]
    assert set(estimated.sort_values("betweenness").index[-2:]) == {"e", "v"}
    assert (estimated["degree"] == exact["degree"]).all()


def test_weighted_degree_counts_every_link():
    g = graph.build_graph(_actors("a", "b", "c"),
                          _relations(("a", "b", "funds"), ("b", "a", "trains"), ("a", "c", "funds")))
    m = graph.metrics(g)
    assert (m.loc["a", "degree"], m.loc["a", "weighted_degree"]) == (2, 3)


def test_two_cliques_are_two_communities(cliques):
    for engine in ("igraph", "networkx"):
        c = graph.communities(cliques, engine=engine)
        assert len({c[n] for n in "abcde"}) == 1 and len({c[n] for n in "vwxyz"}) == 1, engine
        assert c["a"] != c["z"]
    assert graph.communities(cliques) == graph.communities(cliques)  # fixed seed


def test_ego_network_sizes():
    chain = graph.build_graph(_actors(*"abcdef"), _relations(*[(u, v, "trains") for u, v in zip("abcde", "bcdef")]))
    assert [graph.ego_graph(chain, "c", hops).number_of_nodes() for hops in (1, 2, 3)] == [3, 5, 6]
    assert graph.ego_graph(chain, "nope").number_of_nodes() == 0
    assert graph.ego_graph(chain, "a", 1).number_of_edges() == 1


def test_layout_is_repeatable_and_inside_the_box(cliques):
    first, second = graph.layout(cliques), graph.layout(cliques)
    assert first == second
    xs, ys = zip(*first.values())
    assert min(xs) == 0 and max(xs) == 1000 and min(ys) == 0 and max(ys) == 1000


def test_large_graphs_are_cut_to_their_most_connected_nodes(cliques):
    drawn = graph.drawn_subgraph(cliques, limit=4)
    assert drawn.number_of_nodes() == 4
    assert {"e", "v"} <= set(drawn)  # the bridge ends have the most links
    kept = graph.drawn_subgraph(cliques, focus=["a"], hops=1, limit=3)
    assert "a" in kept and kept.number_of_nodes() == 3


def test_chart_spec_escapes_every_text_and_marks_direction():
    hostile = "<i onclick=x>{a}</i>"
    actors = pd.DataFrame({"id": ["x", "y"], "name": [hostile, "Plain & simple"], "kind": ["ngo", "donor"],
                           "acronym": None, "country": ["MA", "<b>"]})
    g = graph.build_graph(actors, _relations(("y", "x", "funds"), ("x", "y", "partners_with")))
    spec = graph.chart_spec(g, graph.layout(g), graph.metrics(g), label_top=5)
    text = json.dumps(spec)
    assert "<i" not in text and "{a}" not in text and '"<b>"' not in text
    nodes = spec["series"][0]["data"]
    assert nodes[0]["name"] == "&lt;i onclick=x&gt;&#123;a&#125;&lt;/i&gt;"
    assert nodes[1]["name"] == "Plain &amp; simple"
    assert "&lt;b&gt;" in nodes[1]["tooltip"]["formatter"]
    series = spec["series"][0]
    links = {(link["source"], link["target"]): link.get("symbol", series["edgeSymbol"]) for link in series["links"]}
    assert links[("1", "0")] == ["none", "arrow"]
    assert links[("0", "1")] == ["none", "none"]
    assert spec["series"][0]["roam"] is True and spec["series"][0]["selectedMode"] == "single"


def test_chart_spec_highlights_a_path_and_colours_communities(cliques):
    paths = graph.shortest_paths(cliques, "a", "z")
    spec = graph.chart_spec(cliques, graph.layout(cliques), graph.metrics(cliques), color_by="community",
                            community=graph.communities(cliques), highlight=[n for p in paths for n in p],
                            highlight_edges=graph.path_edges(paths), label_top=0)
    series = spec["series"][0]
    assert [c["name"] for c in series["categories"]] == ["Community 1", "Community 2"]
    nodes = list(cliques.nodes)
    labelled = {nodes[i] for i, item in enumerate(series["data"]) if item.get("label", {}).get("show")}
    assert labelled == {"a", "e", "v", "z"}
    wide = [(nodes[int(link["source"])], nodes[int(link["target"])]) for link in series["links"]
            if link["lineStyle"].get("width") == 4]
    assert sorted(map(sorted, wide)) == [["a", "e"], ["e", "v"], ["v", "z"]]


def test_selected_node_maps_a_click_back_to_its_id(cliques):
    event = {"selection": {"selected": [{"series_index": 0, "data_type": "node", "data_indices": [5]}]}}
    assert graph.selected_node(cliques, event) == list(cliques.nodes)[5]
    assert graph.selected_node(cliques, {"selection": {"selected": []}}) is None
    assert graph.selected_node(cliques, None) is None


def _rich_graph() -> nx.MultiDiGraph:
    roles = pd.DataFrame({"project_id": ["p"], "project_name": ["=HYPERLINK(\"x\")"], "project_kind": "project",
                          "actor_id": ["a"], "role": ["funder"]})
    g = graph.build_graph(_actors("a", "b"), _relations(("a", "b", "funds"), ("a", "b", "trains")), roles)
    g.nodes["a"]["themes"] = ["health", "funding"]  # list attributes must survive as text
    return graph.annotated(g, graph.metrics(g), graph.communities(g), graph.layout(g))


@pytest.mark.parametrize("write, read", [(exporters.to_graphml, nx.read_graphml), (exporters.to_gexf, nx.read_gexf)])
def test_graph_exports_round_trip_through_networkx(write, read):
    g = _rich_graph()
    back = read(io.BytesIO(write(g)))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges() == 3
    assert back.nodes["a"]["themes"] == "health|funding"
    assert back.nodes["project:p"]["node_type"] == "project"
    assert float(back.nodes["a"]["betweenness"]) == pytest.approx(g.nodes["a"]["betweenness"])
    assert sorted(d["kind"] for _, _, d in back.edges(data=True)) == ["funder", "funds", "trains"]


def test_node_and_edge_csv_are_formula_safe():
    g = _rich_graph()
    table = graph.metrics_table(g, graph.metrics(g), graph.communities(g))
    nodes_csv = exporters.to_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in nodes_csv and "\n=HYPERLINK" not in nodes_csv and ",=HYPERLINK" not in nodes_csv
    edges = graph.edges_table(g)
    assert len(edges) == 3 and set(edges["relation"]) == {"funds", "trains"}
    assert "'=HYPERLINK" in exporters.to_csv(edges).decode("utf-8-sig")


def test_the_network_picture_exports_as_svg_and_png(store):
    import xml.etree.ElementTree as ET

    actors = store.actors()
    g = graph.build_graph(actors, store.relations_among(actors["id"].tolist()))
    spec = graph.chart_spec(g, graph.layout(g), graph.metrics(g), caption="Atlas · 5 <sources>")
    assert "saveAsImage" in spec["toolbox"]["feature"]  # PNG, made in the browser, caption included
    assert spec["title"]["subtext"] == "Atlas · 5 &lt;sources&gt;"
    svg = graph.spec_to_svg(spec, caption="Migration Actors Atlas · 5 source documents")
    root = ET.fromstring(svg)  # well-formed, names escaped
    assert root.tag.endswith("svg")
    assert len(root.findall("{http://www.w3.org/2000/svg}line")) == g.number_of_edges()
    assert sum(1 for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.find(
        "{http://www.w3.org/2000/svg}title") is not None) == g.number_of_nodes()


def test_an_actor_kind_has_the_same_colour_on_the_network_and_on_the_map():
    from mapping import maps, palette

    kinds = ["ngo", "donor", "municipality"]
    actors = pd.DataFrame({"id": kinds, "name": kinds, "kind": kinds, "acronym": None, "country": "MA"})
    g = graph.build_graph(actors, _relations(("donor", "ngo", "funds"), ("ngo", "municipality", "supports")))
    spec = graph.chart_spec(g, graph.layout(g), graph.metrics(g))
    series = spec["series"][0]
    colour_of_node = {n: series["categories"][item["category"]]["itemStyle"]["color"]
                      for n, item in zip(g.nodes, series["data"])}
    payload = maps.actor_payload(actors.assign(lat=14.0, lon=-17.0, city="Dakar", themes=[[]] * 3))
    map_colour = {row[3]: payload["kinds"][row[2]]["colour"] for row in payload["rows"]}
    assert colour_of_node == map_colour == {k: palette.KIND_COLOURS[k] for k in kinds}
    assert len(set(colour_of_node.values())) == 3


def test_communities_are_named_after_their_most_central_members(cliques):
    node_metrics, community = graph.metrics(cliques), graph.communities(cliques)
    names = graph.community_names(cliques, community, node_metrics)
    # e and v are the bridge ends: the most connected of their cliques, so each names its own.
    assert names[community["e"]].startswith("E / ") and names[community["v"]].startswith("V / ")
    spec = graph.chart_spec(cliques, graph.layout(cliques), node_metrics, color_by="community",
                            community=community, community_names=names)
    assert sorted(c["name"] for c in spec["series"][0]["categories"]) == sorted(names.values())
    table = graph.metrics_table(cliques, node_metrics, community, community_names=names)
    assert table.set_index("id").loc["a", "community"] == names[community["a"]]


def test_labels_give_way_to_the_biggest_nodes_and_the_legend_is_one_page(cliques):
    spec = graph.chart_spec(cliques, graph.layout(cliques), graph.metrics(cliques))
    series = spec["series"][0]
    assert series["labelLayout"] == {"hideOverlap": True}  # ECharts keeps the larger node's label
    legend = spec["legend"][0]
    assert legend["type"] == "plain" and legend["orient"] == "vertical"  # never "1/3" pages
    assert series["left"] > legend["textStyle"]["width"]  # the graph starts right of the legend


def test_the_svg_legend_and_labels_are_not_cut():
    import re

    names = ["Organisation internationale pour les migrations", "B", "C"]
    actors = pd.DataFrame({"id": list("abc"), "name": names, "kind": ["international_organisation", "ngo", "donor"],
                           "acronym": None, "country": "MA"})
    g = graph.build_graph(actors, _relations(("a", "b", "supports"), ("c", "a", "funds")))
    svg = graph.spec_to_svg(graph.chart_spec(g, graph.layout(g), graph.metrics(g)), width=1000, height=600)
    for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        assert float(x) + 8 * len(text) <= 1000, text  # every text ends inside the picture
    assert "International organisation" in svg and "NGO / civil society" in svg


def test_a_saved_zoom_opens_the_picture_on_its_actor(cliques):
    positions = graph.layout(cliques)
    plain = graph.chart_spec(cliques, positions, graph.metrics(cliques))["series"][0]
    assert "zoom" not in plain and "center" not in plain
    series = graph.chart_spec(cliques, positions, graph.metrics(cliques), zoom=3, centre_on="e", aspect=1.4)["series"][0]
    assert series["zoom"] == 3
    # the centre is node e itself, wherever the stretched layout put it
    e = series["data"][list(cliques.nodes).index("e")]
    assert [e["x"], e["y"]] == series["center"]


def test_a_hubs_file_draws_its_most_linked_partners_and_counts_the_rest(store):
    """GIZ, the seed's hub (two dozen partners): twelve drawn, the most linked to it first, every
    one named, none drawn over another, and the others counted for the "and N more" line."""
    actors = store.actors()
    g = graph.build_graph(actors, store.relations_among(actors["id"].tolist()))
    node_metrics = graph.metrics(g)
    partners = set(g.successors("giz")) | set(g.predecessors("giz"))
    drawn, left_out = graph.ego_partners(g, "giz", node_metrics)
    shown = set(drawn) - {"giz"}
    assert len(shown) == graph.EGO_SHOWN and left_out == len(partners) - graph.EGO_SHOWN > 0
    links = {n: g.number_of_edges("giz", n) + g.number_of_edges(n, "giz") for n in partners}
    assert min(links[n] for n in shown) >= max(links[n] for n in partners - shown)
    positions = graph.ego_layout(drawn, "giz")
    spec = graph.ego_spec(drawn, positions, node_metrics, "giz")
    data = spec["series"][0]["data"]
    assert all(d.get("label", {}).get("show") for d in data)  # every partner named
    points = list(positions.values())
    nearest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for a, b in itertools.combinations(points, 2))
    assert nearest > 200  # on a 1000-wide circle: no two nodes on top of each other
    # names on the left run outwards (to the left), so they never cross the middle
    assert all(d["label"].get("position") == "left" for d, n in zip(data, drawn) if positions[n][0] < 499 and n != "giz")
    # on a phone's column (as wide as the picture is tall) the circle shrinks, leaving the names room
    [narrow] = [m for m in spec["media"] if m["query"].get("maxWidth", 10_000) < 500]
    wide, small = spec["series"][0], narrow["option"]["series"][0]
    assert small["top"] + small["bottom"] >= wide["top"] + wide["bottom"] + 100
