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
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from . import geo
from .model import FOCUS_COUNTRIES

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


# -- the organisation file's small map ----------------------------------------------------------------
#: The smallest view of an organisation's map, in degrees (a seat alone still shows its surroundings).
MIN_SPAN = 2.0
#: Margin around what the view fits, in degrees.
PAD = 0.3


def _point(lat: Any, lon: Any) -> tuple[float, float] | None:
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    return float(lat), float(lon)


def actor_view(actor: Mapping, areas: pd.DataFrame | None = None, links: pd.DataFrame | None = None) -> dict:
    """Where an organisation's small map looks, the same on screen and on paper: its home
    countries (those of its areas of operation and of its seat in the atlas, else those of its
    partners in the atlas), fitted to its seat, its areas and its partners there; partners (and a
    seat) abroad stay out of the fit, named with their country, so one partner in Bonn does not
    turn a town's map into a continent.

    Parameters
    ----------
    actor : mapping
        ``id``, ``lat``, ``lon``, ``country``, ``region_code``.
    areas : DataFrame, optional
        Areas of operation (``region_code``).
    links : DataFrame, optional
        :meth:`mapping.store.Store.map_links` of the actor.

    Returns
    -------
    dict
        ``seat`` (lat, lon) or None, ``seat_abroad`` (its country code) or None, ``codes`` (region
        codes), ``near`` and ``far`` (partners as dicts of ``id``, ``name``, ``lat``, ``lon``,
        ``country``), ``bounds`` ``[[south, west], [north, east]]``.

    Examples
    --------
    >>> links = pd.DataFrame({"source_actor": ["giz", "commune-oujda"], "target_actor": ["commune-oujda", "commune-nador"],
    ...     "source_name": ["GIZ", "Oujda"], "target_name": ["Oujda", "Nador"],
    ...     "source_lat": [50.73, 34.68], "source_lon": [7.10, -1.91],
    ...     "target_lat": [34.68, 35.17], "target_lon": [-1.91, -2.93]})
    >>> view = actor_view({"id": "commune-oujda", "lat": 34.68, "lon": -1.91, "country": "MA", "region_code": "MA-02"},
    ...                   links=links)
    >>> [p["name"] for p in view["near"]], [(p["name"], p["country"]) for p in view["far"]]
    (['Nador'], [('GIZ', 'DE')])
    >>> (south, west), (north, east) = view["bounds"]
    >>> south < 34.68 < north and west < -1.91 < east and north < 40  # the Oriental, not Bonn
    True
    """
    from . import countries  # its world outlines load on first use

    seat = _point(actor.get("lat"), actor.get("lon"))
    codes = sorted({c for c in ([] if areas is None else areas["region_code"].tolist()) + [actor.get("region_code")]
                    if isinstance(c, str) and c})
    regions = geo.regions()
    shaded = regions[regions["region_code"].isin(codes)]
    partners: dict[str, dict] = {}
    if links is not None and len(links):
        for r in links.to_dict("records"):
            end = "target" if r.get("source_actor") == actor.get("id") else "source"
            at = _point(r.get(f"{end}_lat"), r.get(f"{end}_lon"))
            other = r.get(f"{end}_actor") or r.get(f"{end}_name")
            if at and other != actor.get("id") and other not in partners:
                partners[other] = {"id": other, "name": r.get(f"{end}_name"), "lat": at[0], "lon": at[1],
                                   "country": countries.country_at(*at)}
    home = set(shaded["country"])
    if actor.get("country") in FOCUS_COUNTRIES:
        home.add(actor["country"])
    if not home:  # an organisation from abroad: where its partners in the atlas are
        home = {p["country"] for p in partners.values() if p["country"] in FOCUS_COUNTRIES}
    seat_country = countries.country_at(*seat) if seat else None
    if not home and seat_country:
        home = {seat_country}
    seat_abroad = seat_country if seat and seat_country and seat_country not in home else None
    near = [p for p in partners.values() if p["country"] in home or p["country"] is None]
    far = [p for p in partners.values() if p not in near]
    lats = [p["lat"] for p in near] + ([seat[0]] if seat and not seat_abroad else [])
    lons = [p["lon"] for p in near] + ([seat[1]] if seat and not seat_abroad else [])
    if not shaded.empty:
        west, south, east, north = (float(v) for v in shaded.total_bounds)
        lats, lons = lats + [south, north], lons + [west, east]
    if not lats:
        in_atlas = sorted(home & set(FOCUS_COUNTRIES))
        (south, west), (north, east) = geo.bounds(in_atlas or None)
        lats, lons = [south, north], [west, east]
    south, north, west, east = min(lats) - PAD, max(lats) + PAD, min(lons) - PAD, max(lons) + PAD
    grow_lat, grow_lon = max(0.0, MIN_SPAN - (north - south)) / 2, max(0.0, MIN_SPAN - (east - west)) / 2
    bounds = [[round(south - grow_lat, 4), round(west - grow_lon, 4)], [round(north + grow_lat, 4), round(east + grow_lon, 4)]]
    return {"seat": seat, "seat_abroad": seat_abroad, "codes": codes, "near": near, "far": far, "bounds": bounds}


