"""Map builders: frames in, ``folium.Map`` out — offline, escaped, light enough for 50,000 actors.

Every builder follows geopandas' ``explore(df, m=None)`` style: it draws onto ``m`` when given,
or onto a new :func:`base_map`, and returns the map. Nothing here imports streamlit; the Map page
passes the result to streamlit-folium, the benchmark and the tests render it to HTML.

Why the points are not ``folium.Marker`` objects: each Marker is a separate JavaScript statement
with its own popup element, so 10,000 of them make a page of several megabytes that takes seconds
to build and parse. Here the actors travel as one compact JSON array (coordinates rounded, codes
instead of labels); the browser indexes it with supercluster and draws, on each move, only the
clusters and canvas circle markers in view, with popups built only when opened.

Offline: :func:`offline` points every JavaScript/CSS asset of the map at the copies served by the
app under ``/app/static/vendor`` (fetched by ``scripts/fetch_static.py``) and refuses any asset it
does not know, so a CDN link cannot slip in. The background is drawn from the shipped boundaries;
an OpenStreetMap layer is offered but off, and the map never needs it.
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd

from mapping import foliumx, geo, sketch
from mapping.i18n import t
from mapping.model import ACTOR_KINDS, COUNTRIES, THEMES, is_international, label, relation_phrase
from mapping.palette import KIND_COLOURS
from mapping.palette import OTHER as OTHER_COLOUR
from mapping.provenance import evidence_label, is_inferred

#: Where Streamlit's static serving exposes ``static/`` (``[server] enableStaticServing``): the
#: libraries under ``vendor/``, the atlas's own map code under ``atlas/``.
STATIC_URL = "/app/static"

#: folium asset name -> file under ``static/``. Assets folium declares that the map does not
#: need (Bootstrap 3 glyphicons, the awesome-markers rotation CSS) map to ``None`` and are dropped.
ASSETS: dict[str, str | None] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "jquery": "vendor/jquery/jquery.min.js",
    "bootstrap": "vendor/bootstrap/bootstrap.bundle.min.js",
    "awesome_markers": "vendor/awesome-markers/leaflet.awesome-markers.js",
    "markerclusterjs": "vendor/markercluster/leaflet.markercluster.js",
    "supercluster": "vendor/supercluster/supercluster.min.js",
    "html2canvas": "vendor/html2canvas/html2canvas.min.js",
    "atlas_map": "atlas/map.js",
    "atlas_controls": "atlas/controls.js",
    "atlas_regions": "atlas/regions.js",
    "atlas_actors": "atlas/actors.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "bootstrap_css": "vendor/bootstrap/bootstrap.min.css",
    "glyphicons_css": None,
    "awesome_markers_font_css": "vendor/fontawesome/css/all.min.css",
    "awesome_markers_css": "vendor/awesome-markers/leaflet.awesome-markers.css",
    "awesome_rotate_css": None,
    "markerclustercss": "vendor/markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/markercluster/MarkerCluster.Default.css",
}

#: Sequential classes of the choropleth (light to dark), colour-blind safe (ColorBrewer YlGnBu).
CHOROPLETH = ("#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
LAND, SEA, BORDER = "#f3efe6", "#dfe8ef", "#8a8a8a"
MAX_ZOOM = 18
COORD_DECIMALS = 4  # about 10 m: finer than any city-level place in the atlas


def _esc(value: object) -> str:
    """HTML-escaped text ('' for missing values), safe inside popups, tooltips and legends."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# -- offline assets ----------------------------------------------------------------------------
def offline(m: folium.Map, base: str = STATIC_URL) -> folium.Map:
    """Point every JS/CSS asset of ``m`` (and of its layers) at the app's own copies.

    Parameters
    ----------
    m : folium.Map
    base : str
        URL prefix of ``static/``; a standalone export may pass a file URL or inline later.

    Returns
    -------
    folium.Map
        ``m`` itself.

    Raises
    ------
    ValueError
        If an element asks for an asset that is not served locally (it would need the internet).

    Examples
    --------
    >>> html_ = offline(folium.Map(tiles=None)).get_root().render()
    >>> "/app/static/vendor/leaflet/leaflet.js" in html_, "cdn." in html_
    (True, False)
    """
    def local(name: str, url: str) -> str | None:
        if name not in ASSETS:
            raise ValueError(f"an element needs {name} ({url}), which is not served offline")
        return f"{base}/{ASSETS[name]}" if ASSETS[name] else None

    foliumx.localise_assets(m, local)
    return m


