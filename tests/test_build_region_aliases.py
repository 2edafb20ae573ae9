"""The shipped region aliases (scripts/build_region_aliases.py): every one points at a shipped region."""
import csv

import pycountry

from mapping import geo


def _aliases():
    with open(geo.GEO_DIR / "region_aliases.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_alias_points_at_a_shipped_region_of_its_country():
    shipped = set(zip(geo.regions()["country"], geo.regions()["region_code"]))
    rows = _aliases()
    assert rows and all((r["country"], r["region_code"]) in shipped for r in rows)
    assert {r["basis"] for r in rows} <= {"iso", "iso-parent", "geonames-place", "geonames-majority", "seat"}


def test_every_current_iso_unit_of_the_four_countries_has_an_alias():
    covered = {r["iso_code"] for r in _aliases()}
    for country in ("MA", "CI", "ML", "SN"):
        assert {s.code for s in pycountry.subdivisions.get(country_code=country)} <= covered


def test_today_s_units_land_in_the_former_regions_that_hold_them():
    where = {r["iso_code"]: r["region_code"] for r in _aliases()}
    # Abidjan's district lies in the former Lagunes, Ménaka in the former Gao region, Taoudénit in Tombouctou's.
    assert (where["CI-AB"], where["ML-9"], where["ML-10"]) == ("CI-01", "ML-7", "ML-6")
    for code, region in where.items():  # a unit that kept its ISO code keeps its region
        if code in set(geo.regions()["region_code"]):
            assert region == code
