"""Shipped geography: admin-1 regions, country outlines, gazetteer, point-in-region.

Reads the files in ``data/geo/`` (built by ``scripts/build_geometry.py``, described in
``data/README.md``). Pure functions: no Streamlit, no SQL. File loads are cached; the public
functions return copies, so callers may modify what they get.

Examples
--------
>>> find_place("Fez")["place"]
'Fès'
>>> locate(33.59, -7.61)["region_code"]
'MA-06'
>>> region_name("SN-DK")
'Dakar'
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
REGIONS_FILE = GEO_DIR / "regions.geojson"
COUNTRIES_FILE = GEO_DIR / "countries.geojson"
GAZETTEER_FILE = GEO_DIR / "gazetteer.csv"

CRS = "EPSG:4326"

__all__ = ["regions", "countries", "outline_geojson", "gazetteer", "find_place", "locate",
           "assign_regions", "region_name", "bounds", "normalize"]


# --------------------------------------------------------------------------- loading

def _read_geojson(path: Path) -> gpd.GeoDataFrame:
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs=CRS)
    columns = [c for c in frame.columns if c != "geometry"] + ["geometry"]
    return frame[columns]


@lru_cache(maxsize=1)
def _regions() -> gpd.GeoDataFrame:
    return _read_geojson(REGIONS_FILE)


@lru_cache(maxsize=1)
def _countries() -> gpd.GeoDataFrame:
    return _read_geojson(COUNTRIES_FILE)


@lru_cache(maxsize=1)
def _gazetteer() -> pd.DataFrame:
    frame = pd.read_csv(GAZETTEER_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    return frame


@lru_cache(maxsize=1)
def _place_index() -> dict[tuple[str, str], int]:
    """(normalised spelling, country) -> row position in the gazetteer."""
    index: dict[tuple[str, str], int] = {}
    for pos, (place, alt, country) in enumerate(zip(*(_gazetteer()[c] for c in ("place", "alt_names", "country")))):
        for spelling in [place, *alt.split("|")]:
            key = normalize(spelling)
            if key:
                index.setdefault((key, country), pos)
    return index


def regions() -> gpd.GeoDataFrame:
    """Admin-1 regions of Morocco, Côte d'Ivoire, Mali and Senegal.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``country`` (ISO alpha-2), ``region_code`` (ISO 3166-2), ``name`` (French),
        ``name_en``, ``name_ar``, ``geometry``; CRS EPSG:4326; sorted by country, code.

    Examples
    --------
    >>> r = regions()
    >>> int((r["country"] == "MA").sum())
    12
    >>> r.crs.to_epsg()
    4326
    """
    return _regions().copy()


def countries() -> gpd.GeoDataFrame:
    """Outlines of the four focus countries (the union of their regions).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``country``, ``name`` (French), ``name_en``, ``geometry``; CRS EPSG:4326.

    Examples
    --------
    >>> countries()["country"].tolist()
    ['MA', 'CI', 'ML', 'SN']
    """
    return _countries().copy()


@lru_cache(maxsize=2)
def outline_geojson(level: str) -> str:
    """GeoJSON text of the shipped outlines, each feature carrying only its code.

    Serialised once per process: every map render sends these outlines, and encoding them again
    each time cost more than drawing 2,000 actors.

    Parameters
    ----------
    level : {"countries", "regions"}
        Features keyed by ``country`` or by ``region_code``.

    Examples
    --------
    >>> fc = json.loads(outline_geojson("regions"))
    >>> len(fc["features"]), sorted(fc["features"][0]["properties"])
    (54, ['region_code'])
    """
    frame, key = {"countries": (_countries, "country"), "regions": (_regions, "region_code")}[level]
    return frame()[[key, "geometry"]].to_json(separators=(",", ":"))


def gazetteer() -> pd.DataFrame:
    """The places the atlas refers to.

    Returns
    -------
    pandas.DataFrame
        Columns ``place, alt_names, country, region_code, region, lat, lon, geonameid,
        source``; ``lat``/``lon`` are floats, the other columns strings (empty when unknown).

    Examples
    --------
    >>> g = gazetteer()
    >>> g.loc[g["place"] == "Oujda", "region_code"].item()
    'MA-02'
    """
    return _gazetteer().copy()


# --------------------------------------------------------------------------- look-ups

def normalize(text: object) -> str:
    """Fold a spelling for matching: no accents, case-folded, punctuation as single spaces.

    Examples
    --------
    >>> normalize("  Béni-Mellal ")
    'beni mellal'
    >>> normalize("İstanbul")
    'istanbul'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _fold(str(text))


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    # Cached: an import folds the same few hundred place and organisation names tens of thousands of times.
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def _none(value: str) -> str | None:
    return value if value else None


def find_place(city: str | None, country: str | None = None) -> dict | None:
    """Look a place up in the gazetteer by its name or one of its other spellings.

    Matching ignores accents, case, hyphens and apostrophes.

    Parameters
    ----------
    city : str
        Place name, e.g. ``"Fès"``, ``"fez"``, ``"TANGIER"``.
    country : str, optional
        ISO alpha-2 code restricting the search.

    Returns
    -------
    dict or None
        ``place`` (the gazetteer's spelling), ``country``, ``region_code``, ``region``
        (``None`` when not known), ``lat``, ``lon``; ``None`` if nothing matches.

    Examples
    --------
    >>> find_place("tanger", "MA")["region_code"]
    'MA-01'
    >>> find_place("Genève")["country"]
    'CH'
    >>> find_place("Dakar", "MA") is None
    True
    """
    key = normalize(city)
    if not key:
        return None
    index = _place_index()
    frame = _gazetteer()
    if country:
        pos = index.get((key, country.upper()))
    else:
        pos = next((p for (k, _), p in index.items() if k == key), None)
    if pos is None:
        return None
    row = frame.iloc[pos]
    return {"place": row["place"], "country": row["country"], "region_code": _none(row["region_code"]),
            "region": _none(row["region"]), "lat": float(row["lat"]), "lon": float(row["lon"])}


