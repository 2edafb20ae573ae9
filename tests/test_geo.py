"""Shipped geometry (data/geo) and the pure helpers of mapping/geo.py."""
from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

from mapping import geo
from mapping.model import FOCUS_COUNTRIES

GEO_FILES = (geo.REGIONS_FILE, geo.COUNTRIES_FILE, geo.GAZETTEER_FILE)
PLACES = ["Rabat", "Salé", "Casablanca", "Fès", "Marrakech", "Nador", "Oujda", "Tanger", "Tiznit",
          "Béni Mellal", "Agadir", "Dakar", "Kaolack", "Abidjan", "Yamoussoukro", "Bamako", "Bonn",
          "Eschborn", "Berlin", "Madrid", "Paris", "Brussels", "Geneva", "Istanbul"]


@pytest.mark.parametrize("path", GEO_FILES, ids=lambda p: p.name)
def test_files_exist_and_are_small(path):
    assert path.exists()
    assert 0 < path.stat().st_size < 2_000_000


def test_geo_files_small_in_total():
    assert sum(p.stat().st_size for p in GEO_FILES) < 1_500_000


def test_geojson_coordinates_rounded():
    text = geo.REGIONS_FILE.read_text(encoding="utf-8")
    coords = json.loads(text)["features"][0]["geometry"]["coordinates"]
    first = coords[0][0] if isinstance(coords[0][0][0], float) else coords[0][0][0]
    assert all(round(v, 4) == v for v in first)


def test_morocco_has_the_twelve_regions_of_2015():
    r = geo.regions()
    ma = r[r["country"] == "MA"]
    assert len(ma) == 12
    assert sorted(ma["region_code"]) == [f"MA-{i:02d}" for i in range(1, 13)]
    names = set(ma["name"])
    assert {"Souss-Massa", "Béni Mellal-Khénifra", "Rabat-Salé-Kénitra"} <= names
    assert any(n in names for n in ("Oriental", "L'Oriental"))
    assert ma["name_ar"].str.len().gt(0).all()


@pytest.mark.parametrize("country", ["CI", "ML", "SN"])
def test_west_african_countries_have_regions(country):
    r = geo.regions()
    sub = r[r["country"] == country]
    assert len(sub) >= 8
    assert sub["region_code"].str.startswith(f"{country}-").all()
    assert sub["region_code"].is_unique


def test_region_schema_and_crs():
    r = geo.regions()
    assert list(r.columns) == ["country", "region_code", "name", "name_en", "name_ar", "geometry"]
    assert r.crs.to_epsg() == 4326
    assert set(r["country"]) == set(FOCUS_COUNTRIES)
    assert r["region_code"].is_unique
    assert r["name"].str.len().gt(0).all() and r["name_en"].str.len().gt(0).all()
    assert {"Dakar", "Kaolack", "Bamako"} <= set(r["name"])


def test_all_geometries_valid():
    for frame in (geo.regions(), geo.countries()):
        assert frame.geometry.is_valid.all()
        assert not frame.geometry.is_empty.any()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}


def test_regions_do_not_overlap():
    r = geo.regions()
    pairs = gpd.sjoin(r, r, predicate="overlaps")
    assert pairs.empty, pairs[["region_code_left", "region_code_right"]]


def test_countries_are_the_union_of_their_regions():
    r = geo.regions()
    c = geo.countries().set_index("country")
    assert sorted(c.index) == sorted(FOCUS_COUNTRIES)
    for cc, group in r.groupby("country"):
        union = group.geometry.union_all()
        assert union.symmetric_difference(c.loc[cc, "geometry"]).area < 1e-6


def test_gazetteer_has_exactly_the_places():
    g = geo.gazetteer()
    assert list(g.columns) == ["place", "alt_names", "country", "region_code", "region", "lat", "lon",
                               "geonameid", "source"]
    assert g["place"].tolist() == PLACES
    assert g["lat"].between(-90, 90).all() and g["lon"].between(-180, 180).all()
    assert g["source"].str.len().gt(0).all()
    assert (g["lat"].round(4) == g["lat"]).all()


