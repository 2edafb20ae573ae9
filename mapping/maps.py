"""Map builders: frames in, ``folium.Map`` out — offline, escaped, light enough for 50,000 actors.

Every builder follows geopandas' ``explore(df, m=None)`` style: it draws onto ``m`` when given,
or onto a new :func:`base_map`, and returns the map. Nothing here imports streamlit; the Map page
passes the result to streamlit-folium, the benchmark and the tests render it to HTML.

Why the points are not ``folium.Marker`` objects: each Marker is a separate JavaScript statement
with its own popup element, so 10,000 of them make a page of several megabytes that takes seconds
to build and parse. Here the actors travel as one compact JSON array (coordinates rounded, codes
instead of labels) and the browser creates canvas circle markers from it inside one marker
cluster group, with popups built only when opened.

Offline: :func:`offline` points every JavaScript/CSS asset of the map at the copies served by the
app under ``/app/static/vendor`` (fetched by ``scripts/fetch_static.py``) and refuses any asset it
does not know, so a CDN link cannot slip in. The background is drawn from the shipped boundaries;
an OpenStreetMap layer is offered but off, and the map never needs it.
"""
from __future__ import annotations

import html
import json
from typing import Iterable, Mapping

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from mapping import geo
from mapping.i18n import t
from mapping.graph import NODE_COLOURS
from mapping.model import ACTOR_KINDS, COUNTRIES, THEMES, is_international, label, relation_phrase

#: Where Streamlit's static serving exposes ``static/vendor`` (``[server] enableStaticServing``).
STATIC_URL = "/app/static/vendor"

#: folium asset name -> file under ``static/vendor``. Assets folium declares that the map does not
#: need (Bootstrap 3 glyphicons, the awesome-markers rotation CSS) map to ``None`` and are dropped.
ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/bootstrap.bundle.min.js",
    "awesome_markers": "awesome-markers/leaflet.awesome-markers.js",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "leaflet_css": "leaflet/leaflet.css",
    "bootstrap_css": "bootstrap/bootstrap.min.css",
    "glyphicons_css": None,
    "awesome_markers_font_css": "fontawesome/css/all.min.css",
    "awesome_markers_css": "awesome-markers/leaflet.awesome-markers.css",
    "awesome_rotate_css": None,
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
}