def _outlines_element() -> foliumx.Call:
    """Land and region lines from the shipped geometry (``AtlasMap.outlines``), drawn under
    everything; the choropleth reuses its geometry, so the outlines travel once per page, as text
    serialised once per process (:func:`mapping.geo.outline_geojson`)."""
    return foliumx.Call("AtlasMap.outlines", {
        "countries": foliumx.JSON(geo.outline_geojson("countries")),
        "regions": foliumx.JSON(geo.outline_geojson("regions")), "land": LAND, "border": BORDER},
        name="Outlines", js_files=["atlas_regions"])


def _outlines(m: folium.Map) -> foliumx.Call:
    """The map's outlines element, added first if ``m`` has none (a map not from :func:`base_map`)."""
    for child in foliumx.children(m):
        if isinstance(child, foliumx.Call) and child.function == "AtlasMap.outlines":
            return child
    outlines = _outlines_element()
    m.add_child(outlines, index=0)
    return outlines


# -- base map ----------------------------------------------------------------------------------
def base_map(bounds: list[list[float]] | None = None, *, tiles: bool = False, lang: str = "en",
             height: str | int = "100%", centre: str | None = None) -> folium.Map:
    """A map whose background is the shipped outlines of the four countries and their regions.

    Parameters
    ----------
    bounds : [[south, west], [north, east]], optional
        Initial view; the four countries when omitted.
    tiles : bool
        Add an OpenStreetMap layer (shown when switched on in the layer control; it needs the
        internet, the map does not).
    lang : {"en", "fr"}
    centre : str, optional
        ``"lat,lon,zoom"`` (a deep link's view); wins over ``bounds``.

    Examples
    --------
    >>> html_ = base_map().get_root().render()
    >>> '"region_code":"MA-02"' in html_ and "tile.openstreetmap" not in html_
    True
    """
    # maxZoom must be explicit without a tile layer: marker clustering refuses a map without it.
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.5, height=height,
                   maxZoom=MAX_ZOOM, minZoom=2)
    if tiles:
        folium.TileLayer("OpenStreetMap", name=t("map.layer.osm", lang), overlay=True, show=False,
                         max_zoom=MAX_ZOOM).add_to(m)
    foliumx.add_style(m, f".leaflet-container{{background:{SEA};}}")
    # The countries around the four (Algeria beside Oujda, Spain across the strait) as land, under
    # everything: without them a map zoomed on a border shows the neighbour as sea.
    (south, west), (north, east) = geo.bounds()
    if bounds:
        south, west = min(south, bounds[0][0]), min(west, bounds[0][1])
        north, east = max(north, bounds[1][0]), max(east, bounds[1][1])
    # Beyond them, the rest of the land in the window, coarse and without borders.
    folium.GeoJson(sketch.far_land([[south, west], [north, east]]), name="Far land", control=False,
                   interactive=False, style_function=lambda _: {"stroke": False, "fillColor": LAND,
                                                                 "fillOpacity": 1}).add_to(m)
    folium.GeoJson(sketch.neighbours([[south, west], [north, east]]), name="Neighbours", control=False,
                   interactive=False, style_function=lambda f: {"color": BORDER, "weight": 1, "fill": False}
                   if f["properties"].get("line") else {"stroke": False, "fillColor": LAND, "fillOpacity": 1}).add_to(m)
    _outlines_element().add_to(m)
    if centre:
        lat, lon, zoom = centre.split(",")
        m.location, m.options["zoom"] = [float(lat), float(lon)], int(zoom)
    else:
        # Without animation: a map that opens by zooming from the world view draws its first
        # second blurred (a canvas scaled 5x) and greys out "zoom out" until the animation ends.
        fit = folium.FitBounds(bounds or geo.bounds())
        fit.options["animate"] = False
        fit.add_to(m)
    return m


