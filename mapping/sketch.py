"""A light sketch of the map — the four countries' region outlines and a dot per actor — as inline
SVG, shown at once while the interactive map (Leaflet and its scripts, in a frame) loads.

Examples
--------
>>> import pandas as pd
>>> svg = map_svg(pd.DataFrame({"lat": [34.68, None], "lon": [-1.91, 2.0], "kind": ["municipality", "ngo"]}))
>>> svg.startswith("<svg") and svg.count("<circle") == 1 and "<path" in svg
True
"""
from __future__ import annotations

import html
from functools import lru_cache

import numpy as np
import pandas as pd

from . import geo

WIDTH = 1000
#: Outlines simplified to about 5 km (degrees): the sketch weighs a few dozen kilobytes.
TOLERANCE = 0.05
#: At most this many dots (a fixed sample beyond): enough to show where actors are.
MAX_DOTS = 1500


@lru_cache(maxsize=1)
def _frame() -> tuple[float, float, float, float, float]:
    """West, north, the x scale (cos of the mid latitude) and the pixel size of a degree, height."""
    (south, west), (north, east) = geo.bounds()
    squeeze = float(np.cos(np.radians((south + north) / 2)))
    scale = WIDTH / ((east - west) * squeeze)
    return west, north, squeeze, scale, (north - south) * scale


def _xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    west, north, squeeze, scale, _ = _frame()
    return (lon - west) * squeeze * scale, (north - lat) * scale


@lru_cache(maxsize=1)
def outlines_path() -> str:
    """SVG path data of the simplified region outlines (computed once per process)."""
    parts = []
    for geometry in geo.regions().geometry.simplify(TOLERANCE):
        polygons = getattr(geometry, "geoms", [geometry])
        for polygon in polygons:
            x, y = _xy(*np.asarray(polygon.exterior.coords).T[:2])
            parts.append("M" + "L".join(f"{a:.0f},{b:.0f}" for a, b in zip(x, y)) + "Z")
    return "".join(parts)


def map_svg(actors: pd.DataFrame, colours: dict[str, str] | None = None, label: str = "") -> str:
    """The sketch of ``actors`` (``lat``, ``lon``, ``kind``) over the outlines; ``label`` is its
    accessible name (escaped)."""
    _, _, _, _, height = _frame()
    located = actors.dropna(subset=["lat", "lon"])
    if len(located) > MAX_DOTS:
        located = located.sample(MAX_DOTS, random_state=0)
    x, y = _xy(located["lon"].to_numpy(dtype=float), located["lat"].to_numpy(dtype=float))
    kinds = located["kind"].tolist() if "kind" in located else [None] * len(located)
    inside = (x >= 0) & (x <= WIDTH) & (y >= 0) & (y <= height)
    dots = "".join(f'<circle cx="{a:.0f}" cy="{b:.0f}" r="4" fill="{(colours or {}).get(k, "#3b6ea5")}"/>'
                   for a, b, k, keep in zip(x, y, kinds, inside) if keep)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
            f'aria-label="{html.escape(label)}" preserveAspectRatio="xMidYMid meet" width="100%" height="100%">'
            f'<path d="{outlines_path()}" fill="#eef1f4" stroke="#8a96a3" stroke-width="1"/>'
            f'<g fill-opacity="0.8">{dots}</g></svg>')
