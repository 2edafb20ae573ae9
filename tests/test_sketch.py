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