#: One colour per actor kind, the Network page's palette in vocabulary order.
KIND_COLOURS: dict[str, str] = dict(zip(ACTOR_KINDS, NODE_COLOURS))
OTHER_COLOUR = "#555555"
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
def _walk(element) -> Iterable:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def offline(m: folium.Map, base: str = STATIC_URL) -> folium.Map:
    """Point every JS/CSS asset of ``m`` (and of its layers) at the app's own copies.

    Parameters
    ----------
    m : folium.Map
    base : str
        URL prefix of ``static/vendor``; a standalone export may pass a file URL or inline later.

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
    for element in _walk(m):
        if not isinstance(element, JSCSSMixin):
            continue
        for attr in ("default_js", "default_css"):
            local = []
            for name, url in getattr(element, attr):
                if name not in ASSETS:
                    raise ValueError(f"{type(element).__name__} needs {name} ({url}), which is not served offline")
                if ASSETS[name]:
                    local.append((name, f"{base}/{ASSETS[name]}"))
            setattr(element, attr, local)  # instance attribute: folium's class defaults stay intact
    return m


# -- base map ----------------------------------------------------------------------------------
def base_map(bounds: list[list[float]] | None = None, *, tiles: bool = False, lang: str = "en",
             height: str | int = "100%") -> folium.Map:
    """A map whose background is the shipped outlines of the four countries and their regions.

    Parameters
    ----------
    bounds : [[south, west], [north, east]], optional
        Initial view; the four countries when omitted.
    tiles : bool
        Add an OpenStreetMap layer (shown when switched on in the layer control; it needs the
        internet, the map does not).
    lang : {"en", "fr"}

    Examples
    --------
    >>> html_ = base_map().get_root().render()
    >>> "Morocco" in html_ and "tile.openstreetmap" not in html_
    True
    """
    # maxZoom must be explicit without a tile layer: marker clustering refuses a map without it.
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.5, height=height,
                   maxZoom=MAX_ZOOM, minZoom=2)
    if tiles:
        folium.TileLayer("OpenStreetMap", name=t("map.layer.osm", lang), overlay=True, show=False,
                         max_zoom=MAX_ZOOM).add_to(m)
    m.get_root().header.add_child(Element(f"<style>.leaflet-container{{background:{SEA};}}</style>"))
    outline = geo.countries()
    outline["label"] = [_esc(label(COUNTRIES, c, lang)) for c in outline["country"]]
    folium.GeoJson(
        outline[["country", "label", "geometry"]].to_json(),
        name=t("map.layer.countries", lang), control=False, interactive=False,
        style_function=lambda _: {"fillColor": LAND, "fillOpacity": 1, "color": BORDER, "weight": 1.5},
    ).add_to(m)
    regions = geo.regions()
    folium.GeoJson(
        regions[["region_code", "geometry"]].to_json(), name=t("map.layer.region_lines", lang),
        control=False, interactive=False,
        style_function=lambda _: {"fill": False, "color": BORDER, "weight": 0.6, "dashArray": "3 3"},
    ).add_to(m)
    m.fit_bounds(bounds or geo.bounds())
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


class ActorLayer(JSCSSMixin, Layer):
    """Actors as canvas circle markers in one marker-cluster group, built in the browser from
    :func:`actor_payload`. A clicked marker carries ``feature.properties.id`` so streamlit-folium
    reports which actor it was (``last_active_drawing``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var p = {{ this.payload }};
            var group = {{ this.cluster_js }};
            var markers = new Array(p.rows.length);
            for (var i = 0; i < p.rows.length; i++) {
                var r = p.rows[i], k = p.kinds[r[2]] || p.other;
                var mk = L.circleMarker([r[0], r[1]], {radius: {{ this.radius }}, color: "#ffffff",
                    weight: {{ this.weight }}, fillColor: k.colour, fillOpacity: 0.9, dashArray: {{ this.dash }}});
                mk.feature = {type: "Feature", properties: {id: r[3]}};
                mk.bindTooltip(r[4]);
                mk.bindPopup((function (r, k) { return function () {
                    var themes = r[6] ? r[6].split(".").map(function (t) { return p.themes[+t]; }).join(", ") : "";
                    return "<div class='atlas-popup'><b>" + r[4] + "</b><br>" + k.label +
                        (r[5] >= 0 ? " · " + p.cities[r[5]] : "") + (themes ? "<br><small>" + themes + "</small>" : "") +
                        "</div>"; }; })(r, k));
                markers[i] = mk;
            }
            if (group.addLayers) { group.addLayers(markers); } else { markers.forEach(function (mk) { group.addLayer(mk); }); }
            return group;
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)
    default_js = [("markerclusterjs", "leaflet.markercluster.js")]
    default_css = [("markerclustercss", "MarkerCluster.css"),
                   ("markerclusterdefaultcss", "MarkerCluster.Default.css")]

    def __init__(self, actors: pd.DataFrame, *, name: str, lang: str = "en", cluster: bool = True,
                 cluster_radius: int = 45, radius: float = 6, international: bool = False, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ActorLayer"
        self.count = int(actors.dropna(subset=["lat", "lon"]).shape[0])
        # "</" cannot close the script: every text is already escaped, this guards the JSON itself.
        self.payload = json.dumps(actor_payload(actors, lang), ensure_ascii=False,
                                  separators=(",", ":")).replace("</", "<\\/")
        self.cluster_js = (f"L.markerClusterGroup({{chunkedLoading: true, maxClusterRadius: {int(cluster_radius)}, "
                           "spiderfyOnMaxZoom: true, showCoverageOnHover: false})"
                           if cluster else "L.featureGroup()")
        self.radius = radius
        # International partners: a dark ring, dashed, so they read as "elsewhere" at a glance.
        self.weight = 2.5 if international else 1
        self.dash = '"3 2"' if international else "null"


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
    ActorLayer(actors[~abroad], name=t("map.layer.actors", lang), lang=lang, cluster=cluster,
               radius=radius).add_to(m)
    if abroad.any():
        # Clustered only where points (nearly) coincide, e.g. BMZ and GIZ in Bonn: a click on
        # the pair spreads them out, so each stays clickable.
        ActorLayer(actors[abroad], name=t("map.layer.international", lang), lang=lang, cluster_radius=10,
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
    n = regions["region_code"].map(dict(zip(counts["region_code"], counts["n"]))).fillna(0).astype(int)
    breaks = class_breaks(n)
    regions["n"] = n
    regions["fill"] = [colour_for(v, breaks) for v in n]
    name_col = "name_en" if lang == "en" else "name"
    regions["label"] = [_esc(x) for x in regions[name_col].fillna(regions["name"])]
    regions["country_label"] = [_esc(label(COUNTRIES, c, lang)) for c in regions["country"]]
    layer = folium.GeoJson(
        regions[["region_code", "label", "country_label", "n", "fill", "geometry"]].to_json(),
        name=t("map.layer.regions", lang) + (f" — {metric}" if metric else ""),
        style_function=lambda f: {"fillColor": f["properties"]["fill"] or LAND,
                                  "fillOpacity": 0.75 if f["properties"]["fill"] else 0.0,
                                  "color": "#5b6770", "weight": 0.8},
        highlight_function=lambda _: {"weight": 2.5, "color": "#111111"},
        tooltip=folium.GeoJsonTooltip(["label", "country_label", "n"],
                                      aliases=[_esc(t("map.layer.region", lang)), _esc(t("map.layer.country", lang)),
                                               _esc(metric or t("map.layer.actors", lang))]),
    )
    layer.add_to(m)
    low = 1
    entries = []
    for bound, colour in zip(breaks, (colour_for(b, breaks) for b in breaks)):
        entries.append((colour, f"{low:g}–{bound:g}" if bound > low else f"{bound:g}"))
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
        features.append({"type": "Feature", "properties": {"label": _esc(text)},
                         "geometry": {"type": "LineString", "coordinates": [
                             [round(r.source_lon, COORD_DECIMALS), round(r.source_lat, COORD_DECIMALS)],
                             [round(r.target_lon, COORD_DECIMALS), round(r.target_lat, COORD_DECIMALS)]]}})
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features}, name=t("map.layer.links", lang),
            style_function=lambda _: {"color": "#c0392b", "weight": 2.5, "opacity": 0.8},
            tooltip=folium.GeoJsonTooltip(["label"], labels=False),
        ).add_to(m)
    return m