# -- actor points -----------------------------------------------------------------------------
def actor_payload(actors: pd.DataFrame, lang: str = "en") -> dict:
    """The compact JSON the browser turns into markers.

    ``rows`` holds ``[lat, lon, kind index, id, name, city index, "theme indices"]`` per actor
    with a position; labels travel once in ``kinds``, ``cities`` and ``themes``. Every text is
    HTML-escaped here, so the browser may insert it as HTML.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a"], "name": ["<b>A</b>"], "kind": ["ngo"], "city": ["Oujda"],
    ...                    "lat": [34.681234567], "lon": [-1.9], "themes": [["health"]], "country": ["MA"]})
    >>> p = actor_payload(df)
    >>> p["rows"], p["kinds"][p["rows"][0][2]]["label"]
    ([[34.6812, -1.9, 7, 'a', '&lt;b&gt;A&lt;/b&gt;', 0, '11']], 'NGO / civil society')
    """
    located = actors.dropna(subset=["lat", "lon"])
    kind_codes = list(ACTOR_KINDS)
    theme_index = {t: str(i) for i, t in enumerate(THEMES)}
    # Column-wise, then zipped: iterating a pandas row at a time costs ~1 s at 50,000 actors.
    city_values = located["city"].astype(object).where(located["city"].notna(), None).tolist() \
        if "city" in located else [None] * len(located)
    cities = sorted({str(c) for c in city_values if c})
    city_index = {c: i for i, c in enumerate(cities)}
    kinds = located["kind"].map({k: i for i, k in enumerate(kind_codes)}).fillna(-1).astype(int).tolist()
    themes = located["themes"].tolist() if "themes" in located else [None] * len(located)
    rows = [
        [la, lo, k, html.escape(str(i)), html.escape(str(nm)), city_index.get(c, -1) if c else -1,
         ".".join(theme_index[x] for x in th if x in theme_index) if th is not None and len(th) else ""]
        for la, lo, k, i, nm, c, th in zip(
            located["lat"].astype(float).round(COORD_DECIMALS).tolist(),
            located["lon"].astype(float).round(COORD_DECIMALS).tolist(),
            kinds, located["id"].tolist(), located["name"].tolist(), city_values, themes)
    ]
    return {
        "rows": rows,
        "kinds": [{"label": _esc(label(ACTOR_KINDS, k, lang)), "colour": KIND_COLOURS[k]} for k in kind_codes],
        "cities": [_esc(c) for c in cities],
        "themes": [_esc(label(THEMES, t, lang)) for t in THEMES],
        "other": {"label": _esc(t("map.layer.other_kind", lang)), "colour": OTHER_COLOUR},
    }


def actor_layer(actors: pd.DataFrame, *, name: str, lang: str = "en", cluster_radius: int = 60,
                radius: float = 6, international: bool = False, show: bool = True) -> foliumx.LayerCall:
    """``actors`` as a layer drawn in the browser from :func:`actor_payload` by
    ``AtlasMap.actorLayer`` (``static/atlas/actors.js``): clustered within ``cluster_radius``
    pixels (0: each on its own), only what is in view drawn; a click reports the actor's id."""
    return foliumx.LayerCall("AtlasMap.actorLayer", {
        "data": actor_payload(actors, lang), "clusterRadius": int(cluster_radius), "maxClusterZoom": MAX_ZOOM - 2,
        "radius": radius,
        # International partners: a dark ring, dashed, so they read as "elsewhere" at a glance.
        "weight": 2.5 if international else 1, "dash": "3 2" if international else None,
    }, name="ActorLayer", layer_name=name, show=show, js_files=["supercluster", "atlas_actors"],
        css_files=["markerclustercss", "markerclusterdefaultcss"])


