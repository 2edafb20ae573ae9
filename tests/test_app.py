"""AppTest of every page: runs without exception on the seeded data and shows what it must."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.filters import Filters
from mapping.present import escape
from mapping.store import Store

TIMEOUT = 60


def _app(**params) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _count_header(at: AppTest) -> str:
    return next(s.value for s in at.subheader if "actor" in s.value or "acteur" in s.value)


def test_directory_lists_actors_and_filters_change_the_count(app_db):
    store = Store(str(app_db))
    at = _app(lang="en").run()
    assert not at.exception
    total = store.count_actors()
    assert _count_header(at) == f"{total} actors"
    assert at.multiselect(key="f_countries").options  # the sidebar offers the countries present
    senegal = store.count_actors(Filters(countries=("SN",)))
    assert 0 < senegal < total
    at = _app(lang="en", country="SN").run()
    assert not at.exception
    assert _count_header(at) == f"{senegal} actors"
    assert at.multiselect(key="f_countries").value == ["SN"]
    assert at.query_params["country"] == "SN"


def test_sidebar_filter_widget_updates_count_and_url(app_db):
    at = _app(lang="en").run()
    at.multiselect(key="f_kinds").set_value(["municipality"]).run()
    assert not at.exception
    n = Store(str(app_db)).count_actors(Filters(kinds=("municipality",)))
    assert _count_header(at) == f"{n} actors"
    assert at.query_params["kind"] == "municipality"


def test_search_is_accent_insensitive_in_the_page(app_db):
    at = _app(lang="en", q="fes").run()
    assert not at.exception
    names = " ".join(" ".join(df.value["name"].astype(str)) for df in at.dataframe if "name" in df.value.columns)
    assert "Fès" in names
    assert at.text_input(key="f_q").value == "fes"


def test_filters_from_the_url_are_applied(app_db):
    at = _app(lang="en", kind="municipality", country="MA").run()
    assert not at.exception
    assert at.multiselect(key="f_kinds").value == ["municipality"]
    assert int(_count_header(at).split()[0]) == Store(str(app_db)).count_actors(
        Filters(kinds=("municipality",), countries=("MA",))) >= 10


def test_a_directory_run_builds_no_export_and_sends_one_page(app_db, monkeypatch):
    from mapping import exporters
    from mapping.store import EXPORT_COLUMNS

    built, reads = [], []
    for name in ("to_csv", "to_xlsx", "to_geojson", "to_hxl"):
        real = getattr(exporters, name)
        monkeypatch.setattr(exporters, name, lambda frame, _n=name, _r=real: built.append(_n) or _r(frame))
    real_actors = Store.actors
    monkeypatch.setattr(Store, "actors", lambda self, *a, **k: reads.append(k.get("columns")) or real_actors(self, *a, **k))
    at = _app(lang="en")
    at.session_state["dir_size"] = 25
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 4 and all(b.proto.deferred_file_id for b in buttons)  # files made on click only
    assert built == [] and EXPORT_COLUMNS not in reads and reads == []  # nothing read for the whole table
    table = at.dataframe[2].value
    total = Store(str(app_db)).count_actors()
    assert total > 25 and len(table) == 25 and _count_header(at) == f"{total} actors"
    # The second page holds the rest, in the same order as the whole list.
    at.number_input(key="dir_page").set_value(2).run()
    names = Store(str(app_db)).actors()["id"].tolist()
    assert at.dataframe[2].value["id"].tolist() == names[25:]
    # What a click runs: the CSV of every matching actor, built once.
    from pages import _ui

    csv = _ui.export_file(_ui.data_key(), Filters(), "csv", "en")
    import io

    import pandas as pd

    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert built == ["to_csv"] and len(frame) == total
    assert "NGO / civil society" in set(frame["kind_label"])  # labelled in the session's language
    assert all(b.proto.ignore_rerun for b in buttons)  # a download does not rerun: a second click delivers


def test_french_interface(app_db):
    at = _app(lang="fr").run()
    assert not at.exception
    assert at.title[0].value == "Annuaire des acteurs"


def test_deep_link_opens_the_right_file(app_db):
    at = _app(lang="en", actor="commune-oujda")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    assert "Oujda" in at.title[0].value
    markdown = " ".join(m.value for m in at.markdown)
    assert "Partners" in [s.value for s in at.subheader]
    cited = Store(str(app_db)).actor_citations("commune-oujda")
    assert len(cited) >= 3
    assert all(escape(title) in markdown for title in cited["title"].unique())


def test_organisation_file_lists_every_partner_in_one_table_with_links(app_db):
    at = _app(lang="en", actor="commune-oujda")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    relations = Store(str(app_db)).actor_relations("commune-oujda")
    [table] = [df.value for df in at.dataframe if "link" in df.value.columns]
    assert len(relations) >= 2 and sorted(table["id"]) == sorted(relations["other_id"])
    assert all(link == f"actor?actor={i}&lang=en" for i, link in zip(table["id"], table["link"]))
    assert len(at.get("page_link")) < len(relations)  # not one element per partner
    # each link says how it is known; GIZ's support to its partner municipality is read from a project list
    assert {"stated in a source", "inferred"} <= set(table["evidence"])


def test_organisation_file_says_how_its_facts_are_known(app_db):
    at = _app(lang="en", actor="ministere-interieur")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    card = " ".join(m.value for m in at.markdown)
    assert "**How it is known** · organisation: stated in a source · place: stated in a source" in card
    assert "**Place** · Morocco" in card
    at = _app(lang="en", actor="isg")
    at.switch_page("pages/actor.py").run()
    assert "**Place** · not stated in the sources" in " ".join(m.value for m in at.markdown)


def test_private_contacts_not_shown_to_visitors(app_db):
    store = Store(str(app_db))
    row = store.table("actors").dropna(subset=["contact_name"]).iloc[0]
    at = _app(lang="en", actor=row["id"])
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    everything = " ".join(e.value for e in list(at.markdown) + list(at.caption) + list(at.title) if isinstance(e.value, str))
    assert row["contact_name"] not in everything


def test_unknown_id_shows_a_message(app_db):
    at = _app(lang="en", actor="no-such-actor")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    assert any("no-such-actor" in e.value.replace("\\", "") for e in at.error)  # shown escaped


def test_about_page_lists_sources(app_db):
    at = _app(lang="en")
    at.switch_page("pages/about.py").run()
    assert not at.exception
    sources = at.dataframe[0].value
    assert len(sources) == 5
    assert any(m.label == "Actors" and int(m.value) > 30 for m in at.metric)
    # sources as people cite them: titles and publishers, never an internal id or file name
    assert "id" not in sources.columns and sources["title"].str.len().gt(10).all()
    assert not sources.astype(str).apply(lambda c: c.str.contains(r"\.txt|giz-2016-recomig")).any().any()
    assert sources["citations"].min() > 0



# -- network page ------------------------------------------------------------------------------
def _network(**params) -> AppTest:
    at = _app(lang="en", **params)
    at.switch_page("pages/network.py").run()
    assert not at.exception
    return at


def _network_component(at: AppTest):
    """The Network page's graph component (pages/_network_chart.py)."""
    [chart] = [c for c in at.get("bidi_component") if c.proto.component_name == "atlas_network"]
    return chart


