"""Who does what where: themes (or target groups) × regions, from actors' seats and areas of operation.

An actor counts in a region when its seat is there or it lists the region among its areas of
operation; it counts for a theme when the theme is in its file. Each cell holds how many actors
and which ones. A cell nobody covers is a *gap*; a cell :data:`OVERLAP` actors or more cover is an
*overlap* (many doing the same thing in the same place — worth coordinating).

Pure: frames in, frames out. The page draws :func:`table` and :func:`styles`, and the map shades
:func:`theme_counts`.

Examples
--------
>>> import pandas as pd
>>> actors = pd.DataFrame({"id": ["a", "b", "c"], "region_code": ["MA-02", "MA-02", "MA-04"],
...                        "themes": [["health"], ["health", "funding"], ["funding"]]})
>>> areas = pd.DataFrame({"actor_id": ["c"], "region_code": ["MA-02"]})
>>> cov = cells(actors, areas, by="themes", regions=["MA-02", "MA-04"], codes=["health", "funding"])
>>> cov.pivot(index="code", columns="region_code", values="n").loc[["health", "funding"]].values.tolist()
[[2, 0], [2, 1]]
>>> cov.set_index(["code", "region_code"]).loc[("funding", "MA-02"), "actors"]
['b', 'c']
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from . import geo
from .i18n import t
from .model import TARGET_GROUPS, THEMES, label, split_list

#: From this many actors on one theme in one region, a cell is marked as an overlap.
OVERLAP = 3

#: The two kinds of rows a coverage table can have, and their vocabularies.
AXES = {"themes": THEMES, "target_groups": TARGET_GROUPS}


def _codes(value: object) -> list[str]:
    if value is None or isinstance(value, str):
        return split_list(value)
    return split_list(list(value))  # type: ignore[call-overload]  # an array cell from DuckDB


def where(actors: pd.DataFrame, areas: pd.DataFrame | None = None) -> dict[str, set[str]]:
    """Actor id -> the region codes it works in (seat region and areas of operation).

    >>> where(pd.DataFrame({"id": ["a", "b"], "region_code": ["MA-02", None]}),
    ...       pd.DataFrame({"actor_id": ["b"], "region_code": ["SN-DK"]}))
    {'a': {'MA-02'}, 'b': {'SN-DK'}}
    """
    out: dict[str, set[str]] = {a: set() for a in actors["id"]}
    for actor_id, code in zip(actors["id"], actors["region_code"]):
        if isinstance(code, str) and code:
            out[actor_id].add(code)
    if areas is not None and not areas.empty:
        for actor_id, code in zip(areas["actor_id"], areas["region_code"]):
            if actor_id in out and isinstance(code, str) and code:
                out[actor_id].add(code)
    return out


def cells(actors: pd.DataFrame, areas: pd.DataFrame | None = None, *, by: str = "themes",
          regions: Iterable[str], codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Every (code, region) cell with its count and actors.

    Parameters
    ----------
    actors : DataFrame
        ``id``, ``region_code`` and the ``by`` column (lists of codes).
    areas : DataFrame, optional
        Areas of operation: ``actor_id``, ``region_code``.
    by : {"themes", "target_groups"}
    regions : iterable of str
        The columns, in order (cells are made for each, empty ones included: they are the gaps).
    codes : iterable of str, optional
        The rows, in order; every code of the vocabulary when omitted.

    Returns
    -------
    DataFrame
        ``code, region_code, n, actors`` (sorted ids), one row per cell.
    """
    regions = list(regions)
    codes = list(codes) if codes is not None else list(AXES[by])
    places = where(actors, areas)
    wanted, rows = set(regions), set(codes)
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor_id, values in zip(actors["id"], actors[by]):
        for code in set(_codes(values)) & rows:
            for region in places.get(actor_id, set()) & wanted:
                found[(code, region)].append(actor_id)
    return pd.DataFrame([{"code": c, "region_code": r, "n": len(found.get((c, r), [])),
                          "actors": sorted(found.get((c, r), []))} for c in codes for r in regions])


def country_regions(country: str) -> list[str]:
    """The region codes of one focus country, in code order.

    >>> country_regions("MA")[:2], len(country_regions("SN"))
    (['MA-01', 'MA-02'], 14)
    """
    frame = geo.regions()
    return frame.loc[frame["country"] == country, "region_code"].tolist()