def explore_actors(actors: pd.DataFrame, m: folium.Map | None = None, *, lang: str = "en",
                   cluster: bool = True, radius: float = 6) -> folium.Map:
    """Draw ``actors`` (rows of :meth:`Store.actors`) as points coloured by kind, with a legend.

    Actors in the four focus countries cluster together; international partners (Bonn, Madrid,
    Paris…) form their own layer with a ringed style, grouped only where they share a place.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["x"], "name": ["<img src=x onerror=alert(1)>"], "kind": ["ngo"],
    ...                    "country": ["MA"], "city": ["Rabat"], "lat": [34.0], "lon": [-6.8], "themes": [[]]})
    >>> page = explore_actors(df).get_root().render()
    >>> "&lt;img src=x onerror=alert(1)&gt;" in page, "<img src=x" in page
    (True, False)
    """
    m = m or base_map(lang=lang)
    abroad = actors["country"].map(is_international).astype(bool)
    actor_layer(actors[~abroad], name=t("map.layer.actors", lang), lang=lang, cluster_radius=60 if cluster else 0,
                radius=radius).add_to(m)
    if abroad.any():
        # Clustered only where points (nearly) coincide, e.g. BMZ and GIZ in Bonn: a click on
        # the pair spreads them out, so each stays clickable.
        actor_layer(actors[abroad], name=t("map.layer.international", lang), lang=lang, cluster_radius=10,
                    radius=radius + 1, international=True).add_to(m)
    found = set(actors["kind"].tolist())
    present = [k for k in ACTOR_KINDS if k in found]
    entries = [(KIND_COLOURS[k], label(ACTOR_KINDS, k, lang)) for k in present]
    if abroad.any():
        entries.append(("ring", t("map.layer.international", lang)))
    return add_legend(m, t("map.layer.legend_kinds", lang), entries)


# -- regions -----------------------------------------------------------------------------------
def class_breaks(values: Iterable[float], classes: int = len(CHOROPLETH)) -> list[float]:
    """Upper bounds of up to ``classes`` classes of positive ``values`` (quantiles, deduplicated).

    >>> class_breaks([0, 1, 1, 2, 3, 5, 8, 13, 21], classes=3)
    [2.0, 8.0, 21.0]
    >>> class_breaks([0, 0])
    []
    """
    positive = np.array([v for v in values if v > 0], dtype=float)
    if positive.size == 0:
        return []
    qs = np.quantile(positive, np.linspace(0, 1, classes + 1)[1:], method="inverted_cdf")
    return sorted({float(q) for q in qs})


def colour_for(value: float, breaks: list[float]) -> str | None:
    """The choropleth colour of ``value`` (None for zero: the region stays the land colour).

    >>> colour_for(0, [2, 8]), colour_for(1, [2, 8]) == CHOROPLETH[0], colour_for(9, [2, 8]) == CHOROPLETH[-1]
    (None, True, True)
    """
    if value <= 0 or not breaks:
        return None
    steps = np.linspace(0, len(CHOROPLETH) - 1, len(breaks)).round().astype(int)
    for bound, step in zip(breaks, steps):
        if value <= bound:
            return CHOROPLETH[step]
    return CHOROPLETH[-1]


def explore_regions(counts: pd.DataFrame, m: folium.Map | None = None, *, metric: str = "",
                    lang: str = "en") -> folium.Map:
    """Choropleth of admin-1 regions: ``counts`` has ``region_code`` and ``n``.

    Regions without actors keep the land colour; the tooltip gives the region's name, country
    and count; a click reports ``feature.properties.region_code`` to streamlit-folium.

    Examples
    --------
    >>> m = explore_regions(pd.DataFrame({"region_code": ["MA-02"], "n": [5]}), metric="Actors")
    >>> page = m.get_root().render()
    >>> "MA-02" in page and "Actors" in page
    True
    """
    m = m or base_map(lang=lang)
    regions = geo.regions()
    n = regions["region_code"].map(dict(zip(counts["region_code"], counts["n"]))).fillna(0).astype(int).tolist()
    breaks = class_breaks(n)
    names = regions["name_en" if lang == "en" else "name"].fillna(regions["name"])
    figures = {code: [_esc(name), _esc(label(COUNTRIES, country, lang)), v, colour_for(v, breaks)]
               for code, name, country, v in zip(regions["region_code"], names, regions["country"], n)}
    aliases = [t("map.layer.region", lang), t("map.layer.country", lang), metric or t("map.layer.actors", lang)]
    # Regions filled by class colour over the outlines' geometry (only the figures are sent); a
    # click reports feature.properties.region_code to streamlit-folium.
    foliumx.LayerCall("AtlasMap.regionLayer", {"figures": figures, "aliases": [_esc(x) for x in aliases], "land": LAND},
                      refs=[_outlines(m)], name="RegionLayer",
                      layer_name=t("map.layer.regions", lang) + (f" — {metric}" if metric else ""),
                      js_files=["atlas_regions"]).add_to(m)
    low: float = 1
    entries: list[tuple[str, str]] = []
    for bound, colour in zip(breaks, (colour_for(b, breaks) for b in breaks)):
        entries.append((colour or "", f"{low:g}–{bound:g}" if bound > low else f"{bound:g}"))
        low = bound + 1
    return add_legend(m, metric or t("map.layer.actors", lang), entries, position="bottomleft")


