"""Who does what where, on the seed: counts a person can check against the directory."""
from __future__ import annotations

import re

from mapping import coverage
from mapping.filters import Filters


def _cells(store, by="themes", country="MA", filters=None):
    actors = store.actors(filters or Filters(), columns=("id", "region_code", "themes", "target_groups"))
    return coverage.cells(actors, store.areas_of_operation(actors["id"].tolist()), by=by,
                          regions=coverage.country_regions(country))


def test_each_cell_counts_the_actors_seated_there_on_that_theme(store):
    cov = _cells(store).set_index(["code", "region_code"])
    oriental = store.actors(Filters(regions=("MA-02",), themes=("health",)))
    assert cov.loc[("health", "MA-02"), "actors"] == sorted(oriental["id"]) and "commune-oujda" in set(oriental["id"])
    # cross-check one cell against the directory's own filter
    rabat = store.actors(Filters(regions=("MA-04",), themes=("migration_governance",)))
    assert cov.loc[("migration_governance", "MA-04"), "n"] == len(rabat)
    assert cov.loc[("funding", "MA-12"), "n"] == 0


def test_areas_of_operation_count_where_an_actor_works(store):
    before = _cells(store).set_index(["code", "region_code"]).loc[("health", "MA-09"), "n"]
    store.cursor().execute(
        "INSERT INTO actor_areas (actor_id, country, region_code) VALUES ('commune-oujda', 'MA', 'MA-09')")
    assert store.areas_of_operation(["commune-oujda"])["region_code"].tolist() == ["MA-09"]
    after = _cells(store).set_index(["code", "region_code"])
    assert after.loc[("health", "MA-09"), "n"] == before + 1
    assert "commune-oujda" in after.loc[("health", "MA-02"), "actors"]  # its seat still counts


def test_gaps_and_overlaps_are_the_empty_and_crowded_cells(store):
    cov = _cells(store)
    s = coverage.summary(cov)
    assert s["cells"] == 18 * 12
    assert s["gaps"] == sum(1 for ids in cov["actors"] if not len(ids)) > 0  # cells nobody works in
    lines = coverage.overlaps(cov)
    crowded = cov[[len(ids) >= coverage.OVERLAP for ids in cov["actors"]]]
    assert len(lines) == s["overlaps"] == len(crowded) > 0
    counts = [int(re.fullmatch(r".+ in .+: (\d+) actors", line).group(1)) for line in lines]
    assert counts == sorted(counts, reverse=True) and min(counts) >= coverage.OVERLAP  # most crowded first
    rabat = store.actors(Filters(regions=("MA-04",), themes=("migration_governance",)))  # the directory's count
    assert f"Migration governance in Rabat-Sale-Kenitra: {len(rabat)} actors" in lines
    # Rabat-Salé-Kénitra (two partner municipalities, GIZ's office, AMAPPE) is among the crowded; the
    # capital's ministries and networks count nowhere, as the sources state no seat for them
    assert "MA-04" in set(crowded["region_code"])


def test_filters_narrow_the_counts_and_target_groups_work_the_same_way(store):
    cov = _cells(store, by="target_groups", country="SN", filters=Filters(kinds=("municipality",)))
    covered = cov.loc[cov["n"] > 0, ["code", "region_code"]].values.tolist()
    assert covered == [["migrants", "SN-DK"], ["migrants", "SN-KL"]]
    shown = coverage.table(cov, by="target_groups", lang="fr")
    assert shown.loc[shown["code"] == "migrants", "label"].item() == "Migrants (dont régularisés)"