def locate(lat: float, lon: float) -> dict | None:
    """The focus country and admin-1 region containing a point.

    Parameters
    ----------
    lat, lon : float
        WGS 84 latitude and longitude in degrees.

    Returns
    -------
    dict or None
        ``country``, ``region_code``, ``region``; ``None`` outside the four countries.

    Examples
    --------
    >>> locate(12.64, -8.0)["region"]
    'Bamako'
    >>> locate(48.85, 2.35) is None
    True
    """
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    found = _locate(round(float(lat), 6), round(float(lon), 6))
    return dict(found) if found else None


@lru_cache(maxsize=65536)
def _locate(lat: float, lon: float) -> tuple | None:
    # Imports check one point per row, mostly the same few city centres: cached by position.
    frame = _regions()
    hits = frame.sindex.query(Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    country, code, name = _region_table()[int(min(hits))]
    return (("country", country), ("region_code", code), ("region", name))


@lru_cache(maxsize=1)
def _region_table() -> list[tuple[str, str, str]]:
    frame = _regions()
    return list(zip(frame["country"], frame["region_code"], frame["name"]))


@lru_cache(maxsize=1)
def _region_names() -> dict[tuple[str, str], str]:
    frame = _regions()
    return {(code, column): name for column in ("name", "name_en", "name_ar")
            for code, name in zip(frame["region_code"], frame[column]) if isinstance(name, str) and name}


def assign_regions(df: pd.DataFrame, lat: str = "lat", lon: str = "lon") -> pd.DataFrame:
    """Add the containing country and region of many points at once (spatial join).

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with latitude and longitude columns (missing values allowed).
    lat, lon : str
        Names of those columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` (same index and row order) with ``country_found`` and
        ``region_code_found`` (``None`` where the point is missing or outside the four
        countries).

    Examples
    --------
    >>> pts = pd.DataFrame({"lat": [34.68, 14.69, 0.0], "lon": [-1.91, -17.44, 0.0]})
    >>> assign_regions(pts)["region_code_found"].tolist()
    ['MA-02', 'SN-DK', None]
    """
    out = df.copy()
    lats = pd.to_numeric(out[lat], errors="coerce").to_numpy()
    lons = pd.to_numeric(out[lon], errors="coerce").to_numpy()
    points = gpd.GeoDataFrame({"_pos": range(len(out))}, geometry=gpd.points_from_xy(lons, lats), crs=CRS)
    points = points[pd.notna(lats) & pd.notna(lons)]
    polys = _regions()[["country", "region_code", "geometry"]]
    joined = gpd.sjoin(points, polys, how="inner", predicate="intersects")
    joined = joined.sort_values(["_pos", "index_right"]).drop_duplicates("_pos")
    country = [None] * len(out)
    region = [None] * len(out)
    for pos, cc, code in zip(joined["_pos"], joined["country"], joined["region_code"]):
        country[pos], region[pos] = cc, code
    out["country_found"] = pd.Series(country, index=out.index, dtype=object)
    out["region_code_found"] = pd.Series(region, index=out.index, dtype=object)
    return out


def region_name(code: str | None, lang: str = "fr") -> str | None:
    """Name of a region from its ISO 3166-2 code.

    Parameters
    ----------
    code : str
        Region code, e.g. ``"MA-02"``.
    lang : {"fr", "en", "ar"}
        ``"fr"`` gives the usual French name.

    Returns
    -------
    str or None
        ``None`` for an unknown code (or a missing name in that language).

    Examples
    --------
    >>> region_name("MA-05")
    'Béni Mellal-Khénifra'
    >>> region_name("MA-07", "en")
    'Marrakesh-Safi'
    >>> region_name("XX-99") is None
    True
    """
    column = {"fr": "name", "en": "name_en", "ar": "name_ar"}.get(lang, "name")
    return _region_names().get((code, column)) if code else None


def bounds(countries: str | Iterable[str] | None = None) -> list[list[float]]:
    """Bounding box for fitting a map, as ``[[south, west], [north, east]]``.

    Parameters
    ----------
    countries : str or iterable of str, optional
        ISO alpha-2 codes among the four focus countries; all four when omitted or empty.

    Returns
    -------
    list of list of float

    Raises
    ------
    ValueError
        If none of the given codes is a focus country.

    Examples
    --------
    >>> (south, west), (north, east) = bounds("SN")
    >>> south < 14.69 < north and west < -17.44 < east
    True
    """
    frame = _countries()
    if countries:
        codes = {countries} if isinstance(countries, str) else set(countries)
        frame = frame[frame["country"].isin(codes)]
        if frame.empty:
            raise ValueError(f"no outline for {sorted(codes)}")
    west, south, east, north = (float(v) for v in frame.total_bounds)
    return [[south, west], [north, east]]