# -- partnerships ------------------------------------------------------------------------------
def explore_links(links: pd.DataFrame, m: folium.Map | None = None, *, lang: str = "en") -> folium.Map:
    """Partnerships as lines between partner actors.

    ``links`` columns: ``source_name``, ``target_name``, ``kind``, ``source_lat``, ``source_lon``,
    ``target_lat``, ``target_lon`` (one row per relation). Lines between two points at the same
    place are skipped (they would be invisible).

    Examples
    --------
    >>> links = pd.DataFrame({"source_name": ["BMZ"], "target_name": ["GIZ"], "kind": ["funds"],
    ...     "source_lat": [50.7], "source_lon": [7.1], "target_lat": [34.0], "target_lon": [-6.8]})
    >>> "BMZ funds GIZ" in explore_links(links).get_root().render()
    True
    """
    m = m or base_map(lang=lang)
    features = []
    # One line per pair and kind: a partnership renewed under several projects is one line.
    drawn = links.dropna(subset=["source_lat", "source_lon", "target_lat", "target_lon"]) \
        .drop_duplicates(subset=["source_name", "target_name", "kind"])
    for r in drawn.itertuples(index=False):
        if (r.source_lat, r.source_lon) == (r.target_lat, r.target_lon):
            continue
        text = f"{r.source_name} {relation_phrase(r.kind, outgoing=True, lang=lang)} {r.target_name}"
        inferred = is_inferred(getattr(r, "evidence", None))
        if inferred:
            text += f" ({evidence_label('inferred', lang)})"
        features.append({"type": "Feature", "properties": {"label": _esc(text), "inferred": inferred},
                         "geometry": {"type": "LineString", "coordinates": [
                             [round(r.source_lon, COORD_DECIMALS), round(r.source_lat, COORD_DECIMALS)],
                             [round(r.target_lon, COORD_DECIMALS), round(r.target_lat, COORD_DECIMALS)]]}})
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features}, name=t("map.layer.links", lang),
            # Inferred links dashed and lighter, as on the network: a reading, not a source's words.
            style_function=lambda f: {"color": "#c0392b", "weight": 2.5, "opacity": 0.8} | (
                {"dashArray": "6 5", "opacity": 0.45} if f["properties"].get("inferred") else {}),
            tooltip=folium.GeoJsonTooltip(["label"], labels=False),
        ).add_to(m)
    return m


# -- legend ------------------------------------------------------------------------------------
def add_legend(m: folium.Map, title: str, entries: list[tuple[str, str]], *,
               position: str = "bottomright") -> folium.Map:
    """Add a legend: ``entries`` are ``(colour, label)``; colour ``"ring"`` draws a hollow ring.

    The legend is folded to its title (a ``<details>`` element) until opened, so it never covers
    the map unasked, on a phone least of all; open, it scrolls within a third of the map's height.

    >>> page = add_legend(folium.Map(tiles=None), "Kinds <1>", [("#ff0000", "NGO & co")]).get_root().render()
    >>> "Kinds &lt;1&gt;" in page and "NGO &amp; co" in page
    True
    """
    if not entries:
        return m
    swatch = ("<span style='display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:6px;"
              "vertical-align:middle;{}'></span>")
    rows = "".join(
        "<div>" + swatch.format("border:2px dashed #222;background:#fff" if colour == "ring" else f"background:{colour}")
        + _esc(text) + "</div>" for colour, text in entries)
    box = ("<details style='background:rgba(255,255,255,.94);padding:4px 10px;border-radius:6px;"
           "font:13px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:33vh;max-width:60vw;overflow:auto'>"
           f"<summary style='cursor:pointer;font-weight:bold'>{_esc(title)}</summary>{rows}</details>")
    m.add_child(foliumx.Call("AtlasMap.legend", {"html": box, "position": position}, name="Legend",
                             js_files=["atlas_controls"]))
    return m


