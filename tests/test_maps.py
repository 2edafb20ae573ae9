"""Unit tests of mapping.maps: builders rendered to HTML and asserted on."""
from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from mapping import foliumx, geo, maps, sketch
from mapping.model import ACTOR_KINDS, label
from mapping.synthetic import synthetic_actors

EVIL = "<img src=x onerror=alert(1)>"
URL = re.compile(r"""https?://[^\s"'<>)\\]+""")
COLUMNS = ("id", "name", "kind", "country", "region_code", "city", "lat", "lon", "themes")


@pytest.fixture
def actors(store):
    return store.actors(columns=COLUMNS)


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def _payloads(page: str) -> list[dict]:
    """The actor payloads embedded in the page, decoded."""
    return [options["data"] for _, options in foliumx.calls(page, "AtlasMap.actorLayer")]


def test_no_external_url_anywhere_in_the_page(store, actors):
    page = _html(maps.explore(actors, region_counts=store.region_counts(),
                              links=store.map_links(project_id="recosa")))
    assert URL.findall(page) == []
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page):
        assert src.startswith(maps.STATIC_URL), src
    assert "supercluster.min.js" in page and "jquery.min.js" in page


def test_every_referenced_asset_is_shipped(store, actors):
    from pathlib import Path

    static = Path(__file__).resolve().parent.parent / "static"
    page = _html(maps.explore(actors, view_param="view", selected=actors["id"].iloc[0], snapshot="x",
                              region_counts=store.region_counts()))
    refs = re.findall(r'(?:src|href)="' + re.escape(maps.STATIC_URL) + r'/([^"]+)"', page)
    # Every file of the atlas's own map code is loaded by the map that uses all its parts (the
    # others are Streamlit components' code: sharing, the sign-in cookie, the network's graph).
    components = {"atlas/share.js", "atlas/session.js", "atlas/network.js"}
    assert {f"atlas/{p.name}" for p in (static / "atlas").glob("*.js")} - components <= set(refs)
    for ref in refs:
        assert (static / ref).is_file(), ref


def test_online_tiles_are_opt_in_and_the_only_external_url(actors):
    page = _html(maps.explore(actors, tiles=True))
    hosts = {u.split("/")[2] for u in URL.findall(page)}
    assert hosts <= {"tile.openstreetmap.org", "www.openstreetmap.org"}
    assert "OpenStreetMap (online only)" in page


def test_offline_refuses_an_unknown_asset():
    class Plugin(folium.elements.JSCSSMixin, folium.map.Layer):
        default_js = [("somecdnlib", "https://cdn.example.org/lib.js")]

    m = folium.Map(tiles=None)
    Plugin(name="x").add_to(m)
    with pytest.raises(ValueError, match="somecdnlib"):
        maps.offline(m)


def test_layers_and_legend(store, actors):
    page = _html(maps.explore(actors, region_counts=store.region_counts(), metric="Number of actors",
                              links=store.map_links(project_id="recosa")))
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", page, re.S).group(1)
    overlays = [json.loads(name) for name in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block)]
    assert overlays == ["Regions — Number of actors", "Partnerships", "Actors", "International partners"]
    assert "Type of actor" in page
    for kind in set(actors["kind"]):
        assert json.dumps(label(ACTOR_KINDS, kind, "en"))[1:-1] in page, kind


def test_payload_holds_every_located_actor_once(actors):
    page = _html(maps.explore(actors))
    payloads = _payloads(page)
    ids = [row[3] for p in payloads for row in p["rows"]]
    located = actors.dropna(subset=["lat", "lon"])
    assert sorted(ids) == sorted(located["id"])
    # International partners form their own (second) layer.
    abroad = {row[3] for row in payloads[1]["rows"]}
    assert "bmz" in abroad and "commune-oujda" not in abroad


def test_payload_is_compact_and_rounded():
    df = synthetic_actors(200, seed=3)
    p = maps.actor_payload(df)
    assert len(p["rows"]) == 200
    assert all(len(str(r[0]).split(".")[-1]) <= maps.COORD_DECIMALS for r in p["rows"])
    assert {len(r) for r in p["rows"]} == {7}


def test_user_text_is_escaped_everywhere():
    df = pd.DataFrame({"id": ["evil"], "name": [EVIL], "kind": ["ngo"], "country": ["MA"],
                       "region_code": ["MA-02"], "city": [EVIL], "lat": [34.68], "lon": [-1.9],
                       "themes": [["health"]]})
    links = pd.DataFrame({"source_name": [EVIL], "target_name": ["B"], "kind": ["funds"],
                          "source_lat": [34.68], "source_lon": [-1.9], "target_lat": [33.0], "target_lon": [-7.0],
                          "source_actor": ["evil"], "target_actor": ["b"]})
    page = _html(maps.explore(df, links=links, region_counts=pd.DataFrame({"region_code": ["MA-02"], "n": [1]}),
                              metric=EVIL))
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # And the JSON cannot close its script element.
    assert "</script><img" not in page


