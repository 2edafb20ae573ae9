"""What the Network and Map pages draw, computed once per data version and shared by every session.

``st.cache_resource`` hands each session the same object (no copy, no unpickling: at 10,000 nodes
unpickling a cached graph cost more than building it), so nothing returned here may be changed
by a caller. Every function is keyed on ``key`` (:func:`pages._ui.data_key`): a write bumps the
data version and the next run builds afresh.
"""
from __future__ import annotations

import threading

import streamlit as st
import streamlit_folium

from mapping.filters import Filters
from pages import _ui


# -- network ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=16)
def network(key: tuple[str, int], filters: Filters, context: bool, project: str | None = None, *,
            stated: bool = False) -> dict:
    """The actor graph for ``filters`` (or one ``project``'s network) with its metrics and communities.

    ``context`` adds the projects and events that link actors as nodes of their own; ``stated``
    leaves out the links curators inferred (only what the sources say, or an outside reference). Beyond
    ``graph.ANALYSE_LIMIT`` actors only the most connected are kept (``actors`` says how many
    matched). ``names`` maps actor nodes to names and ``ids`` lists them by name (the pickers' options).
    """
    from mapping import graph

    s = _ui.store()
    if project:
        filters = filters.with_(projects=(project,))
    actors = s.actors(filters)
    matched = len(actors)
    relations = s.relations_among(actors["id"].tolist())
    actors, relations = graph.trim_frames(actors, relations)
    if project:
        relations = graph.project_relations(relations, project)
    ids, only = actors["id"].tolist(), [project] if project else None
    roles = s.project_role_edges(ids, only) if context or project else None
    parts = s.participation_edges(ids, only) if context or project else None
    if stated:
        relations, roles, parts = (None if f is None else f[f["evidence"] != "inferred"]
                                   for f in (relations, roles, parts))
    g = graph.build_graph(actors, relations, roles, parts)
    simple = graph.collapse(g)  # once, for both the metrics and the communities
    node_metrics, community = graph.metrics(g, simple=simple), graph.communities(g, simple=simple)
    names = {n: d["name"] for n, d in g.nodes(data=True) if d["node_type"] == "actor"}
    return {"graph": g, "metrics": node_metrics, "community": community, "actors": matched,
            "community_names": graph.community_names(g, community, node_metrics),
            "names": names, "ids": sorted(names, key=lambda n: names[n].lower())}


@st.cache_resource(show_spinner=False, max_entries=32)
def network_drawing(key: tuple[str, int], filters: Filters, context: bool, project: str | None,
                    focus: tuple[str, ...], hops: int, limit: int, *, stated: bool = False) -> dict:
    """The drawn part of :func:`network` and its layout (fixed seed: the same picture every time)."""
    from mapping import graph

    whole = network(key, filters, context, project, stated=stated)["graph"]
    drawn = graph.drawn_subgraph(whole, focus, hops, limit)
    return {"graph": drawn, "positions": graph.layout(drawn), "total": whole.number_of_nodes(),
            "edges": drawn.number_of_edges()}


@st.cache_resource(show_spinner=False, max_entries=64)
def network_chart(key: tuple[str, int], filters: Filters, context: bool, project: str | None,
                  focus: tuple[str, ...], hops: int, limit: int, color_by: str, size_by: str,
                  paths: tuple[tuple[str, ...], ...], selected: str | None, lang: str, large: bool,
                  caption: str, zoom: int = 1, centre_on: str | None = None, *, stated: bool = False) -> dict:
    """The ECharts option of a drawing (``st.echarts_chart`` copies it before changing anything;
    given as JSON text it would scan every string of it for code, which costs more)."""
    from mapping import graph

    view = network(key, filters, context, project, stated=stated)
    drawing = network_drawing(key, filters, context, project, focus, hops, limit, stated=stated)
    spec = graph.chart_spec(drawing["graph"], drawing["positions"], view["metrics"], color_by=color_by,
                            size_by=size_by, community=view["community"], highlight=[n for p in paths for n in p],
                            highlight_edges=graph.path_edges([list(p) for p in paths]), selected=selected,
                            lang=lang, large=large, caption=caption, community_names=view["community_names"],
                            zoom=zoom, centre_on=centre_on)
    return spec


@st.cache_resource(show_spinner=False, max_entries=32)
def network_table(key: tuple[str, int], filters: Filters, context: bool, project: str | None,
                  focus: tuple[str, ...], hops: int, limit: int, lang: str, *, stated: bool = False) -> object:
    """The metrics table of a drawing, in ``lang``."""
    from mapping import graph

    view = network(key, filters, context, project, stated=stated)
    drawn = network_drawing(key, filters, context, project, focus, hops, limit, stated=stated)["graph"]
    return graph.metrics_table(drawn, view["metrics"], view["community"], lang, view["community_names"])


