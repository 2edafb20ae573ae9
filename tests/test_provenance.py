"""Provenance: the key words a stated fact's quote must name, and how evidence is shown."""
from __future__ import annotations

import pandas as pd

from mapping import graph, maps, provenance

ALIASES = {"giz": ["GIZ"], "expertise-france": ["Expertise France"], "eu": ["EU", "European Union"]}


def test_a_quote_supports_a_link_only_when_it_names_both_ends():
    link = {"source_actor": "giz", "target_actor": "expertise-france"}
    wanted = provenance.key_words("relation", link, ALIASES)
    assert provenance.missing("implemented jointly by GIZ and Expertise France.", wanted) == []
    # the funding split the audit removed: the quote names the EU, not who it funds
    split = provenance.key_words("relation", {"source_actor": "eu", "target_actor": "expertise-france"}, ALIASES)
    assert provenance.missing("cofinanced by the German Government and the European Union", split) == ["target_actor"]


def test_a_dated_fact_needs_its_year_and_a_role_its_words():
    dated = provenance.key_words("relation", {"source_actor": "giz", "target_actor": "eu", "start_date": "2015-01"},
                                 ALIASES)
    assert provenance.missing("GIZ and the EU", dated) == ["year"]
    role = provenance.key_words("project_role", {"actor_id": "eu", "role": "co_funder"}, ALIASES)
    assert provenance.missing("Co-funded by: European Union (EU)", role) == []
    assert provenance.missing("European Union (EU) partner", role) == ["role"]


def test_excerpts_of_one_document_count_together():
    wanted = provenance.key_words("relation", {"source_actor": "giz", "target_actor": "eu"}, ALIASES)
    assert provenance.missing("developed by GIZ … Co-funded by: European Union", wanted) == []


def test_a_seat_is_stated_by_its_city_or_the_country_by_its_name():
    seat = provenance.key_words("actor", {"id": "x", "city": "Tanger", "country": "MA"}, {}, "place",
                                {"Tanger": ["Tangier", "Tangiers"]})
    assert provenance.missing("Oujda, Nador and Tangiers (Morocco)", seat) == []
    country = provenance.key_words("actor", {"id": "x", "city": None, "country": "MA"}, {}, "place")
    assert provenance.missing("the Moroccan administration", country) == []
    assert provenance.missing("Bureaux enregistrés à Bonn", country) == ["country"]


def test_unplaced_actors_are_listed_not_drawn():
    actors = pd.DataFrame({"id": ["a", "b"], "name": ["Zeta", "Alpha"], "kind": ["ngo", "network"],
                           "country": ["MA", None], "city": ["Rabat", None], "lat": [34.0, None],
                           "lon": [-6.8, None], "themes": [[], []]})
    assert provenance.unplaced(actors)["id"].tolist() == ["b"]


def test_inferred_links_are_dashed_on_network_and_map():
    actors = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "kind": ["ngo", "ngo"]})
    relations = pd.DataFrame({"id": ["r1", "r2"], "source_actor": ["a", "b"], "target_actor": ["b", "a"],
                              "kind": ["funds", "supports"], "evidence": ["stated", "inferred"]})
    g = graph.build_graph(actors, relations)
    spec = graph.chart_spec(g, {"a": (0, 0), "b": (1, 1)}, graph.metrics(g))
    styles = {link["tooltip"]["formatter"].endswith("(inferred)"): link["lineStyle"]
              for link in spec["series"][0]["links"]}
    assert styles[True]["type"] == "dashed" and styles[True]["opacity"] == graph.INFERRED_OPACITY
    assert "type" not in styles[False]
    assert graph.edges_table(g)["evidence"].tolist() == ["stated", "inferred"]
    links = pd.DataFrame({"source_name": ["A", "B"], "target_name": ["B", "A"], "kind": ["funds", "supports"],
                          "evidence": ["stated", "inferred"], "source_lat": [34.0, 14.7], "source_lon": [-6.8, -17.4],
                          "target_lat": [14.7, 34.0], "target_lon": [-17.4, -6.8]})
    page = maps.explore_links(links).get_root().render()
    assert page.count("6 5") == 1 and "B supports A (inferred)" in page


def test_the_card_says_how_each_part_is_known():
    facts = provenance.evidence_facts({"evidence": "stated", "place_evidence": "inferred",
                                       "evidence_note": "Seat read from its name."}, "fr")
    assert facts == [("Comment c'est su", "organisation : énoncé dans une source · lieu : déduit"),
                     ("Note des curateurs", "Seat read from its name.")]