def test_script_closing_text_cannot_break_out():
    df = pd.DataFrame({"id": ["x"], "name": ["</script><script>alert(1)</script>"], "kind": ["ngo"],
                       "country": ["SN"], "city": ["Dakar"], "lat": [14.7], "lon": [-17.4], "themes": [[]]})
    page = _html(maps.explore_actors(df))
    assert "<script>alert(1)" not in page


def _geojson(page: str) -> list[dict]:
    """Every GeoJSON layer's data embedded in the page, decoded."""
    return [json.loads(d) for d in re.findall(r"geo_json_\w+_add\((\{.*?\})\);", page, re.S)]


def _figures(page: str) -> tuple[dict, list]:
    """The choropleth's per-region figures and tooltip aliases embedded in the page."""
    [(_, options)] = foliumx.calls(page, "AtlasMap.regionLayer")
    return options["figures"], options["aliases"]


def test_choropleth_colours_and_tooltip(store):
    counts = store.region_counts()
    page = _html(maps.explore_regions(counts, metric="Actors"))
    figures, aliases = _figures(page)
    props = {code: dict(zip(["label", "country_label", "n", "fill"], row)) for code, row in figures.items()}
    assert len(props) == len(geo.regions())
    busiest = counts.sort_values("n").iloc[-1]
    assert props[busiest["region_code"]]["n"] == busiest["n"]
    assert props[busiest["region_code"]]["fill"] == maps.CHOROPLETH[-1]
    empty = [c for c, p in props.items() if c not in set(counts["region_code"])]
    assert empty and all(props[c]["n"] == 0 and props[c]["fill"] is None for c in empty)
    assert props["MA-02"]["label"] == "Oriental" and props["MA-02"]["country_label"] == "Morocco"
    assert aliases == ["Region", "Country", "Actors"]


def test_outline_geometry_is_sent_once_and_shared_by_the_choropleth(store, actors):
    page = _html(maps.explore(actors, region_counts=store.region_counts()))
    assert page.count(geo.outline_geojson("regions")) == 1
    assert page.count(geo.outline_geojson("countries")) == 1
    outlines = re.search(r"var (outlines_\w+) = AtlasMap\.outlines\(", page).group(1)
    [(passed, _)] = foliumx.calls(page, "AtlasMap.regionLayer")
    assert passed[1:] == [outlines]  # the map, then the outlines whose geometry it fills
    # The outlines come first: the choropleth's script reads their variable.
    assert page.index(f"var {outlines} =") < page.index("AtlasMap.regionLayer(")


def test_class_breaks_and_colours():
    breaks = maps.class_breaks(range(0, 50))
    assert breaks == sorted(breaks) and len(breaks) == len(maps.CHOROPLETH)
    colours = [maps.colour_for(v, breaks) for v in range(1, 50)]
    assert colours[0] == maps.CHOROPLETH[0] and colours[-1] == maps.CHOROPLETH[-1]
    assert colours == sorted(colours, key=maps.CHOROPLETH.index)  # monotone
    assert maps.colour_for(0, breaks) is None


def test_links_are_deduplicated_and_skip_same_place(store):
    links = store.map_links(actor_id="giz")
    doubled = pd.concat([links, links])
    [lines] = [g for g in _geojson(_html(maps.explore_links(doubled)))
               if g["features"][0]["geometry"]["type"] == "LineString"]
    drawn = len(lines["features"])
    distinct = links.dropna(subset=["source_lat", "target_lat"]).drop_duplicates(["source_name", "target_name", "kind"])
    moving = distinct[(distinct["source_lat"] != distinct["target_lat"]) | (distinct["source_lon"] != distinct["target_lon"])]
    assert drawn == len(moving) > 0


def test_clicked_reads_actor_and_region_and_unescapes():
    assert maps.clicked({"last_active_drawing": {"properties": {"id": "a&amp;b"}}}) == ("actor", "a&b")
    assert maps.clicked({"last_active_drawing": {"properties": {"region_code": "SN-01"}}}) == ("region", "SN-01")
    assert maps.clicked({"last_active_drawing": {"properties": {}}}) is None


def test_fit_bounds_pads_and_handles_empty():
    assert maps.fit_bounds(pd.DataFrame({"lat": [None], "lon": [None]})) is None
    (s, w), (n, e) = maps.fit_bounds(pd.DataFrame({"lat": [10.0, 12.0], "lon": [-5.0, -4.0]}))
    assert s < 10 < 12 < n and w < -5 < -4 < e


def test_fifty_thousand_actors_fit_the_payload_budget():
    df = synthetic_actors(50_000, seed=1)
    page = _html(maps.explore(df))
    assert len(page.encode()) < 4 * 1024 * 1024
    assert sum(len(p["rows"]) for p in _payloads(page)) == 50_000