def _chart_spec(at: AppTest) -> dict:
    """The ECharts option the page's graph component draws."""
    return json.loads(_network_component(at).proto.json)["spec"]


def _chart_nodes(at: AppTest) -> list[str]:
    """Node names the page's ECharts graph draws (unescaped: names are escaped in the spec)."""
    return [html.unescape(n["name"]) for n in _chart_spec(at)["series"][0]["data"]]


def _click_node(at: AppTest, name: str) -> AppTest:
    """Click node ``name`` as the browser does: the next run carries the component's trigger value
    {"event": "node", "value": <index in the spec's data>} beside every widget's state."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    index = _chart_nodes(at).index(name)
    states = at._tree.get_widget_states()
    click = WidgetState(id=_make_trigger_id(_network_component(at).proto.id, "events"))
    click.json_trigger_value = json.dumps([{"event": "node", "value": index}])
    states.widgets.append(click)
    return at._run(states)


def test_network_page_draws_the_filtered_graph(app_db):
    at = _network()
    assert at.title[0].value == "Who works with whom"
    names = _chart_nodes(at)
    assert "GIZ" in names and "RECOSA" in names  # actors and, by default, the projects linking them
    metrics = at.dataframe[0].value  # the metrics table, the only one
    assert len(metrics) == len(names)
    assert metrics["betweenness"].iloc[0] == metrics["betweenness"].max()  # brokers first
    at.checkbox(key="net_context").uncheck().run()
    assert not at.exception
    actors_only = _chart_nodes(at)
    assert "RECOSA" not in actors_only and "GIZ" in actors_only
    at.multiselect(key="f_countries").set_value(["SN"]).run()
    assert not at.exception
    assert "GIZ" not in _chart_nodes(at)  # the sidebar filters apply


def _chart_links(at: AppTest) -> list[dict]:
    return _chart_spec(at)["series"][0]["links"]


def test_a_click_on_a_node_selects_that_actor_on_every_page(app_db):
    at = _network()
    assert "actor" not in at.query_params
    _click_node(at, "GIZ")
    assert not at.exception
    assert at.query_params["actor"] == "giz"  # the shared selection, in the address
    assert any("GIZ" in m.value for m in at.markdown if m.value.startswith("Selected"))
    # the run after the click draws the selected node marked and labelled
    giz = next(n for n in _chart_spec(at)["series"][0]["data"] if html.unescape(n["name"]) == "GIZ")
    assert giz["itemStyle"]["borderWidth"] == 3 and giz["label"]["show"]
    _click_node(at, "RECOSA")  # a project is not an actor: the selection stays
    assert not at.exception and at.query_params["actor"] == "giz"


def test_network_draws_inferred_links_dashed_and_a_link_can_hide_them(app_db):
    at = _network(context="0")
    links = _chart_links(at)
    inferred = [link for link in links if "(inferred)" in link.get("tooltip", {}).get("formatter", "")]
    assert inferred and all(link["lineStyle"]["type"] == "dashed" and link["lineStyle"]["opacity"] < 0.5
                            for link in inferred)
    stated = _network(context="0", stated="1")
    assert stated.checkbox(key="net_stated").value is True
    kept = _chart_links(stated)
    assert 0 < len(kept) == len(links) - len(inferred)
    assert not any("(inferred)" in link.get("tooltip", {}).get("formatter", "") for link in kept)
    assert stated.query_params["stated"] == "1"


def test_network_project_view_shows_recosa_roles(app_db):
    at = _network()
    at.radio(key="net_mode").set_value("project").run()
    assert not at.exception
    assert at.selectbox(key="net_project").value == "recosa"
    labels = set(_chart_nodes(at))
    for name in ("RECOSA", "GIZ", "BMZ", "MDCMRE", "Commune d'Oujda"):
        assert name in labels, name
    assert "Commune de Kaolack" not in labels  # not a RECOSA actor
    table = at.dataframe[0].value  # the metrics table, the only one
    recosa = table[table["name"] == "RECOSA"].iloc[0]
    store = Store(str(app_db))
    roles = store.project_role_edges(store.actors()["id"].tolist(), ["recosa"])
    assert recosa["degree"] >= roles["actor_id"].nunique()


def test_a_hubs_file_draws_its_strongest_partners_and_says_how_many_more(app_db):
    at = _app(lang="en", actor="giz")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    [chart] = at.get("echarts_chart")
    drawn = json.loads(chart.proto.spec)["series"][0]["data"]
    assert len(drawn) == 13  # GIZ and its twelve most linked partners
    more = next(m.value for m in at.markdown if m.value.startswith("**…"))
    n = int(re.search(r"and (\d+) more partners \(see the list below\)", more).group(1))
    # The list below names every partner, the drawn and the left out.
    listed = set(next(d for d in at.dataframe if d.key == "actor_partners_giz").value["id"])
    assert len(listed) == 12 + n


def test_network_ego_view_grows_with_hops(app_db):
    at = _network(actor="commune-kaolack")
    at.radio(key="net_mode").set_value("ego").run()
    assert at.selectbox(key="net_ego").value == "commune-kaolack"  # the shared selection
    one = len(_chart_nodes(at))
    at.slider(key="net_hops").set_value(2).run()
    assert not at.exception
    assert len(_chart_nodes(at)) > one > 1


def test_network_path_finder_sentences_and_no_path(app_db):
    at = _network()
    at.radio(key="net_mode").set_value("path").run()
    at.selectbox(key="net_from").set_value("commune-kaolack").run()
    at.selectbox(key="net_to").set_value("uclg-africa").run()
    assert not at.exception
    [found] = [s.value for s in at.success if "shortest chain" in s.value]
    assert re.fullmatch(r"(1 shortest chain|[2-9]\d* shortest chains) of (1 step|\d+ steps):", found), found
    sentences = [m.value[2:].replace("\\", "") for m in at.markdown if m.value.startswith("- ") and "Kaolack" in m.value]
    assert sentences and all(s.endswith(".") and "→" not in s for s in sentences)  # sentences, not arrows
    assert any(s.startswith("Commune de Kaolack spoke at Closing webinar")
               and " and Cités et Gouvernements Locaux Unis d'Afrique organised " in s for s in sentences), sentences
    # without projects and events, Kaolack has no relation at all: a clear message, no crash
    at.checkbox(key="net_context").uncheck().run()
    assert not at.exception
    assert any("No chain of relations" in w.value for w in at.warning)


def test_network_selected_actor_links_to_its_file(app_db):
    at = _network(actor="giz")
    assert "Selected: **Deutsche Gesellschaft" in " ".join(m.value for m in at.markdown)
    [link] = [p for p in at.get("page_link") if "organisation file" in p.proto.label]
    assert link.proto.page.endswith("actor") and "giz" in link.proto.query_string


# -- map page ----------------------------------------------------------------------------------
def _map(**params) -> AppTest:
    at = _app(lang="en", **params)
    at.switch_page("pages/map.py").run()
    assert not at.exception
    return at


def _map_script(at: AppTest) -> str:
    """The Leaflet script the page hands to streamlit-folium."""
    [component] = at.get("component_instance")
    assert component.proto.component_name.endswith("st_folium")
    return json.loads(component.proto.json_args)["script"]


def _map_ids(at: AppTest) -> list[str]:
    """Ids of the actors drawn on the page's map (from the embedded payloads)."""
    from mapping import foliumx

    return [row[3] for _, o in foliumx.calls(_map_script(at), "AtlasMap.actorLayer") for row in o["data"]["rows"]]