#: Layers of the layer control a link can switch off (``?hide=``), and their translated names.
LAYER_KEYS = {"regions": "map.layer.regions", "actors": "map.layer.actors",
              "international": "map.layer.international", "links": "map.layer.links"}


@lru_cache(maxsize=1)
def layers_icon_css() -> str:
    """The layer control's icon as a data: URI inside the map's page (``static/atlas/layers.svg``):
    Leaflet's own is a PNG fetched when the control is drawn, which a screenshot or a print taken
    just then showed as a blank white square.

    >>> css = layers_icon_css()
    >>> "url('data:image/svg+xml;base64," in css and "background-size:26px 26px" in css
    True
    """
    svg = (Path(__file__).resolve().parent.parent / "static" / "atlas" / "layers.svg").read_bytes()
    # More specific than leaflet.css's rules (its retina rule included), whatever their order.
    return (".leaflet-control-container .leaflet-control-layers .leaflet-control-layers-toggle{"
            f"background-image:url('data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}');"
            "background-size:26px 26px;background-repeat:no-repeat;background-position:50% 50%}")


# -- the whole map -----------------------------------------------------------------------------
def explore(actors: pd.DataFrame, m: folium.Map | None = None, *, region_counts: pd.DataFrame | None = None,
            metric: str = "", links: pd.DataFrame | None = None, fit: list[list[float]] | None = None,
            tiles: bool = False, lang: str = "en", radius: float = 6, centre: str | None = None,
            view_param: str | None = None, snapshot: str | None = None,
            hidden: Iterable[str] = (), selected: str | None = None, generation: str | None = None,
            fill_frame: bool = False) -> folium.Map:
    """The Map page's map: boundaries, optional choropleth, actors, optional partnership lines,
    a layer control and legends folded away (so they never cover the map), every asset served
    offline. ``centre`` (``"lat,lon,zoom"``) opens a linked view; ``view_param`` names the URL
    parameter the user's pans and zooms are written to, and ``generation`` lets a redrawn map keep
    the user's view (see :class:`_ViewKeeper`); ``snapshot`` (a caption) adds a button saving the
    map as a PNG with that caption; ``hidden`` (keys of :data:`LAYER_KEYS`) starts those layers
    switched off; ``selected`` (an actor id) is ringed; ``fill_frame`` makes the map as tall as its
    frame, whatever height the frame was drawn with (presenter mode sizes the frame to the window).

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "kind": ["ngo", "donor"],
    ...     "country": ["SN", "DE"], "city": ["Dakar", "Bonn"], "lat": [14.7, 50.7], "lon": [-17.4, 7.1],
    ...     "themes": [[], []]})
    >>> page = explore(df).get_root().render()
    >>> "International partners" in page and "https://" not in page.split("<body>")[0]
    True
    """
    m = m or base_map(fit, tiles=tiles, lang=lang, centre=centre)
    if region_counts is not None:
        explore_regions(region_counts, m, metric=metric, lang=lang)
    if links is not None and len(links):
        explore_links(links, m, lang=lang)
    explore_actors(actors, m, lang=lang, radius=radius)
    folium.LayerControl(collapsed=True).add_to(m)
    foliumx.add_style(m, layers_icon_css())
    names = {key: t(message, lang) for key, message in LAYER_KEYS.items()}
    for child in foliumx.children(m):
        if isinstance(child, folium.map.Layer) and child.control:
            key = next((k for k, n in names.items() if child.layer_name.startswith(n)), None)
            if key is not None and key in hidden:
                child.show = False
    if fill_frame:
        foliumx.add_style(m, "#map_div, .folium-map { height: 100vh !important; }")
    if view_param or generation:
        # The page's address follows the map (AtlasMap.keepView, static/atlas/map.js): ?view= after
        # each pan or zoom by the user, ?hide= for layers switched off; a map redrawn with the same
        # generation (a filter changed) opens where the user left it.
        m.add_child(foliumx.Call("AtlasMap.keepView", {
            "param": view_param, "hideParam": "hide", "layers": {n: k for k, n in names.items()},
            "hidden": sorted(hidden), "generation": generation}, name="ViewKeeper", js_files=["atlas_map"]))
    at = actors.loc[actors["id"] == selected, ["lat", "lon"]].dropna() if selected else None
    if at is not None and len(at):
        # A ring around the selected actor, above markers and clusters.
        m.add_child(foliumx.Call("AtlasMap.highlight", {
            "at": [round(float(at.iloc[0]["lat"]), COORD_DECIMALS), round(float(at.iloc[0]["lon"]), COORD_DECIMALS)],
            "radius": radius}, name="Highlight", js_files=["atlas_map"]))
    if snapshot is not None:
        m.add_child(foliumx.Call("AtlasMap.snapshot", {"caption": snapshot, "title": t("map.snapshot", lang), "sea": SEA},
                                 name="Snapshot", js_files=["html2canvas", "atlas_controls"]))
    return offline(m)