#: Width of the printed map's drawing, in SVG units (its text sizes are chosen for this width).
ACTOR_WIDTH = 480
#: The printed map's height as a share of its width, kept in this range by widening the view.
ASPECT = (0.55, 1.0)
_HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'
_NICE_KM = (5, 10, 20, 50, 100, 200, 500, 1000, 2000)


def _names(names: list[str], most: int = 3) -> str:
    """``A, B, C +2``: a few names and how many more."""
    shown = ", ".join(names[:most])
    return shown + (f" +{len(names) - most}" if len(names) > most else "")


def _edge(origin: tuple[float, float], towards: tuple[float, float], width: float, height: float,
          margin: float = 16) -> tuple[float, float, str]:
    """Where the ray from ``origin`` towards ``towards`` leaves the frame (inset by ``margin``), and
    which side: ``"left"``, ``"right"``, ``"top"`` or ``"bottom"``."""
    (x, y), (tx, ty) = origin, towards
    dx, dy = tx - x, ty - y
    hits = []
    if dx > 0:
        hits.append(((width - margin - x) / dx, "right"))
    if dx < 0:
        hits.append(((margin - x) / dx, "left"))
    if dy > 0:
        hits.append(((height - margin - y) / dy, "bottom"))
    if dy < 0:
        hits.append(((margin - y) / dy, "top"))
    step, side = min(hits) if hits else (0.0, "right")
    return x + dx * step, y + dy * step, side


def neighbours(bounds: list[list[float]], margin: float = 5.0) -> dict:
    """The countries around a view other than the four (whose outlines every map draws), as a
    GeoJSON FeatureCollection clipped to the view and ``margin`` degrees around it: a small map
    shows Algeria as land, not as sea. Simplified to about 2 km. Land first, then the borders and
    coasts as lines (``"line": true``), so the straight edges of the clipping are never drawn.

    >>> fc = neighbours([[34.0, -2.5], [35.0, -1.5]], 1.0)["features"]
    >>> sorted(f["properties"]["country"] for f in fc if not f["properties"].get("line"))
    ['DZ', 'ES']
    >>> sorted(f["properties"]["country"] for f in fc if f["properties"].get("line"))
    ['DZ', 'ES']
    """
    from shapely.geometry import mapping

    from . import countries

    around = _reach(bounds, margin)
    near = [(code, outline) for code, outline in countries.outlines()
            if code not in FOCUS_COUNTRIES and outline.intersects(around)]
    land = [{"type": "Feature", "properties": {"country": code},
             "geometry": mapping(outline.intersection(around).simplify(0.02))} for code, outline in near]
    lines = [{"type": "Feature", "properties": {"country": code, "line": True},
              "geometry": mapping(outline.boundary.intersection(around).simplify(0.02))} for code, outline in near]
    return {"type": "FeatureCollection", "features": land + [f for f in lines if f["geometry"]["coordinates"]]}


def _reach(bounds: list[list[float]], margin: float) -> Any:
    """The box :func:`neighbours` draws in detail: the view and ``margin`` degrees around it."""
    from shapely.geometry import box

    (south, west), (north, east) = bounds
    return box(west - margin, south - margin, east + margin, north + margin)


#: How far around the atlas's countries :func:`far_land` reaches (degrees of latitude, longitude):
#: a 1920x1080 window fitted on the four countries shows about this much around them.
FAR = (25.0, 45.0)


@lru_cache(maxsize=1)
def _coarse_land() -> Any:
    """The world's land within :data:`FAR` of the four countries as one shape: simplified to about
    25 km, islands under half a square degree and lakes left out (computed once per process)."""
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.ops import unary_union

    from . import countries

    (south, west), (north, east) = geo.bounds()
    around = box(west - FAR[1], max(south - FAR[0], -85), east + FAR[1], min(north + FAR[0], 85))
    land = unary_union([outline.intersection(around) for _, outline in countries.outlines()
                        if outline.intersects(around)]).simplify(0.25)
    return MultiPolygon([Polygon(part.exterior) for part in getattr(land, "geoms", [land]) if part.area > 0.5])