def test_the_map_is_rendered_once_per_content_for_every_session(app_db, monkeypatch):
    from mapping import maps

    built = []
    real = maps.explore
    monkeypatch.setattr(maps, "explore", lambda *a, **k: built.append(1) or real(*a, **k))
    first = _map()
    again = _map()  # another visitor, same view: the same component, nothing rebuilt
    first.run()  # a rerun of the first session
    assert len(built) == 1
    [one], [two] = first.get("component_instance"), again.get("component_instance")
    assert one.proto.id == two.proto.id and one.proto.json_args == two.proto.json_args
    # Until the map paints, a light sketch of the same actors shows in its place.
    [sketch] = [m.value for m in first.markdown if "atlas-map-sketch" in m.value]
    from mapping import geo

    (south, west), (north, east) = geo.bounds()  # the sketch's frame: the four countries
    located = Store(str(app_db)).actors().dropna(subset=["lat", "lon"])
    inside = located[located["lat"].between(south, north) & located["lon"].between(west, east)]
    assert 0 < len(inside) < len(located) and sketch.count("<circle") == len(inside)
    first.multiselect(key="f_countries").set_value(["SN"]).run()  # what the map shows changed: rebuilt
    assert not first.exception and len(built) == 2
    assert _map_script(first) != _map_script(again)


def _map_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if "on the map" in c.value)


def test_map_page_draws_the_filtered_actors(app_db):
    store = Store(str(app_db))
    at = _map()
    assert at.title[0].value == "Map of actors"
    located = store.actors(columns=("id", "lat")).dropna(subset=["lat"])
    assert sorted(_map_ids(at)) == sorted(located["id"])
    unplaced = store.count_actors() - len(located)
    assert unplaced > 0 and _map_caption(at).startswith(f"{len(located)} actors on the map · {unplaced} without")
    listed = next(e for e in at.expander if e.label.startswith("Place not stated in the sources"))
    assert listed.label.endswith(f"({unplaced})")
    assert "Integration Strategy Group" in [link.proto.label for link in listed.get("page_link")]
    at.multiselect(key="f_countries").set_value(["SN"]).run()
    assert not at.exception
    senegal = store.actors(Filters(countries=("SN",)), columns=("id", "lat")).dropna(subset=["lat"])["id"]
    assert sorted(_map_ids(at)) == sorted(senegal) and 0 < len(senegal) < len(located)
    assert at.query_params["country"] == "SN"


def test_map_page_filters_from_the_url_and_offline_assets(app_db):
    at = _map(kind="municipality")
    ids = _map_ids(at)
    assert ids
    kinds = set(Store(str(app_db)).actors(columns=("id", "kind")).set_index("id").loc[ids, "kind"])
    assert kinds == {"municipality"}
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert all(link.startswith(("/app/static/vendor/", "/app/static/atlas/")) for link in args["js_links"] + args["css_links"])
    assert args["returned_objects"] == ["last_active_drawing"]  # panning does not rerun the page


def test_map_region_shading_follows_the_choice(app_db):
    at = _map()
    assert json.dumps("Regions — Number of actors") in _map_script(at)  # the layer control's name
    at.selectbox(key="map_shade").set_value("kind:municipality").run()
    assert not at.exception
    assert json.dumps("Regions — Number of actors — Municipality") in _map_script(at)
    at.selectbox(key="map_shade").set_value("off").run()
    assert "var figures" not in _map_script(at) and "Regions — " not in _map_script(at)  # no choropleth


def test_map_selected_actor_shows_its_panel_and_partnerships(app_db):
    at = _map(actor="giz")
    assert any("Deutsche Gesellschaft" in s.value for s in at.subheader)
    [link] = [p for p in at.get("page_link") if p.proto.label == "Open the organisation file"]
    assert link.proto.page.endswith("actor") and "giz" in link.proto.query_string
    n = len(Store(str(app_db)).map_links(actor_id="giz"))
    assert f"{n} partnerships drawn" in _map_caption(at)
    assert '"Partnerships"' in _map_script(at)
    at.button(key="map_reset").click().run()
    assert not at.exception
    assert "actor" not in at.query_params
    assert not any("Deutsche Gesellschaft" in s.value for s in at.subheader)


def test_map_project_partnerships(app_db):
    at = _map()
    at.selectbox(key="map_project").set_value("recosa").run()
    assert not at.exception
    n = len(Store(str(app_db)).map_links(project_id="recosa"))
    assert f"{n} partnerships drawn" in _map_caption(at)


def test_map_region_click_filters_every_page(app_db):
    # A click on a region queues a sidebar filter (the widget is drawn already in that run).
    at = _map()
    at.session_state["_pending_filters"] = [("f_regions", "MA-02")]
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_regions").value == ["MA-02"]
    oriental = Store(str(app_db)).actors(Filters(regions=("MA-02",)), columns=("id", "lat"))
    # The regional council has a region but no stated seat: filtered in, not drawn.
    assert "conseil-regional-oriental" in set(oriental["id"])
    drawn = oriental.dropna(subset=["lat"])["id"]
    assert sorted(_map_ids(at)) == sorted(drawn) and len(drawn) > 0


def test_map_lists_international_partners(app_db):
    at = _map()
    [box] = [e for e in at.expander if "International partners" in e.label]
    labels = [p.proto.label for p in box.get("page_link")]
    assert any(label.startswith("BMZ") or "Bundesministerium" in label for label in labels)


# -- curation ---------------------------------------------------------------------------------------
def _curator_app(app_db, page: str | None = None, role: str = "curator", **params) -> AppTest:
    from mapping.auth import User

    name = "amina" if role == "curator" else "admin"
    store = Store(str(app_db))
    if store.user(name) is None:
        store.add_user(name, "curator passphrase", role, name.title(), trusted=True)
    store.close()
    at = _app(lang="en", **params)
    at.session_state["user"] = User(name, role, name.title())
    if page:
        at.switch_page(page)
    return at.run()


def test_visitors_see_no_curation_page_and_can_sign_in(app_db):
    Store(str(app_db)).add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    at = _app(lang="en").run()
    assert not at.exception
    assert "user" not in at.session_state or at.session_state["user"] is None
    at.text_input(key="signin_user").input("amina")
    at.text_input(key="signin_password").input("wrong password")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert any("Wrong user name or password" in e.value for e in at.error)
    at.text_input(key="signin_user").input("amina")
    at.text_input(key="signin_password").input("curator passphrase")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    assert at.session_state["user"].username == "amina"
    assert any("Signed in as Amina" in c.value for c in at.caption)
    at.switch_page("pages/edit.py").run()
    assert not at.exception and at.title[0].value == "Edit"


