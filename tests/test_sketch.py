import re
from xml.etree import ElementTree

import pandas as pd

from mapping import geo, sketch


def _actors(n: int) -> pd.DataFrame:
    (south, west), (north, east) = geo.bounds()
    return pd.DataFrame({"lat": [south + (north - south) * (i + 0.5) / n for i in range(n)],
                         "lon": [west + (east - west) * (i + 0.5) / n for i in range(n)],
                         "kind": ["ngo"] * n})


def test_sketch_draws_every_region_and_a_dot_per_located_actor():
    svg = sketch.map_svg(_actors(30), {"ngo": "#123456"}, label='<b>"Map"</b>')
    assert svg.count("M") >= len(geo.regions())  # one closed outline at least per region
    assert svg.count("<circle") == 30 and svg.count('fill="#123456"') == 30
    assert "<b>" not in svg and "&lt;b&gt;" in svg  # the label is text


def test_sketch_stays_light_whatever_the_number_of_actors():
    small, large = sketch.map_svg(_actors(10)), sketch.map_svg(_actors(50_000))
    assert large.count("<circle") == sketch.MAX_DOTS
    assert len(large) < 120_000 and len(small) < 40_000


# -- the organisation file's printed map -----------------------------------------------------------
def _printed(store, actor_id: str) -> tuple[dict, str]:
    actor = store.actor(actor_id)
    view = sketch.actor_view(actor, store.actor_areas(actor_id), store.map_links(actor_id=actor_id))
    return view, sketch.actor_svg(view, actor, {"municipality": "#123456"}, "en")


def _bounds(svg: str) -> list[float]:
    return [float(v) for v in re.search(r'data-bounds="([^"]+)"', svg).group(1).split(",")]


def test_the_printed_map_of_oujda_shows_its_seat_and_area_at_a_region_scale(store):
    view, svg = _printed(store, "commune-oujda")
    south, west, north, east = _bounds(svg)
    assert south < 34.68 < north and west < -1.91 < east  # the seat in view
    assert north - south < 6 and east - west < 8  # the Oriental's scale; Bonn (50.7 N) pulls nothing
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]  # well-formed
    assert "Oujda" in texts and "Oriental" in texts and "Germany: GIZ" in texts
    assert svg.count('marker-end="url(#atlas-arrow)"') == 1  # one arrow, towards Germany
    assert 'fill="#123456"' in svg  # the seat in its kind's colour
    assert any(t.endswith(" km") for t in texts)  # a scale bar


def test_the_printed_map_of_an_organisation_abroad_shows_its_partners_at_home(store):
    """GIZ sits in Bonn; its map shows its Moroccan partners, with an arrow to its seat."""
    view, svg = _printed(store, "giz")
    south, west, north, east = _bounds(svg)
    (m_south, m_west), (m_north, m_east) = geo.bounds("MA")
    assert m_south - 1 <= south and north <= m_north + 1 and m_west - 3 <= west and east <= m_east + 3
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert view["seat_abroad"] == "DE" and "Germany: GIZ's seat, BMZ" in texts


def test_every_seed_file_prints_a_well_formed_map_with_escaped_text(store):
    for actor_id in store.actors()["id"]:
        ElementTree.fromstring(_printed(store, actor_id)[1])
    view = sketch.actor_view({"id": "x", "lat": 14.69, "lon": -17.44, "country": "SN"})
    svg = sketch.actor_svg(view, {"name": "<script>x</script> [a](https://x.example)", "city": "Dakar & co"})
    assert "<script>" not in svg and "](" not in svg  # neither HTML nor a Markdown link (the page shows it as Markdown)
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "Dakar & co" in texts


def test_the_land_around_a_wide_map_reaches_its_edges_without_a_drawn_cut():
    """A presenter's 1920x1080 map shows land far beyond the four countries (the detailed
    neighbours stop 5 degrees out, the coarse land carries on to FAR), and no line is drawn along
    the neighbours' straight clipping edge: the land is filled without a stroke, borders and
    coasts are drawn as lines of their own."""
    from shapely.geometry import Point, box, shape

    (south, west), (north, east) = bounds = [list(c) for c in geo.bounds()]
    near = sketch.neighbours(bounds)["features"]
    far = shape(sketch.far_land(bounds)["features"][0]["geometry"])
    land = [shape(f["geometry"]) for f in near if not f["properties"].get("line")]
    for lon, lat in [(17, 27), (31, 30), (12, 42), (-4, 42)]:  # Libya, Egypt, Italy, Spain's north
        assert far.contains(Point(lon, lat)) and not any(p.contains(Point(lon, lat)) for p in land), (lon, lat)
    for lon, lat in [(-30, 30), (18, 35), (-20, 0)]:  # the Atlantic, the Ionian Sea, the Gulf of Guinea
        assert not far.contains(Point(lon, lat)) and not any(p.contains(Point(lon, lat)) for p in land)
    edge = box(west - 5, south - 5, east + 5, north + 5).exterior
    for f in near:
        if f["properties"].get("line"):
            line = shape(f["geometry"])
            assert line.intersection(edge.buffer(1e-6)).length < 0.05, f["properties"]  # crosses it, never runs along