def far_land(bounds: list[list[float]], margin: float = 5.0) -> dict:
    """The land beyond :func:`neighbours`' reach, coarse and without borders, as a GeoJSON
    FeatureCollection: a wide map (a presenter's 1920x1080) shows land to its edges instead of a
    straight cut through the Sahara where the detailed neighbours end. About 13 kB.

    >>> fc = far_land([[4.3, -17.5], [36.1, 4.2]])
    >>> from shapely.geometry import Point, shape
    >>> land = shape(fc["features"][0]["geometry"])
    >>> land.contains(Point(17, 27)), land.contains(Point(0, 20)), land.contains(Point(-30, 30))
    (True, False, False)
    """
    import shapely
    from shapely.geometry import mapping

    # Two decimals (about 1 km) are finer than the 25 km drawn, and keep the map's page small.
    shape = shapely.transform(_coarse_land().difference(_reach(bounds, margin)), lambda xy: np.round(xy, 2))
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": mapping(shape)}]}


@lru_cache(maxsize=1)
def _focus_land() -> list[tuple[str, Any]]:
    """Each of the four countries as the union of its regions (computed once per process)."""
    merged = geo.regions().dissolve(by="country")
    return list(zip(merged.index, merged.geometry))


def _plain(text: str) -> str:
    """Text for SVG shown through Markdown: every character but letters, digits and spaces as a
    numeric entity, so neither HTML nor Markdown (``[a](b)``, ``**``) in a name is ever active.

    >>> _plain("A&B [x](y) é")
    'A&#38;B &#91;x&#93;&#40;y&#41; é'
    """
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