def test_edit_page_reports_field_errors_then_saves(app_db):
    at = _curator_app(app_db, "pages/edit.py", edit="amappe")
    assert not at.exception
    assert at.selectbox(key="ed_pick").value == "amappe"
    at.text_input(key="ed_website").input("not a web address")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("Not a web address" in e.value for e in at.error)
    assert Store(str(app_db)).record("actor", "amappe")["version"] == 1  # nothing written
    at.text_input(key="ed_website").input("https://amappe.example.ma")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and any("Saved" in s.value for s in at.success)
    saved = Store(str(app_db)).record("actor", "amappe")
    assert saved["website"] == "https://amappe.example.ma" and saved["version"] == 2
    assert Store(str(app_db)).history("actor", "amappe").iloc[0]["username"] == "amina"


def test_edit_page_refuses_to_overwrite_a_newer_version(app_db):
    from mapping.auth import User

    at = _curator_app(app_db, "pages/edit.py", edit="amappe")
    # Another curator saves while this editor is open.
    other = Store(str(app_db))
    other.save("actor", {"id": "amappe", "public_phone": "+212 537 00 00 00"}, user=User("amina", "curator"))
    other.close()
    at.text_input(key="ed_public_phone").input("+212 600 00 00 00")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("Nothing was overwritten" in w.value for w in at.warning)
    assert Store(str(app_db)).record("actor", "amappe")["public_phone"] == "+212 537 00 00 00"


def test_edit_page_creates_a_draft_that_needs_a_source_and_publishes_it(app_db):
    at = _curator_app(app_db, "pages/edit.py")
    at.text_input(key="ed_name").input("Association Berkane Accueil")
    at.selectbox(key="ed_kind").set_value("ngo")
    at.selectbox(key="ed_country").set_value("MA")
    at.text_input(key="ed_city").input("Berkane")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Cite a source" in e.value for e in at.error)
    at.text_input(key="ed_source").input("Phone call with the Oujda focal point, 2026-11-20")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    record = Store(str(app_db)).record("actor", "association-berkane-accueil")
    assert record["status"] == "draft"
    at.button(key="ed_to_published").click().run()
    assert Store(str(app_db)).actor("association-berkane-accueil") is not None


def test_history_page_undoes_a_change(app_db):
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    store.save("actor", {"id": "ms2", "description": "Wrong text pasted here"}, user=User("amina", "curator"))
    change = int(store.history("actor", "ms2").iloc[0]["id"])
    original = store.record("actor", "ms2")["version"]
    store.close()
    at = _curator_app(app_db, "pages/history.py", type="actor", record="ms2")
    assert not at.exception
    at.selectbox(key="hist_pick").set_value(change).run()
    assert any("Wrong text pasted here" in str(df.value) for df in at.dataframe)
    at.button(key="hist_undo").click().run()
    assert not at.exception and any("Restored" in s.value for s in at.success)
    restored = Store(str(app_db)).record("actor", "ms2")
    assert restored["description"] != "Wrong text pasted here" and restored["version"] == original + 1


def test_duplicates_page_merges_a_pair(app_db):
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    dup = store.save("actor", {"name": "AMAPPE Rabat", "acronym": "AMAPPE", "kind": "ngo", "country": "MA"},
                     user=User("amina", "curator"), source="partners.csv")
    store.close()
    at = _curator_app(app_db, "pages/duplicates.py")
    assert not at.exception
    at.radio(key="dup_keep").set_value("amappe").run()
    at.button(key="dup_merge").click().run()
    assert not at.exception
    assert Store(str(app_db)).record("actor", dup["id"])["merged_into"] == "amappe"


def test_import_and_accounts_pages_render_for_their_roles(app_db):
    at = _curator_app(app_db, "pages/imports.py")
    assert not at.exception and at.title[0].value == "Import"
    at = _curator_app(app_db, "pages/accounts.py", role="admin")
    assert not at.exception and at.title[0].value == "Accounts"
    at.text_input(key="acc_name").input("moussa")
    at.text_input(key="acc_password").input("another passphrase")
    next(b for b in at.button if b.label == "Create the account").click().run()
    assert Store(str(app_db)).user("moussa") is not None
    at.selectbox(key="acc_close").set_value("moussa")
    at.button(key="acc_close_button").click().run()
    assert not at.exception and Store(str(app_db)).user("moussa") is None


def test_curators_see_private_contacts_and_drafts(app_db):
    store = Store(str(app_db))
    row = store.table("actors").dropna(subset=["contact_name"]).iloc[0]
    store.close()
    at = _curator_app(app_db, "pages/actor.py", actor=row["id"])
    assert not at.exception
    assert any(row["contact_name"] in m.value for m in at.markdown)


def test_edit_page_adds_a_participant_to_a_project(app_db):
    at = _curator_app(app_db, "pages/edit.py")
    at.segmented_control(key="ed_type").set_value("project").run()
    at.selectbox(key="ed_pick").set_value("recosa").run()
    assert not at.exception
    at.selectbox(key="part_actor").set_value("ms2")
    at.selectbox(key="part_role").set_value("partner")
    at.text_input(key="part_source").input("RECOSA final report")
    next(b for b in at.button if b.label == "Add this role").click().run()
    assert not at.exception
    assert "ms2" in set(Store(str(app_db)).participants("project", "recosa")["actor_id"])


def test_a_merged_files_old_link_leads_to_the_kept_file(app_db):
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    dup = store.save("actor", {"name": "AMAPPE Rabat", "kind": "ngo", "country": "MA", "status": "published"},
                     user=User("amina", "curator"), source="note")
    store.merge_actors("amappe", dup["id"], user=User("amina", "curator"))
    store.close()
    at = _app(lang="en", actor=dup["id"])
    at.switch_page("pages/actor.py").run()
    assert not at.exception and any("was merged into another" in i.value for i in at.info)


def test_import_page_previews_refuses_bad_files_and_imports_good_ones(app_db):
    at = _curator_app(app_db, "pages/imports.py")
    before = Store(str(app_db)).checksum()
    bad = b"name,kind,country\nAssociation Une,ngo,MA\nAssociation Deux,alien,MA\n"
    at.file_uploader(key="imp_file").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any("1 error" in e.value and "1 errors" not in e.value for e in at.error), [e.value for e in at.error]
    report = next(df.value for df in at.dataframe if "reasons" in df.value.columns)
    assert report["reasons"].str.contains("Unknown kind of actor: alien").any()
    assert not any(b.key == "imp_apply" for b in at.button)
    assert Store(str(app_db)).checksum() == before
    good = "Nom;Type d'acteur;Pays;Ville\nAssociation Nador Accueil;ONG;Maroc;Nador\n".encode("cp1252")
    at.file_uploader(key="imp_file").set_value(("bon.csv", good, "text/csv")).run()
    assert any("1 new" in s.value for s in at.success)
    at.button(key="imp_apply").click().run()
    assert not at.exception and any("Imported: 1 new drafts" in s.value for s in at.success)
    assert Store(str(app_db)).record("actor", "association-nador-accueil")["status"] == "draft"