def fit_bounds(actors: pd.DataFrame, pad: float = 0.3) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the located ``actors`` (None when there are none).

    >>> fit_bounds(pd.DataFrame({"lat": [14.0, 15.0], "lon": [-17.0, -16.0]}), pad=0)
    [[14.0, -17.0], [15.0, -16.0]]
    """
    located = actors.dropna(subset=["lat", "lon"])
    if located.empty:
        return None
    return [[float(located["lat"].min()) - pad, float(located["lon"].min()) - pad],
            [float(located["lat"].max()) + pad, float(located["lon"].max()) + pad]]


def actor_map(actor: Mapping, areas: pd.DataFrame | None = None, links: pd.DataFrame | None = None, *,
              lang: str = "en") -> folium.Map:
    """A small map of one organisation: the regions where it works shaded, its seat marked, lines to
    the partners whose seats are known; fitted to its seat, its areas and its partners at home
    (:func:`mapping.sketch.actor_view`, the same view as the printed map), so lines to partners
    abroad run off the edge towards them (the page names them). Every text is escaped; every asset
    is served offline.

    Parameters
    ----------
    actor : mapping
        The file: ``id``, ``name``, ``kind``, ``lat``, ``lon``, ``country``, ``region_code``.
    areas : DataFrame, optional
        Areas of operation (``region_code``).
    links : DataFrame, optional
        :meth:`mapping.store.Store.map_links` of the actor.

    Examples
    --------
    >>> m = actor_map({"name": "<b>MS2</b>", "kind": "ngo", "lat": 34.68, "lon": -1.91, "region_code": "MA-02"},
    ...               pd.DataFrame({"region_code": ["MA-01"]}))
    >>> page = m.get_root().render()
    >>> "&lt;b&gt;MS2&lt;/b&gt;" in page and "<b>MS2</b>" not in page and '"MA-01"' in page
    True
    """
    view = sketch.actor_view(actor, areas, links)
    seat = view["seat"]
    shaded = geo.regions()
    shaded = shaded[shaded["region_code"].isin(view["codes"])]
    bounds = view["bounds"]
    m = base_map(bounds, lang=lang)
    if not shaded.empty:
        folium.GeoJson(shaded[["region_code", "geometry"]].to_json(), name=t("actor.map.areas", lang),
                       style_function=lambda _: {"color": "#2c7fb8", "weight": 1.5, "fillColor": "#2c7fb8",
                                                 "fillOpacity": 0.25}).add_to(m)
    if links is not None and len(links):
        explore_links(links, m, lang=lang)
    for partner in view["near"]:  # where each partner in view is, named on hover (as on paper)
        folium.CircleMarker((partner["lat"], partner["lon"]), radius=4, color="#ffffff", weight=1, fill=True,
                            fill_color="#c0392b", fill_opacity=1, tooltip=_esc(partner["name"])).add_to(m)
    if seat:
        colour = KIND_COLOURS.get(actor.get("kind") or "", OTHER_COLOUR)
        folium.CircleMarker(seat, radius=9, color="#222", weight=2, fill=True, fill_color=colour, fill_opacity=1,
                            tooltip=_esc(actor.get("name"))).add_to(m)
    return offline(m)


def clicked(state: Mapping | None) -> tuple[str, str] | None:
    """What a click on the map designated, from streamlit-folium's returned ``last_active_drawing``.

    Returns ``("actor", id)``, ``("region", code)`` or None (a cluster, a line, nothing).

    >>> clicked({"last_active_drawing": {"properties": {"id": "commune-oujda"}}})
    ('actor', 'commune-oujda')
    >>> clicked({"last_active_drawing": {"properties": {"region_code": "MA-02", "n": 3}}})
    ('region', 'MA-02')
    >>> clicked({"last_active_drawing": None}), clicked(None)
    (None, None)
    """
    feature = (state or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    if props.get("id"):
        return "actor", html.unescape(str(props["id"]))
    if props.get("region_code"):
        return "region", str(props["region_code"])
    return None



# -- slide-ready export ----------------------------------------------------------------------------
#: Assets a standalone map needs (the rest of folium's defaults — Bootstrap, Font Awesome,
#: awesome-markers — are not used by the atlas's maps and stay out of the file).
STANDALONE_ASSETS = ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/jquery/jquery.min.js",
                     "vendor/html2canvas/html2canvas.min.js", "vendor/supercluster/supercluster.min.js",
                     "vendor/markercluster/MarkerCluster.css", "vendor/markercluster/MarkerCluster.Default.css",
                     "atlas/map.js", "atlas/controls.js", "atlas/regions.js",
                     "atlas/actors.js")
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _inline_css(path: Path) -> str:
    """A stylesheet with its images as data: URIs (so nothing is fetched)."""
    def data_uri(match: re.Match) -> str:
        target = (path.parent / match.group(1)).resolve()
        if target.suffix.lower() not in (".png", ".gif", ".svg") or not target.is_file():
            return "url(data:,)"
        mime = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml"}[target.suffix.lower()]
        return f"url(data:{mime};base64,{base64.b64encode(target.read_bytes()).decode('ascii')})"

    return re.sub(r"url\((?!data:|#)['\"]?([^'\")]+)['\"]?\)", data_uri, path.read_text(encoding="utf-8"))


def standalone(m: folium.Map, caption: str = "", title: str = "Migration Actors Atlas") -> str:
    """The map as one HTML file that opens offline anywhere (a slide, an e-mail): the scripts and
    styles it needs inlined, the others dropped, and a caption naming sources and date.

    Examples
    --------
    >>> page = standalone(explore(pd.DataFrame({"id": ["a"], "name": ["A"], "kind": ["ngo"], "country": ["SN"],
    ...     "city": ["Dakar"], "lat": [14.7], "lon": [-17.4], "themes": [[]]})), caption="Sources: <3 documents>")
    >>> "/app/static" in page, "<script src" in page, "Sources: &lt;3 documents&gt;" in page
    (False, False, True)
    """
    def load(url: str) -> tuple[str, str] | None:
        asset = url.split(STATIC_URL + "/", 1)[-1] if url.startswith(STATIC_URL) else None
        if asset not in STANDALONE_ASSETS:
            return None  # unused by the atlas's maps, or not ours: never fetched
        path = STATIC_DIR / asset
        return asset, _inline_css(path) if path.suffix == ".css" else path.read_text(encoding="utf-8")

    page = foliumx.inline_assets(m.get_root().render(), load)
    note = (f"<div style='position:fixed;left:8px;bottom:8px;z-index:1000;background:rgba(255,255,255,.92);"
            f"padding:4px 8px;border-radius:4px;font:13px sans-serif'>{_esc(caption)}</div>") if caption else ""
    page = page.replace("<head>", f"<head><title>{_esc(title)}</title>", 1)
    return page.replace("</body>", note + "</body>", 1)