@st.cache_resource(show_spinner=False, max_entries=64)
def ego_chart(key: tuple[str, int], actor_id: str, lang: str) -> dict:
    """An organisation file's picture of its partners: the most relevant ones around it (the rest
    counted in ``left_out``), its ECharts option and the drawn graph (clicks map back through it)."""
    from mapping import graph

    whole = network(key, Filters(), False)
    drawn, left_out = graph.ego_partners(whole["graph"], actor_id, whole["metrics"])
    spec = graph.ego_spec(drawn, graph.ego_layout(drawn, actor_id), whole["metrics"], actor_id, lang)
    return {"graph": drawn, "spec": spec, "left_out": left_out}


# -- map ---------------------------------------------------------------------------------------------
MAP_COLUMNS = ("id", "name", "kind", "country", "region_code", "city", "lat", "lon", "themes")


@st.cache_resource(show_spinner=False, max_entries=16)
def map_actors(key: tuple[str, int], filters: Filters) -> object:
    return _ui.store().actors(filters, columns=MAP_COLUMNS)


@st.cache_resource(show_spinner=False, max_entries=32)
def region_counts(key: tuple[str, int], filters: Filters, kind: str | None, theme: str | None) -> object:
    return _ui.store().region_counts(filters, kind=kind, theme=theme)


@st.cache_resource(show_spinner=False, max_entries=32)
def area_counts(key: tuple[str, int], filters: Filters) -> object:
    return _ui.store().area_counts(filters)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_links(key: tuple[str, int], actor_id: str | None, project_id: str | None) -> object:
    return _ui.store().map_links(actor_id=actor_id, project_id=project_id)


# streamlit-folium renders the map to a script and sends it on every run; the script depends only on
# what the map shows, so it is rendered once per content (the data version, filters, shading, lines,
# language, view) for every session: a run, or a sidebar change that leaves the map as it was,
# neither renders it again nor changes the component's identity (its key is the script's hash).
# The component is reached through st_folium itself, asked to hand over its arguments instead of
# drawing (a per-thread switch around its private, pinned `_component_func`).
_capture = threading.local()
_draw = streamlit_folium._component_func


def _component(**kwargs):
    if getattr(_capture, "on", False):
        _capture.args = kwargs
        return None
    return _draw(**kwargs)


streamlit_folium._component_func = _component


@st.cache_resource(show_spinner=False, max_entries=32)
def folium_map(content: tuple, key: str, height: int, returned: tuple[str, ...], _build) -> dict:
    """The component arguments of the map ``_build()`` makes, rendered once per ``content`` (every
    input of ``_build``) and widget ``key``; ``_build`` itself is not part of the cache key."""
    _capture.on = True
    try:
        streamlit_folium.st_folium(_build(), key=key, height=height, use_container_width=True,
                                   returned_objects=list(returned))
        return _capture.args
    finally:
        _capture.on = False


def show_map(args: dict):
    """Draw a map from :func:`folium_map`'s arguments; returns what the component returns."""
    return _draw(**args)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_sketch(key: tuple[str, int], filters: Filters, label: str, height: int) -> str:
    """The light sketch shown under the map's frame until the map paints over it (mapping/sketch.py):
    a block of the map's height that takes no room (its own and the gap after it), so the frame, given
    its full height before its content arrives, lands exactly on it and nothing below moves."""
    from mapping import maps, sketch

    svg = sketch.map_svg(map_actors(key, filters), maps.KIND_COLOURS, label)
    frame = f"min-height: {height}px; background: transparent; color-scheme: normal"
    # The block's own negative margin takes its height back; the gap the layout puts after its
    # element is taken back on that element (an element cannot be shorter than nothing).
    return (f'<style>iframe[title="streamlit_folium.st_folium"] {{ {frame}; }}'
            '[data-testid="stElementContainer"]:has(.atlas-map-sketch) { margin-bottom: -1rem; }</style>'
            f'<div class="atlas-map-sketch" style="height:{height}px;margin-bottom:-{height}px;'
            f'pointer-events:none;background:#f8f9fa">{svg}</div>')


# -- organisation file ---------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=64)
def actor_sketch(key: tuple[str, int], actor_id: str, lang: str, _actor: dict) -> dict:
    """The organisation's small map for paper (an SVG: a frame of scripts prints unreliably) and
    the line naming what it leaves out, once per data version and language."""
    from mapping import maps, sketch

    view = sketch.actor_view(_actor, _ui.store().actor_areas(actor_id), map_links(key, actor_id, None))
    return {"svg": sketch.actor_svg(view, _actor, maps.KIND_COLOURS, lang), "beyond": sketch.beyond(view, _actor, lang)}


@st.cache_resource(show_spinner=False, max_entries=64)
def actor_file(key: tuple[str, int], actor_id: str, lang: str) -> dict:
    """The published partners (one table), projects, events and source list of one organisation
    file, in ``lang``: read and laid out once per data version for every visitor of that file."""
    from mapping import orgfile, present

    s = _ui.store()
    relations = s.actor_relations(actor_id)
    projects, events = s.actor_projects(actor_id), s.actor_events(actor_id)
    return {"partners": present.partners_table(relations, lang), "projects": projects, "events": events,
            "cited": orgfile.source_list(s.actor_citations(actor_id), relations, projects, events, lang)}