class _Labels:
    """Text placed without overlapping: each label tries a few positions around its point and takes
    the first that is free and inside the drawing; an optional one with none free is left out (its
    dot stays), a required one takes its first position, kept inside the drawing."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.taken: list[tuple[float, float, float, float]] = []
        self.out: list[str] = []

    def block(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.taken.append((x0, y0, x1, y1))

    def add(self, x: float, y: float, label: str, size: int = 12, *, gap: float = 7, required: bool = False,
            centred: bool = False, style: str = "") -> None:
        wide = len(label) * size * (0.6 if "bold" in style else 0.54)
        # (left edge, baseline) of each candidate: centred on the point, or right, left, above, below it
        spots = [(x - wide / 2, y + size * 0.35)] if centred else [
            (x + gap, y + size * 0.35), (x - gap - wide, y + size * 0.35),
            (x - wide / 2, y - gap), (x - wide / 2, y + gap + size * 0.8)]
        for n, (left, base) in enumerate(spots):
            box = (left - 2, base - size * 0.85, left + wide + 2, base + size * 0.25)
            inside = box[0] >= 0 and box[2] <= self.width and box[1] >= 0 and box[3] <= self.height
            free = not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.taken)
            if (inside and free) or (required and n == len(spots) - 1):
                if not (inside and free):  # required: its first position, moved inside the drawing
                    left, base = spots[0]
                    left = min(max(left, 2.0), self.width - wide - 2)
                    base = min(max(base, size * 0.9), self.height - size * 0.3)
                    box = (left - 2, base - size * 0.85, left + wide + 2, base + size * 0.25)
                self.taken.append(box)
                self.out.append(f'<text x="{left:.1f}" y="{base:.1f}" font-size="{size}" {_HALO} {style}>'
                                f"{_plain(label)}</text>")
                return


def actor_svg(view: dict, actor: Mapping, colours: Mapping[str, str] | None = None, lang: str = "en") -> str:
    """The organisation's small map as static SVG, for paper (a frame of scripts prints unreliably):
    the countries and regions of the view from the shipped outlines, its areas of operation shaded
    and named, its seat, its partners at home with their lines, and each country of its partners
    abroad (or of its seat, when abroad) as an arrow at the edge pointing towards it; a scale bar.
    Labels never overlap (a partner's name without room is left out, its dot stays); every text is
    escaped.

    ``view`` is :func:`actor_view`'s; the drawing's ``data-bounds`` are its ``south,west,north,east``.

    Examples
    --------
    >>> view = actor_view({"id": "x", "lat": 34.68, "lon": -1.91, "country": "MA", "region_code": "MA-02",
    ...                    "city": "Oujda"})
    >>> svg = actor_svg(view, {"name": "<b>X</b>", "city": "Oujda", "kind": "municipality"})
    >>> svg.startswith("<svg") and "Oriental" in svg and "&#60;b&#62;X&#60;&#47;b&#62;" in svg and "<b>" not in svg
    True
    """
    from shapely.geometry import box

    from . import countries
    from .i18n import t

    (south, west), (north, east) = view["bounds"]
    squeeze = float(np.cos(np.radians((south + north) / 2)))
    ratio = (north - south) / ((east - west) * squeeze)
    if ratio < ASPECT[0]:  # too wide a strip: show more to the north and south
        grow = ((east - west) * squeeze * ASPECT[0] - (north - south)) / 2
        south, north = south - grow, north + grow
    elif ratio > ASPECT[1]:  # too tall: show more to the east and west
        grow = ((north - south) / ASPECT[1] / squeeze - (east - west)) / 2
        west, east = west - grow, east + grow
    scale = ACTOR_WIDTH / ((east - west) * squeeze)
    width, height = ACTOR_WIDTH, (north - south) * scale

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - west) * squeeze * scale, (north - lat) * scale

    def path(geometry) -> str:
        parts = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.geom_type != "Polygon" or polygon.is_empty:
                continue
            for ring in [polygon.exterior, *polygon.interiors]:
                pts = [xy(b, a) for a, b in np.asarray(ring.coords)[:, :2]]
                parts.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + "Z")
        return "".join(parts)

    frame = box(west, south, east, north)
    tolerance = (east - west) / 500
    out = [f'<rect width="{width}" height="{height:.0f}" fill="#dfe8ef"/>']
    labels = _Labels(width, height)
    # Scale bar first (bottom left), so no label lands on it: a round distance near a fifth of the width.
    km_per_unit = 111.32 / scale
    km = min(_NICE_KM, key=lambda k: abs(k / km_per_unit - width / 5))
    bar = km / km_per_unit
    scale_bar = (f'<path d="M12,{height - 18:.1f}v6h{bar:.1f}v-6" stroke="#333" stroke-width="1.5" fill="none"/>'
                 f'<text x="{12 + bar / 2:.1f}" y="{height - 22:.1f}" font-size="11" text-anchor="middle" {_HALO} '
                 f'fill="#333">{km} km</text>')
    labels.block(6, height - 36, 18 + bar, height)
    country_names = []
    # The four countries as the union of their regions (neither the world's outlines nor the
    # countries' file meets the regions' coasts exactly); the rest of the world around them.
    # The world's outline of each of the four goes under (unstroked) and fills the slivers between
    # the two sources at a land border.
    shapes = countries.outlines() + _focus_land()
    for n, (code, outline) in enumerate(shapes):
        if not outline.intersects(frame):
            continue
        shown = outline.intersection(frame).simplify(tolerance)
        under = code in FOCUS_COUNTRIES and n < len(shapes) - len(FOCUS_COUNTRIES)
        out.append(f'<path d="{path(shown)}" fill="#f3efe6" stroke="{"none" if under else "#8a8a8a"}" stroke-width="1"/>')
        if not under and shown.area > frame.area * 0.06:
            at = shown.representative_point()
            country_names.append((*xy(at.y, at.x), countries.country_name(code, lang).upper()))
    regions = geo.regions()
    regions = regions[regions.intersects(frame)]
    areas = []
    for code, geometry in zip(regions["region_code"], regions.geometry):
        shown = geometry.intersection(frame).simplify(tolerance)
        if code in view["codes"]:
            out.append(f'<path d="{path(shown)}" fill="#2c7fb8" fill-opacity="0.25" stroke="#2c7fb8" stroke-width="1.5"/>')
            at = shown.representative_point()
            areas.append((*xy(at.y, at.x), geo.region_name(code, lang) or code))
        else:
            out.append(f'<path d="{path(shown)}" fill="none" stroke="#b9b3a6" stroke-width="0.6"/>')
    seat = None if view["seat"] is None or view["seat_abroad"] else xy(*view["seat"])
    kind_colour = (colours or {}).get(actor.get("kind") or "", "#3b6ea5")
    if seat:
        labels.block(seat[0] - 9, seat[1] - 9, seat[0] + 9, seat[1] + 9)
        labels.add(*seat, str(actor.get("city") or actor.get("acronym") or actor.get("name") or ""), 14, gap=12,
                   required=True, style='font-weight="bold" fill="#222"')
    # Abroad: one arrow per country, towards the mean of its partners, ending at the drawing's edge;
    # from the seat, or (no seat in view) a short one at the edge.
    abroad: dict[str, list[str]] = {}
    towards: dict[str, list[tuple[float, float]]] = {}
    if view["seat_abroad"]:
        short = actor.get("acronym") if isinstance(actor.get("acronym"), str) and actor.get("acronym") else actor.get("name")
        abroad[view["seat_abroad"]] = [t("actor.map.seat_of", lang, name=short)]
        towards[view["seat_abroad"]] = [xy(*view["seat"])]
    for p in view["far"]:
        abroad.setdefault(p["country"] or "", []).append(str(p["name"]))
        towards.setdefault(p["country"] or "", []).append(xy(p["lat"], p["lon"]))
    arrows = []
    centre = (width / 2, height / 2)
    for country in sorted(abroad):
        target = (float(np.mean([a for a, _ in towards[country]])), float(np.mean([b for _, b in towards[country]])))
        x, y, _side = _edge(seat or centre, target, width, height)
        start = seat
        if start is None:  # the last 90 units of the ray from the centre
            length = float(np.hypot(x - centre[0], y - centre[1])) or 1.0
            start = (x - (x - centre[0]) * min(1.0, 90 / length), y - (y - centre[1]) * min(1.0, 90 / length))
        arrows.append(f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c0392b" '
                      'stroke-width="2" stroke-dasharray="6 4" stroke-opacity="0.85" marker-end="url(#atlas-arrow)"/>')
        labels.block(x - 6, y - 6, x + 6, y + 6)
        where = countries.country_name(country, lang) if country else "?"
        labels.add(x, y, f"{where}: {_names(abroad[country])}", 12, gap=10, required=True,
                   style='font-weight="bold" fill="#7b241c"')
    for x, y, name in areas:
        labels.add(x, y, name, 14, centred=True, required=True,
                   style='fill="#1d4f78" font-weight="bold" font-style="italic"')
    # Partners at home: a line from the seat, a dot, their names (one label per place).
    lines, dots = [], []
    places: dict[tuple[int, int], list[str]] = {}
    for p in view["near"]:
        x, y = xy(p["lat"], p["lon"])
        if seat:
            lines.append(f'<line x1="{seat[0]:.1f}" y1="{seat[1]:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c0392b" '
                         'stroke-width="2" stroke-opacity="0.8"/>')
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#c0392b" stroke="#fff" stroke-width="1"/>')
        places.setdefault((round(x), round(y)), []).append(str(p["name"]))
    for (x, y) in places:
        labels.block(x - 5, y - 5, x + 5, y + 5)
    for (x, y), group in places.items():
        labels.add(x, y, _names(group, 2), 11, style='fill="#7b241c"')
    for x, y, name in country_names:
        labels.add(x, y, name, 11, centred=True, style='fill="#8f8a80" letter-spacing="1.5"')
    out += lines + arrows + dots
    if seat:
        out.append(f'<circle cx="{seat[0]:.1f}" cy="{seat[1]:.1f}" r="7" fill="{kind_colour}" stroke="#222" stroke-width="2"/>')
    out += labels.out
    out.append(scale_bar)
    s_, w_, n_, e_ = (round(v, 3) for v in (south, west, north, east))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" role="img" '
            f'aria-label="{_plain(t("actor.print_map", lang, name=str(actor.get("name") or "")))}" '
            f'data-bounds="{s_},{w_},{n_},{e_}" font-family="sans-serif" preserveAspectRatio="xMidYMid meet" '
            f'width="100%"><defs><marker id="atlas-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10Z" fill="#c0392b"/></marker></defs>'
            f'{"".join(out)}</svg>')


def beyond(view: dict, actor: Mapping, lang: str = "en") -> str:
    """One line naming what the small map leaves out, by country: its partners abroad, and its seat
    when that is abroad ('' when nothing is). Plain text (the page escapes it).

    >>> beyond({"far": [{"name": "GIZ", "country": "DE"}, {"name": "BMZ", "country": "DE"}], "seat_abroad": None}, {})
    'Beyond the map: GIZ, BMZ (Germany).'
    >>> beyond({"far": [], "seat_abroad": "DE", "seat": (50.7, 7.1)}, {"name": "GIZ", "city": "Bonn"}, "fr")
    'Hors de la carte : siège de GIZ (Allemagne).'
    >>> beyond({"far": [], "seat_abroad": None}, {})
    ''
    """
    from . import countries
    from .i18n import t

    groups: dict[str, list[str]] = {}
    if view.get("seat_abroad"):
        short = actor.get("acronym") if isinstance(actor.get("acronym"), str) and actor.get("acronym") else actor.get("name")
        groups[view["seat_abroad"]] = [t("actor.map.seat_of", lang, name=short)]
    for p in view["far"]:
        groups.setdefault(p["country"] or "", []).append(str(p["name"]))
    if not groups:
        return ""
    parts = [", ".join(names) + (f" ({countries.country_name(code, lang)})" if code else "")
             for code, names in sorted(groups.items())]
    return t("actor.map.beyond", lang, list="; ".join(parts))
