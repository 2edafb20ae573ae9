"""SYNTHETIC data for benchmarks and scale tests — never mixed into the shipped data.

Every synthetic id starts with ``syn-`` and every name with "Synthetic", so synthetic rows are
recognisable wherever they end up.

Examples
--------
>>> a = synthetic_actors(50, seed=1)
>>> len(a), bool(a["id"].str.startswith("syn-").all()), bool(a["name"].str.startswith("Synthetic").all())
(50, True, True)
>>> r = synthetic_relations(a, 120, seed=1)
>>> len(r), bool((r["source_actor"] != r["target_actor"]).all())
(120, True)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .model import ACTOR_KINDS, FOCUS_COUNTRIES, RELATION_KINDS, TARGET_GROUPS, THEMES

# Share of actors per country: Morocco holds most, as in the real data.
_COUNTRY_WEIGHTS = {"MA": 0.55, "SN": 0.17, "CI": 0.15, "ML": 0.13}


def _points_in_regions(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` random points inside the shipped admin-1 polygons, with their country and region."""
    import shapely

    from . import geo

    regions = geo.regions().reset_index(drop=True)
    countries = rng.choice(list(_COUNTRY_WEIGHTS), size=n, p=list(_COUNTRY_WEIGHTS.values()))
    out = []
    for country in FOCUS_COUNTRIES:
        need = int((countries == country).sum())
        if not need:
            continue
        polys = regions[regions["country"] == country]
        # Weight regions equally so small dense regions (Rabat, Casablanca) still get many actors.
        choice = rng.integers(0, len(polys), size=need)
        for idx, count in zip(*np.unique(choice, return_counts=True)):
            row = polys.iloc[idx]
            minx, miny, maxx, maxy = row.geometry.bounds
            got_x: list[np.ndarray] = []
            got = 0
            got_y: list[np.ndarray] = []
            while got < count:
                xs = rng.uniform(minx, maxx, size=count * 4)
                ys = rng.uniform(miny, maxy, size=count * 4)
                inside = shapely.contains_xy(row.geometry, xs, ys)
                got_x.append(xs[inside])
                got_y.append(ys[inside])
                got += int(inside.sum())
            xs = np.concatenate(got_x)[:count]
            ys = np.concatenate(got_y)[:count]
            out.append(pd.DataFrame({"lon": xs.round(5), "lat": ys.round(5), "country": country,
                                     "region_code": row["region_code"], "region": row["name"]}))
    frame = pd.concat(out, ignore_index=True)
    return frame.sample(frac=1, random_state=int(rng.integers(0, 2**31))).reset_index(drop=True)


def synthetic_actors(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic actors shaped like :meth:`mapping.store.Store.actors` rows."""
    rng = np.random.default_rng(seed)
    places = _points_in_regions(n, rng)
    kinds = rng.choice(list(ACTOR_KINDS), size=n)
    theme_codes = np.array(list(THEMES))
    group_codes = np.array(list(TARGET_GROUPS))
    return pd.DataFrame({
        "id": [f"syn-{i:06d}" for i in range(n)],
        "name": [f"Synthetic actor {i}" for i in range(n)],
        "acronym": [f"SYN{i}" for i in range(n)],
        "name_ar": None,
        "kind": kinds,
        "country": places["country"],
        "region_code": places["region_code"],
        "region": places["region"],
        "city": places["region"],
        "lat": places["lat"],
        "lon": places["lon"],
        "themes": [list(rng.choice(theme_codes, size=2, replace=False)) for _ in range(n)],
        "target_groups": [list(rng.choice(group_codes, size=1)) for _ in range(n)],
        "status": "published",
    })


def synthetic_relations(actors: pd.DataFrame, m: int, seed: int = 0) -> pd.DataFrame:
    """``m`` synthetic relations between ``actors``: preferential attachment, so a few hubs
    (like real donors and networks) hold many links; no self-loops."""
    rng = np.random.default_rng(seed)
    ids = actors["id"].to_numpy()
    n = len(ids)
    weights = 1.0 / np.arange(1, n + 1) ** 0.8
    weights /= weights.sum()
    src = rng.integers(0, n, size=m)
    dst = rng.choice(n, size=m, p=weights)
    clash = src == dst
    dst[clash] = (dst[clash] + 1) % n
    kinds = rng.choice(list(RELATION_KINDS), size=m)
    return pd.DataFrame({
        "id": [f"syn-rel-{i:07d}" for i in range(m)],
        "source_actor": ids[src],
        "target_actor": ids[dst],
        "kind": kinds,
        "project_id": None,
        "start_date": None,
        "end_date": None,
        "note": "synthetic",
        "status": "published",
    })