def test_import_page_takes_a_real_3w_then_its_drafts_are_fixed_and_published_together(app_db):
    chad = (Path(__file__).parent / "data" / "3w" / "3w_td_october2021.xlsx").read_bytes()
    title_rows = (Path(__file__).parent / "data" / "3w" / "synthetic" / "title_rows_above_header.csv").read_bytes()
    at = _curator_app(app_db, "pages/imports.py")
    at.file_uploader(key="imp_file").set_value(("3w_td_october2021.xlsx", chad, "application/octet-stream")).run()
    assert not at.exception and any("705 rows in Chad" in e.value for e in at.error)
    at.file_uploader(key="imp_file").set_value(("3w.csv", title_rows, "text/csv")).run()
    assert any("Header on row 4" in s.value for s in at.success)
    at.selectbox(key="imp_kind").set_value("ngo").run()  # one kind for the whole file: nothing to review
    report = next(df.value for df in at.dataframe if "reasons" in df.value.columns)
    assert not report["reasons"].str.contains("Kind to review").any()
    at.selectbox(key="imp_kind").set_value("").run()  # back to guessing
    at.button(key="imp_apply").click().run()
    assert not at.exception and any("Imported: 3 new drafts" in s.value for s in at.success)
    store = Store(str(app_db))
    import_id = store.imports().iloc[0]["id"]
    drafts = store.import_drafts(import_id)
    assert at.selectbox(key="imp_review").value == import_id
    oim = drafts[drafts["acronym"] == "OIM"].iloc[0]["id"]
    at.session_state[f"imp_editor_{import_id}"] = {
        "edited_rows": {int(drafts.index[drafts["id"] == oim][0]): {"kind": "development_agency"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="imp_publish").click().run()
    assert not at.exception and any("1 kind set, 3 drafts published" in s.value for s in at.success)
    store = Store(str(app_db))
    assert store.record("actor", oim)["kind"] == "development_agency"
    assert store.import_drafts(import_id).empty


# -- presenter and sharing ------------------------------------------------------------------------------
def test_presenter_mode_from_the_link_hides_the_chrome_and_names_the_view(app_db):
    at = _app(lang="en", present="1")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    styles = " ".join(m.value for m in at.markdown)
    assert '[data-testid="stSidebar"]' in styles and "display: none" in styles
    assert "atlas-titlebar" in styles and "Map" in styles and "source documents" in styles
    at.button(key="present_exit").click().run()
    assert not at.exception
    assert "present" not in at.query_params
    assert not any("atlas-titlebar" in m.value for m in at.markdown)


def test_a_deep_link_restores_the_network_view(app_db):
    at = _app(lang="en", mode="path", **{"from": "commune-kaolack", "to": "uclg-africa"})
    at.switch_page("pages/network.py").run()
    assert not at.exception
    assert at.radio(key="net_mode").value == "path"
    assert at.selectbox(key="net_from").value == "commune-kaolack"
    assert any("chain" in s.value or "found" in s.value for s in at.success)
    # Changing the view writes it back to the address bar, for the next link.
    at.radio(key="net_mode").set_value("ego").run()
    assert at.query_params["mode"] == "ego"


def test_a_deep_link_restores_the_map_view_and_ignores_bad_values(app_db):
    at = _app(lang="en", shade="kind:ngo", view="34.68,-1.91,9")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.selectbox(key="map_shade").value == "kind:ngo"
    [component] = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert "center: [34.68, -1.91]" in script and '"zoom": 9' in script
    at = _app(lang="en", shade="<script>")
    at.switch_page("pages/map.py").run()
    assert not at.exception and at.selectbox(key="map_shade").value == "all"


def _started_tour(db_path, name: str, steps: list[dict]) -> tuple[AppTest, dict]:
    """A tour of ``steps`` saved by a curator, then started from the Tours page by a visitor."""
    from mapping.auth import User

    store = Store(str(db_path))
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    tour = store.save_tour({"name": name, "steps": steps}, user=User("amina", "curator"))
    store.close()
    at = _app(lang="en")
    at.switch_page("pages/tours.py").run()
    assert not at.exception
    at.button(key="tour_start").click().run()
    return at, tour


def test_a_tour_steps_forward_and_back_across_pages(app_db):
    at, tour = _started_tour(app_db, "Webinar", [
        {"title": "The map", "page": "map", "params": {"country": "SN"}, "caption": "Senegal's actors"},
        {"title": "RECOSA", "page": "network", "params": {"mode": "project", "graph_project": "recosa"}},
    ])
    assert not at.exception
    assert at.query_params["tour"] == tour["id"] and at.query_params["step"] == "1"
    assert at.query_params["country"] == "SN" and at.title[-1].value == "Map of actors"
    assert any("Senegal's actors" in m.value for m in at.markdown)
    at.button(key="tour_next").click().run()
    assert not at.exception
    assert at.query_params["step"] == "2" and at.radio(key="net_mode").value == "project"
    assert "country" not in at.query_params  # the step's filters replace the previous ones
    at.button(key="tour_prev").click().run()
    assert at.query_params["step"] == "1" and at.query_params["country"] == "SN"


def test_a_tour_step_restores_the_partner_finder_and_the_coverage_view(app_db):
    at, tour = _started_tour(app_db, "Partners", [
        {"title": "For Oujda", "page": "partners", "params": {"of": "commune-oujda", "on": "health"}},
        {"title": "Gaps", "page": "coverage", "params": {"by": "target_groups", "where": "SN"}},
        {"title": "Back", "page": "partners", "params": {"in": "MA-02"}},
    ])
    assert not at.exception
    assert at.query_params["tour"] == tour["id"] and at.title[-1].value == "Find partners"
    assert at.selectbox(key="pt_origin").value == "commune-oujda" and at.multiselect(key="pt_themes").value == ["health"]
    assert any(s.value.startswith("Potential partners") for s in at.subheader)  # the suggestions, not the question
    at.button(key="tour_next").click().run()
    assert not at.exception
    assert at.title[-1].value == "Who does what where"
    assert at.selectbox(key="cov_country").value == "SN" and at.query_params["by"] == "target_groups"
    at.button(key="tour_next").click().run()
    assert not at.exception
    # What the step does not set goes back to its default, not where step 1 left it.
    assert at.selectbox(key="pt_region").value == "MA-02" and at.selectbox(key="pt_origin").value is None
    assert at.multiselect(key="pt_themes").value == []


def test_a_link_can_switch_map_layers_off(app_db):
    at = _app(lang="en", hide="links,regions")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    script = _map_script(at)
    # The choropleth is built but starts switched off; the actors are on.
    region_var = re.search(r"var (\w+) = AtlasMap\.regionLayer\(", script).group(1)
    assert f"{region_var}.addTo(" not in script
    actor_var = re.search(r"var (\w+) = AtlasMap\.actorLayer\(", script).group(1)
    assert f"{actor_var}.addTo(" in script
    assert at.query_params["hide"] == "links,regions"



def test_curators_get_a_step_editor_and_saving_it_unchanged_keeps_the_tour(app_db):
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    tour = store.save_tour({"name": "Webinar", "steps": [{"title": "One", "page": "map", "params": {}}]},
                           user=User("amina", "curator"))
    store.close()
    at = _curator_app(app_db, "pages/tours.py")
    assert not at.exception
    at.button(key="tour_save_steps").click().run()
    assert not at.exception and any("Tour saved" in s.value for s in at.success)
    assert Store(str(app_db)).tour(tour["id"])["steps"] == tour["steps"]


# -- hardening (issue 11): ordinary records with empty optional fields ------------------------------
def test_a_published_actor_with_empty_optional_fields_renders_on_every_page(app_db):
    """No city, a region code without its name, no themes, no other names: the seed fills every
    field, so these once crashed the sidebar, the Directory, the Map and the exports for everyone."""
    from mapping import exporters
    from mapping.auth import User
    from mapping.store import EXPORT_COLUMNS

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    sparse = store.save("actor", {"name": "Synthetic actor 1", "kind": "ngo", "country": "MA",
                                  "region_code": "MA-01", "status": "published"},
                        user=User("amina", "curator"), source="test")
    found = store.actors(Filters(q="synthetic actor 1"), columns=EXPORT_COLUMNS)
    store.close()
    assert found["other_names"].tolist() == [None]
    for writer in (exporters.to_csv, exporters.to_xlsx, exporters.to_geojson, exporters.to_hxl):
        assert writer(found)
    for page in ("directory", "actor", "map", "network", "about", "tours"):
        for role in (None, "curator"):
            at = _curator_app(app_db, role=role) if role else _app(lang="en")
            at.query_params["actor"] = sparse["id"]
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, (page, role, [e.value for e in at.exception])
    at = _app(lang="en", q="synthetic actor 1").run()
    assert not at.exception and _count_header(at) == "1 actor"


def test_find_partners_for_a_theme_lists_reasons_and_links_to_files(app_db):
    at = _app(lang="en", of="commune-oujda", on="health", **{"for": "migrants"})
    at.switch_page("pages/partners.py").run()
    assert not at.exception
    assert at.selectbox(key="pt_origin").value == "commune-oujda"
    assert at.multiselect(key="pt_themes").value == ["health"]
    shown = [m.value for m in at.markdown]
    assert shown[0].startswith("Works on Health and COVID")  # MS2, in Oujda itself
    assert any("reachable through GIZ via RECOMIG" in m for m in shown)
    # Choosing another theme is written back to the address, so the search can be shared.
    at.multiselect(key="pt_themes").set_value(["economic_integration"]).run()
    assert at.query_params["on"] == "economic_integration"
    assert not any("Health" in m.value.split(";")[0] for m in at.markdown)


def test_find_partners_asks_for_something_and_follows_the_sidebar_filters(app_db):
    at = _app(lang="fr")
    at.switch_page("pages/partners.py").run()
    assert not at.exception
    assert at.info[0].value.startswith("Choisissez une organisation")
    at = _app(lang="en", on="health", kind="ngo")
    at.switch_page("pages/partners.py").run()
    assert not at.exception
    assert any("ngo" in c.value.lower() or "only among" in c.value.lower() for c in at.caption)
    assert [s.value for s in at.subheader] == ["Potential partners, best first: 1"]  # MS2, the one health NGO


def test_coverage_counts_cells_marks_gaps_and_a_cell_opens_the_filtered_directory(app_db):
    at = _app(lang="en")
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Cells"]) == 18 * 12  # every theme in each of Morocco's twelve regions
    assert 0 < int(metrics["Gaps"]) < int(metrics["Cells"])
    table = at.dataframe(key="coverage_table").value
    oriental_health = table.loc[table["code"] == "health", "MA-02"].iloc[0]
    assert oriental_health == Store(str(app_db)).count_actors(Filters(regions=("MA-02",), themes=("health",))) > 0
    # A cell chosen: its actors are listed, and the directory opens filtered on it.
    at.session_state["coverage_table"] = {"selection": {"rows": [], "columns": [], "cells": [[int(
        table.index[table["code"] == "health"][0]), "MA-02"]]}}
    at.run()
    assert not at.exception
    actors = "actor" if oriental_health == 1 else "actors"
    assert any(f"Health and COVID-19 response in Oriental: {oriental_health} {actors}" in s.value for s in at.subheader), \
        [s.value for s in at.subheader]
    assert any(p.label == "Commune d'Oujda" for p in at.get("page_link"))
    at.button(key="coverage_directory").click().run()
    assert not at.exception
    # (AppTest stays on the page it was switched to; the browser test follows the switch itself.)
    assert at.session_state["f_themes"] == ["health"] and at.session_state["f_regions"] == ["MA-02"]


def test_coverage_by_target_group_follows_the_filters_and_the_link(app_db):
    at = _app(lang="fr", by="target_groups", where="SN", kind="municipality")
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    assert at.selectbox(key="cov_country").value == "SN"
    table = at.dataframe(key="coverage_table").value
    migrants = table.loc[table["code"] == "migrants"].iloc[0]
    assert migrants["SN-DK"] == 1 and migrants["SN-KL"] == 1 and migrants["total"] == 2
    assert table["total"].sum() == 2  # only the two Senegalese municipalities, on one row


_LINK = re.compile(r"(?<!\\)\]\((?!\))|(?<!\\)!\[")  # a Markdown link or image left active


def _rendered_markdown(at: AppTest) -> list[str]:
    return [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning",
                                 "info", "success") for e in getattr(at, kind)]


def test_markdown_in_user_text_is_shown_as_text_everywhere(app_db):
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    evil = store.save("actor", {"name": "Tracker [click](https://evil.example/x)", "kind": "ngo", "country": "MA",
                                "city": "![px](http://evil.example/px.png)", "other_names": ["[a](https://evil.example)"],
                                "description": "![x](http://evil.example/px.png) **bold**", "status": "published"},
                      user=User("amina", "curator"), source="test")
    store.save("relation", {"source_actor": evil["id"], "target_actor": "amappe", "kind": "partners_with",
                            "status": "published", "note": "[n](https://evil.example)"},
               user=User("amina", "curator"), source="test")
    store.close()
    for page, params in (("actor", {"actor": evil["id"]}), ("actor", {"actor": "[Report here](https://evil.example)"}),
                         ("map", {"actor": evil["id"]}), ("network", {"actor": evil["id"]}),
                         ("directory", {"q": "tracker"})):
        at = _app(lang="en", **params)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        shown = _rendered_markdown(at)
        assert any("evil" in text for text in shown) or page in ("network", "directory"), page
        assert not [text for text in shown if _LINK.search(text)], page


def _received(at: AppTest) -> str:
    """Everything the session was sent: every element's message, widgets' options included."""
    out: list[str] = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def test_visitors_receive_no_drafts_anywhere(app_db):
    """Drafts of every type, a draft relation cited by a curator's note, a published actor's part in
    a draft event: nothing of them reaches a visitor's session on any page, nor the exports."""
    from mapping import exporters
    from mapping.auth import User
    from mapping.store import EXPORT_COLUMNS

    amina = User("amina", "curator")
    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    draft = store.save("actor", {"name": "DRAFTSECRET Org", "kind": "ngo", "country": "MA", "city": "Oujda",
                                 "lat": 34.68, "lon": -1.91}, user=amina, source="DRAFTSECRET actor source")
    store.save("relation", {"source_actor": "amappe", "target_actor": "commune-oujda", "kind": "partners_with"},
               user=amina, source="DRAFTSECRET curator note on a draft relation")
    store.save("relation", {"source_actor": draft["id"], "target_actor": "amappe", "kind": "funds",
                            "status": "published"}, user=amina, source="DRAFTSECRET relation to a draft")
    project = store.save("project", {"name": "DRAFTSECRET project", "kind": "project"}, user=amina, source="x")
    event = store.save("event", {"name": "DRAFTSECRET event", "kind": "training"}, user=amina, source="x")
    store.set_participant("event", event["id"], "amappe", "participant", user=amina,
                          source="DRAFTSECRET participation note")
    store.set_participant("project", project["id"], "amappe", "partner", user=amina, source="DRAFTSECRET role")
    visitor_frames = [store.actors(columns=EXPORT_COLUMNS), store.sources(), store.projects(), store.events(),
                      store.relations(), store.actor_citations("amappe"), store.actor_citations("commune-oujda")]
    store.close()
    for frame in visitor_frames:
        assert "DRAFTSECRET" not in exporters.to_csv(frame).decode("utf-8-sig")
    visits = [("directory", {}), ("directory", {"q": "draftsecret"}), ("actor", {}), ("actor", {"actor": "amappe"}),
              ("actor", {"actor": "commune-oujda"}), ("actor", {"actor": draft["id"]}), ("map", {}),
              ("map", {"actor": "amappe"}), ("network", {}), ("network", {"actor": "amappe"}), ("about", {}),
              ("tours", {})]
    for page, params in visits:
        at = _app(lang="en", **params)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        received = _received(at)
        assert "DRAFTSECRET" not in received, (page, params)  # (the draft's id may be echoed from the URL)
    # the same pages as a curator do show them (the sweep would notice a rename of the marker)
    at = _curator_app(app_db, "pages/actor.py")  # the organisation-file picker
    assert "DRAFTSECRET" in _received(at)


def test_the_organisation_file_reads_as_a_file_not_a_data_dump(app_db):
    store = Store(str(app_db))
    at = _app(lang="en", actor="bmz")
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    cited = store.actor_citations("bmz")
    sources = cited["source_id"].nunique()
    assert f"**Sources** · {sources}" in markdown and "**Type** · " in markdown
    # Contacts open: the website as a link, the e-mail as mailto:
    assert "](<http://www.bmz.de>)" in markdown or "](<https://www.bmz.de>)" in markdown
    assert "](<mailto:poststelle@bmz.bund.de>)" in markdown
    # Sources at the bottom, collapsed, under their titles, never under their file names.
    assert f"Sources ({sources} documents)" in [e.label for e in at.expander]
    assert all(escape(title) in markdown for title in cited["title"].dropna().unique())
    assert not any(source_id in markdown for source_id in cited["source_id"].unique())
    assert "nan" not in markdown.split()
    # Potential partners, each a link to its file, and the full search one click away.
    assert "Potential partners" in [s.value for s in at.subheader]
    links = at.get("page_link")
    assert any(link.proto.page.endswith("partners") or "of=bmz" in link.proto.query_string for link in links)


def test_areas_of_operation_show_on_the_organisation_file_and_shade_the_map(app_db):
    from mapping.importer import plan_import

    store = Store(str(app_db))
    path = Path(__file__).parent / "data" / "3w" / "synthetic" / "title_rows_above_header.csv"
    counts = store.apply_import(plan_import(path.read_bytes(), path.name, store.actor_index()), user=None,
                                trusted=True, source="3w.csv")
    store.review_import(counts["import_id"], publish=True, user=None, trusted=True)
    oim = \
        store.actor_index().query("acronym == 'OIM'").iloc[0]["id"]
    store.close()
    at = _app(lang="en", actor=oim)
    at.switch_page("pages/actor.py").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Sectors" in df.value.columns)
    assert table[["Country", "Region", "Place"]].values.tolist() == [["Mali", "Kayes", "Kayes"],
                                                                     ["Senegal", "Tambacounda", "Tambacounda"]]
    at = _app(lang="en")
    at.switch_page("pages/map.py").run()
    at.selectbox(key="map_shade").set_value("areas").run()
    assert not at.exception


def test_history_page_undoes_a_participant_change(app_db):
    """A participant added to a project by mistake is taken off again from History (it was disabled)."""
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    project = store.records("project")["id"].iloc[0]
    before = len(store.participants("project", project))
    store.set_participant("project", project, "ms2", "beneficiary", user=User("amina", "curator"), source="note")
    assert len(store.participants("project", project)) == before + 1
    change = int(store.history("project_role").iloc[0]["id"])
    store.close()
    at = _curator_app(app_db, "pages/history.py")
    at.selectbox(key="hist_pick").set_value(change).run()
    assert not at.button(key="hist_undo").disabled
    at.button(key="hist_undo").click().run()
    assert not at.exception and any("Restored" in s.value for s in at.success)
    assert len(Store(str(app_db)).participants("project", project)) == before


def test_a_network_link_reopens_its_zoom_on_the_selected_actor(app_db):
    at = _network(actor="giz", zoom="3")
    series = _chart_spec(at)["series"][0]
    giz = next(n for n in series["data"] if html.unescape(n["name"]) == "GIZ")
    assert series["zoom"] == 3 and series["center"] == [giz["x"], giz["y"]]
    assert at.query_params["zoom"] == "3"  # kept in the address, so a tour step saves it


def test_a_link_reopens_the_networks_own_zoom_and_pan(app_db):
    at = _network(graph_view="702.5,418.0,2.50")
    series = _chart_spec(at)["series"][0]
    assert series["zoom"] == 2.5 and series["center"] == [702.5, 418.0]
    assert at.query_params["graph_view"] == "702.5,418.0,2.50"  # kept, so the next link or step has it
    assert json.loads(_network_component(at).proto.json)["param"] == "graph_view"  # where the picture writes
    at.button(key="net_whole").click().run()  # back to the whole picture
    assert not at.exception
    series = _chart_spec(at)["series"][0]
    assert "center" not in series and "zoom" not in series and "graph_view" not in at.query_params
    assert not [b for b in at.button if b.key == "net_whole"]


def test_the_view_the_picture_writes_survives_a_change_of_colours_and_a_redraw_forgets_it(app_db):
    at = _network(color="community")
    assert at.query_params["color"] == "community"
    # The user zooms (the picture writes the address, no run), then picks colours by kind again: the
    # run that follows keeps both, not the colours the address still held.
    at.query_params["graph_view"] = "640.0,500.0,3.00"
    at.selectbox(key="net_color").set_value("kind").run()
    assert not at.exception
    assert at.selectbox(key="net_color").value == "kind" and "color" not in at.query_params
    series = _chart_spec(at)["series"][0]
    assert series["zoom"] == 3.0 and series["center"] == [640.0, 500.0]
    # Another drawing (the projects left out): the view belonged to the old one, the picture opens whole.
    at.checkbox(key="net_context").uncheck().run()
    assert not at.exception
    assert "center" not in _chart_spec(at)["series"][0] and "graph_view" not in at.query_params


def test_a_tour_step_restores_the_networks_own_view(app_db):
    at, _ = _started_tour(app_db, "Close ups", [
        {"title": "GIZ close up", "page": "network", "params": {"mode": "ego", "ego": "giz", "graph_view": "702.5,418.0,2.50"}},
        {"title": "Whole", "page": "network", "params": {"mode": "ego", "ego": "giz"}},
        {"title": "Whole network, zoomed", "page": "network", "params": {"graph_view": "300.0,200.0,4.00"}},
    ])
    assert not at.exception and at.radio(key="net_mode").value == "ego"
    series = _chart_spec(at)["series"][0]
    assert series["zoom"] == 2.5 and series["center"] == [702.5, 418.0]
    at.button(key="tour_next").click().run()  # the same drawing, no view saved: the whole picture
    assert not at.exception and "center" not in _chart_spec(at)["series"][0]
    at.button(key="tour_next").click().run()  # another drawing, with its own view
    assert not at.exception and at.radio(key="net_mode").value == "whole"
    series = _chart_spec(at)["series"][0]
    assert series["zoom"] == 4.0 and series["center"] == [300.0, 200.0]
    at.button(key="tour_prev").click().run()
    at.button(key="tour_prev").click().run()
    assert _chart_spec(at)["series"][0]["center"] == [702.5, 418.0]


_MARKED = "Al-Amal *2* [x](y) <b>"


def test_user_text_is_verbatim_in_tables_and_escaped_in_markdown(app_db):
    """Escaping is for Markdown only: a table cell shows the name as typed ("Al-Amal", not
    "Al\\-Amal"), while the organisation file's title shows it escaped (no emphasis, link or tag)."""
    from mapping.auth import User

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    saved = store.save("actor", {"name": "Al-Amal", "kind": "ngo", "country": "MA", "city": "Rabat",
                                 "lat": 34.02, "lon": -6.84, "status": "published"},
                       user=User("amina", "curator"), source="test")
    store.save("actor", {"id": saved["id"], "description": "Second *take*"}, user=User("amina", "curator"))
    change = int(store.history("actor", saved["id"]).iloc[0]["id"])
    # The form refuses markup; a database filled by older versions or by hand may still hold some.
    store.cursor().execute("UPDATE actors SET name = ? WHERE id = ?", [_MARKED, saved["id"]])
    store.close()

    at = _app(lang="en").run()
    table = next(df.value for df in at.dataframe if "name" in df.value.columns)
    assert _MARKED in table["name"].tolist() and not table["name"].str.contains("\\", regex=False).any()

    at = _app(lang="en", actor=saved["id"])
    at.switch_page("pages/actor.py").run()
    assert at.title[0].value == escape(_MARKED) and "\\*2\\*" in at.title[0].value and "&lt;b&gt;" in at.title[0].value

    at = _curator_app(app_db, "pages/history.py")
    at.selectbox(key="hist_pick").set_value(change).run()
    diff = at.dataframe[-1].value  # the change's before/after table, under the log
    assert diff.iloc[:, 1:].values.ravel().tolist() == ["None", "Second *take*"]


def test_accounts_page_refusals_speak_the_sessions_language(app_db):
    from mapping.auth import User

    at = _app(lang="fr")
    store = Store(str(app_db))
    store.add_user("admin", "curator passphrase", "admin", "Admin", trusted=True)
    store.close()
    at.session_state["user"] = User("admin", "admin", "Admin")
    at.switch_page("pages/accounts.py").run()
    for name, password, expected in (("moussa", "court", "Utilisez au moins 10 caractères"),
                                     ("x", "another passphrase", "Un nom d'utilisateur compte de 2 à 64"),
                                     ("admin", "another passphrase", "Le compte admin existe déjà"),
                                     ("moussa", "password1234", "trop facile à deviner. Essayez")):
        at.text_input(key="acc_name").input(name)
        at.text_input(key="acc_password").input(password)
        next(b for b in at.button if b.label == "Créer le compte").click().run()
        shown = " ".join(e.value for e in at.error).replace("\\", "")
        assert expected in shown and "password:" not in shown and "already" not in shown, shown


def test_a_read_only_database_says_edits_are_off_on_every_page_and_offers_no_writes(app_db, monkeypatch):
    """The database file cannot be written (os.access's answer for a non-owner, given here: the
    tests run as root; tests/test_main.py runs the command line as an unprivileged user)."""
    from mapping.auth import User
    from mapping.store import base

    store = Store(str(app_db))
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    store.save("actor", {"name": "Brouillon interne", "kind": "ngo", "country": "MA", "city": "Rabat",
                         "lat": 34.0, "lon": -6.8}, user=User("amina", "curator"), source="note")  # a draft
    before = store.checksum()
    store.close()
    monkeypatch.setattr(base, "write_problem", lambda path: f"the database file {path} is read-only")
    from pages import _account

    def no_cookie():  # its key file is created beside the database: found unwritable by a real run
        raise AssertionError("the sign-in cookie was read while edits are off")

    monkeypatch.setattr(_account, "_from_cookie", no_cookie)
    for lang, banner in (("en", "Edits are off"), ("fr", "Modifications désactivées")):
        for page in ("pages/directory.py", "pages/map.py", "pages/network.py", "pages/about.py", "pages/actor.py"):
            at = _app(lang=lang, actor="giz")
            at.session_state["user"] = User("amina", "curator", "Amina")  # signed in before the file turned read-only
            at.switch_page(page).run()
            assert not at.exception and not at.error, (page, [e.value for e in at.error])
            assert any(w.value.startswith(banner) for w in at.warning), (lang, page)
            assert not any(b.label in ("Sign in", "Se connecter") for b in at.button)
            assert "Edit this file" not in [link.proto.label for link in at.get("page_link")]
            assert not any(b.label in ("Sign out", "Se déconnecter") for b in at.button)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/edit.py")  # the curation pages are not listed at all
    at = _app(lang="en").run()
    table = next(df.value for df in at.dataframe if "name" in df.value.columns)
    assert len(table) > 30 and "Brouillon interne" not in table["name"].tolist()  # visitors' data, no drafts
    assert "Sign-in is off while the database is read-only." in [c.value for c in at.caption]
    monkeypatch.undo()
    assert Store(str(app_db)).checksum() == before