# -- legend ------------------------------------------------------------------------------------
class _Legend(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "{{ this.position }}"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html_: str, position: str):
        super().__init__()
        self._name = "Legend"
        self.html = json.dumps(html_).replace("</", "<\\/")
        self.position = position


def add_legend(m: folium.Map, title: str, entries: list[tuple[str, str]], *,
               position: str = "bottomright") -> folium.Map:
    """Add a legend box: ``entries`` are ``(colour, label)``; colour ``"ring"`` draws a hollow ring.

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
    box = ("<div style='background:rgba(255,255,255,.92);padding:6px 10px;border-radius:6px;font:13px/1.5 sans-serif;"
           f"box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:260px;overflow:auto'><b>{_esc(title)}</b>{rows}</div>")
    m.add_child(_Legend(box, position))
    return m


# -- the whole map -----------------------------------------------------------------------------
def explore(actors: pd.DataFrame, m: folium.Map | None = None, *, region_counts: pd.DataFrame | None = None,
            metric: str = "", links: pd.DataFrame | None = None, fit: list[list[float]] | None = None,
            tiles: bool = False, lang: str = "en", radius: float = 6) -> folium.Map:
    """The Map page's map: boundaries, optional choropleth, actors, optional partnership lines,
    a layer control, every asset served offline.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "kind": ["ngo", "donor"],
    ...     "country": ["SN", "DE"], "city": ["Dakar", "Bonn"], "lat": [14.7, 50.7], "lon": [-17.4, 7.1],
    ...     "themes": [[], []]})
    >>> page = explore(df).get_root().render()
    >>> "International partners" in page and "https://" not in page.split("<body>")[0]
    True
    """
    m = m or base_map(fit, tiles=tiles, lang=lang)
    if region_counts is not None:
        explore_regions(region_counts, m, metric=metric, lang=lang)
    if links is not None and len(links):
        explore_links(links, m, lang=lang)
    explore_actors(actors, m, lang=lang, radius=radius)
    folium.LayerControl(collapsed=False).add_to(m)
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