def table(cov: pd.DataFrame, *, by: str = "themes", lang: str = "en") -> pd.DataFrame:
    """The cells as the page shows them: one row per code (its label first), one column per region
    code (the page heads it with :func:`region_label`), counts as values, and each row's total of
    distinct actors.

    >>> cov = pd.DataFrame({"code": ["health", "health"], "region_code": ["MA-02", "MA-04"], "n": [2, 0],
    ...                     "actors": [["a", "b"], []]})
    >>> table(cov, lang="en").to_dict("records")
    [{'code': 'health', 'label': 'Health and COVID-19 response', 'total': 2, 'MA-02': 2, 'MA-04': 0}]
    """
    vocabulary = AXES[by]
    regions = list(dict.fromkeys(cov["region_code"]))
    wide = cov.pivot(index="code", columns="region_code", values="n")
    order = list(dict.fromkeys(cov["code"]))
    wide = wide.loc[order, regions]
    totals = cov.groupby("code")["actors"].agg(lambda lists: len({a for ids in lists for a in ids}))
    out = wide.reset_index()
    out.columns.name = None
    out.insert(1, "label", [label(vocabulary, c, lang) for c in out["code"]])
    out.insert(2, "total", out["code"].map(totals).astype(int))
    return out


def region_label(code: str, lang: str = "en") -> str:
    """A region's name in ``lang`` (English spelling for "en", else the usual French one)."""
    return geo.region_name(code, "en" if lang == "en" else "fr") or code


def summary(cov: pd.DataFrame) -> dict[str, int]:
    """How many cells, gaps and overlaps.

    >>> summary(pd.DataFrame({"n": [0, 1, 3, 5]}))
    {'cells': 4, 'gaps': 1, 'overlaps': 2}
    """
    return {"cells": len(cov), "gaps": int((cov["n"] == 0).sum()), "overlaps": int((cov["n"] >= OVERLAP).sum())}


def overlaps(cov: pd.DataFrame, *, by: str = "themes", lang: str = "en") -> list[str]:
    """The overlaps, most crowded first, as "Theme in Region: N actors" lines.

    >>> overlaps(pd.DataFrame({"code": ["health", "funding"], "region_code": ["MA-02", "MA-02"],
    ...                        "n": [3, 1], "actors": [["a", "b", "c"], ["a"]]}))
    ['Health and COVID-19 response in Oriental: 3 actors']
    """
    crowded = cov[cov["n"] >= OVERLAP].sort_values(["n", "code"], ascending=[False, True])
    return [t("coverage.overlap_line", lang, what=label(AXES[by], c, lang), region=region_label(r, lang), n=n)
            for c, r, n in zip(crowded["code"], crowded["region_code"], crowded["n"])]


def cell_colour(n: int) -> str:
    """Background of a cell: a pale warning for a gap, blues growing with the count, the darkest
    for an overlap; CSS for pandas' Styler.

    >>> cell_colour(0), cell_colour(OVERLAP) == cell_colour(OVERLAP + 2)
    ('background-color: #fbeee6; color: #b0643c', True)
    """
    if n <= 0:
        return "background-color: #fbeee6; color: #b0643c"
    if n >= OVERLAP:
        return "background-color: #08519c; color: white; font-weight: bold"
    shades = ("#c6dbef", "#6baed6")
    return f"background-color: {shades[min(n, len(shades)) - 1]}; color: black"


def styles(shown: pd.DataFrame, region_columns: list[str]):
    """``shown`` (from :func:`table`) coloured cell by cell, gaps written as « · »."""
    return (shown.style
            .map(lambda v: cell_colour(int(v)), subset=region_columns)
            .format(lambda v: "·" if v == 0 else str(v), subset=region_columns))


def theme_counts(cov: pd.DataFrame, code: str) -> pd.DataFrame:
    """One row's counts per region (``region_code``, ``n``), for the map's choropleth.

    >>> theme_counts(pd.DataFrame({"code": ["health", "funding"], "region_code": ["MA-02", "MA-02"],
    ...                            "n": [3, 1], "actors": [[], []]}), "health").to_dict("records")
    [{'region_code': 'MA-02', 'n': 3}]
    """
    return cov.loc[cov["code"] == code, ["region_code", "n"]].reset_index(drop=True)