def test_builders_do_not_import_streamlit():
    import ast
    from pathlib import Path

    tree = ast.parse((Path(maps.__file__)).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any("streamlit" in x for x in names | modules)


def test_the_standalone_export_carries_everything_it_needs(store, actors):
    m = maps.explore(actors, region_counts=store.region_counts(), snapshot="41 actors · 5 source documents",
                     selected=actors["id"].iloc[0])  # the ring needs the atlas's own map.js
    page = maps.standalone(m, caption="41 actors · 5 source documents", title="Map <of> actors")
    assert "/app/static" not in page and not re.findall(r'<(?:script|link)[^>]+(?:src|href)=', page)
    # Addresses remain only inside the inlined libraries' code (comments, Leaflet's credit link);
    # no element or style points the browser at one.
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    assert not re.findall(r'(?:src|href)=["\']?https?:', markup)
    assert not re.findall(r'url\(["\']?https?:', page)
    for asset in maps.STANDALONE_ASSETS:
        assert f"/* {asset} */" in page
    assert "Supercluster" in page and "data:image/png;base64," in page  # layer icons inlined
    assert "41 actors · 5 source documents" in page and "<title>Map &lt;of&gt; actors</title>" in page
    assert len(page) < 2_500_000


def test_the_png_button_and_the_view_keeper_are_opt_in(actors):
    plain = _html(maps.explore(actors))
    assert not foliumx.calls(plain, "AtlasMap.snapshot") and not foliumx.calls(plain, "AtlasMap.keepView")
    assert "html2canvas" not in plain
    page = _html(maps.explore(actors, snapshot="Sources: <5>", view_param="view"))
    assert "/app/static/vendor/html2canvas/html2canvas.min.js" in page
    # The caption travels as a JSON string (drawn on the image with fillText, never parsed as HTML).
    [(_, snapshot)] = foliumx.calls(page, "AtlasMap.snapshot")
    assert snapshot["caption"] == "Sources: <5>" and "/app/static/atlas/controls.js" in page
    [(_, keeper)] = foliumx.calls(page, "AtlasMap.keepView")
    assert keeper["param"] == "view" and "/app/static/atlas/map.js" in page


def _fitted(page: str) -> list[list[float]]:
    """The ``[[south, west], [north, east]]`` a rendered map opens on."""
    return json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S).group(1))


def test_the_organisation_map_fits_its_home_and_names_partners_abroad(store):
    """The small map of a file opens on its seat, its areas and its partners in the same country;
    a partner abroad stays out of the view (it would turn a town's map into a continent) and is
    named under the map with its country: Oujda's map shows the Oriental, not Bonn."""
    checked = 0
    for actor_id in store.actors()["id"]:
        actor, links = store.actor(actor_id), store.map_links(actor_id=actor_id)
        [(south, west), (north, east)] = _fitted(_html(maps.actor_map(actor, store.actor_areas(actor_id), links)))
        view = sketch.actor_view(actor, store.actor_areas(actor_id), links)
        inside = [(p["lat"], p["lon"]) for p in view["near"]]
        if view["seat"] and not view["seat_abroad"]:
            inside.append(view["seat"])
        for lat, lon in inside:
            assert south <= lat <= north and west <= lon <= east, (actor_id, lat, lon)
        told = sketch.beyond(view, actor)
        for p in view["far"]:
            assert p["name"] in told, (actor_id, p["name"], told)
        checked += bool(view["far"])
    assert checked >= 3  # files with partners abroad were among them
    oujda = store.actor("commune-oujda")
    links = store.map_links(actor_id="commune-oujda")
    [(south, west), (north, east)] = _fitted(_html(maps.actor_map(oujda, store.actor_areas("commune-oujda"), links)))
    assert south < 34.68 < north and west < -1.91 < east  # its seat
    oriental = geo.regions().set_index("region_code").loc["MA-02", "geometry"].bounds  # its area, whole
    assert west <= oriental[0] and south <= oriental[1] and east >= oriental[2] and north >= oriental[3]
    assert north - south < 6 and east - west < 6  # a region's scale, not a continent's (Bonn is at 50.7 N)
    assert sketch.beyond(sketch.actor_view(oujda, None, links), oujda) == "Beyond the map: GIZ (Germany)."


def test_a_map_opens_on_its_bounds_without_a_zoom_animation():
    """The first view is set, not animated: an animated fit from the world view drew the map's
    first second as a canvas scaled five times (blurred) with "zoom out" greyed."""
    page = _html(maps.base_map([[14.0, -17.0], [15.0, -16.0]]))
    options = json.loads(re.search(r"fitBounds\(\s*\[\[.*?\]\],\s*(\{.*?\})\s*\)", page, re.S).group(1))
    assert options == {"animate": False}
    centred = _html(maps.base_map(centre="14.0,-17.0,6"))  # a shared view opens where it was shared
    assert "fitBounds" not in centred
