"""The Network page's graph as a Streamlit component (``static/atlas/network.js``).

``st.echarts_chart`` reports clicks but not the user's wheel zoom and pans, and its ECharts
instance is private to Streamlit's bundle, so a shared link or a tour step could not keep the
picture's view. The component draws the same ECharts option with ECharts served from
``static/vendor/echarts`` (no CDN), reports a click on a node, and writes the view into the address
(``?graph_view=``, read back by the page like every other view parameter)."""
from __future__ import annotations

import functools
from pathlib import Path

import networkx as nx
import streamlit as st

from mapping import graph
from mapping.maps import STATIC_URL
from pages._ui import guarded, select_actor

_JS = Path(__file__).resolve().parent.parent / "static" / "atlas" / "network.js"
LIB = f"{STATIC_URL}/vendor/echarts/echarts.min.js"


@st.cache_resource(show_spinner=False)
def _component():
    """Registered once per process; in the page's own DOM (not a shadow root) so presenter mode's
    stylesheet can give the picture the window's height."""
    return st.components.v2.component(
        "atlas_network", js=_JS.read_text(encoding="utf-8"), isolate_styles=False,
        css=".atlas-network{width:100%}.atlas-network:focus-visible{outline:2px solid #1c83e1;outline-offset:2px}")


@guarded
def _clicked(key: str) -> None:
    """A click on a node, before the page runs: an actor clicked becomes the selection, so the run
    that follows already draws it marked (a project or an event is not an actor to select)."""
    index = (st.session_state.get(key) or {}).get("node")
    drawn = st.session_state.get(f"_{key}_drawn")
    node = graph.node_at(drawn, index) if drawn is not None and isinstance(index, int) else None
    if node is not None and drawn.nodes[node].get("node_type") == "actor":
        select_actor(node)


@guarded
def forget_view(param: str = "graph_view", key: str = "net_view") -> None:
    """Callback: the picture opens whole (or at the zoom slider's choice) again. The address loses
    the view too: the picture wrote it there without telling the page, which would read it back."""
    st.session_state.pop(key, None)
    if param in st.query_params:
        del st.query_params[param]


def network_chart(spec: dict, drawn: nx.MultiDiGraph, *, key: str, height: int, alt: str, view_param: str) -> None:
    """Draw ``spec`` (:func:`mapping.graph.chart_spec` of ``drawn``). ``alt`` is the picture's
    accessible name; the user's view goes to ``?view_param=``."""
    # What a click's index refers to: the cached graph object itself, not a copy.
    st.session_state[f"_{key}_drawn"] = drawn
    _component()(key=key, data={"spec": spec, "lib": LIB, "height": height, "alt": alt, "param": view_param},
                 on_node_change=functools.partial(_clicked, key))