def test_gazetteer_places_fall_in_their_country_and_region():
    g = geo.gazetteer()
    inside = g[g["country"].isin(FOCUS_COUNTRIES)]
    assert len(inside) == 16
    points = gpd.GeoDataFrame(inside, geometry=gpd.points_from_xy(inside["lon"], inside["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, geo.regions()[["country", "region_code", "name", "geometry"]], how="left",
                       predicate="within", lsuffix="place", rsuffix="poly")
    assert len(joined) == len(points)
    assert (joined["country_place"] == joined["country_poly"]).all()
    assert (joined["region_code_place"] == joined["region_code_poly"]).all()
    assert (joined["region"] == joined["name"]).all()
    in_country = gpd.sjoin(points, geo.countries()[["country", "geometry"]], predicate="within",
                           lsuffix="place", rsuffix="poly")
    assert len(in_country) == len(points)
    assert (in_country["country_place"] == in_country["country_poly"]).all()


def test_places_outside_focus_countries_have_no_region_code():
    g = geo.gazetteer()
    outside = g[~g["country"].isin(FOCUS_COUNTRIES)]
    assert (outside["region_code"] == "").all()
    assert geo.assign_regions(outside)["country_found"].isna().all()


def test_find_place_accents_case_and_alt_names():
    assert geo.find_place("fes")["place"] == "Fès"
    assert geo.find_place("Fez", "MA")["place"] == "Fès"
    assert geo.find_place("TANGIER")["place"] == "Tanger"
    assert geo.find_place("beni-mellal")["place"] == "Béni Mellal"
    assert geo.find_place("Bruxelles")["place"] == "Brussels"
    assert geo.find_place("nowhere") is None
    assert geo.find_place("") is None
    assert geo.find_place(None) is None
    assert geo.find_place("Rabat", "SN") is None


def test_find_place_record():
    rabat = geo.find_place("Rabat", "MA")
    assert set(rabat) == {"place", "country", "region_code", "region", "lat", "lon"}
    assert rabat["region_code"] == "MA-04" and rabat["region"] == "Rabat-Salé-Kénitra"
    assert isinstance(rabat["lat"], float)
    eschborn = geo.find_place("Eschborn", "DE")
    assert eschborn["region_code"] is None
    assert eschborn["lat"] == pytest.approx(50.14, abs=0.02)


def test_locate():
    assert geo.locate(34.68, -1.91) == {"country": "MA", "region_code": "MA-02", "region": "Oriental"}
    assert geo.locate(0, 0) is None
    assert geo.locate(float("nan"), 0) is None
    assert geo.locate(14.69, -17.44)["region_code"] == "SN-DK"


def test_assign_regions_keeps_index_and_order():
    df = pd.DataFrame({"y": [30.42, None, 5.35, 52.52], "x": [-9.60, 1.0, -4.0, 13.41]}, index=[10, 7, 7, 3])
    out = geo.assign_regions(df, lat="y", lon="x")
    assert list(out.index) == [10, 7, 7, 3]
    assert out["country_found"].tolist() == ["MA", None, "CI", None]
    assert out["region_code_found"].tolist() == ["MA-09", None, "CI-01", None]
    assert "country_found" not in df.columns


def test_region_name():
    assert geo.region_name("MA-02") == "Oriental"
    assert geo.region_name("MA-09", "en") == "Souss-Massa"
    assert geo.region_name("MA-02", "ar")
    assert geo.region_name("nope") is None


def test_bounds():
    (south, west), (north, east) = geo.bounds()
    assert south < 5 < north and west < -17 < east and north > 35
    (s, w), (n, e) = geo.bounds(["MA"])
    assert s > 20 and n < 36.5 and w > -18 and e < 0
    assert geo.bounds("ML") == geo.bounds(["ML"])
    with pytest.raises(ValueError):
        geo.bounds(["XX"])


def test_loads_are_cached_and_returned_as_copies():
    a = geo.regions()
    a.loc[:, "name"] = "changed"
    assert geo.regions()["name"].ne("changed").all()
    assert geo._regions() is geo._regions()
