"""Network: who works with whom — the graph of the filtered actors, a project's network, an
actor's ego network, the shortest chains between two actors, metrics and exports."""
import streamlit as st

from mapping import exporters, graph, views
from pages import _errors, _network_chart, _presenter, _ui, _views

_ui.ensure_app()

LIMIT = 2000  # nodes drawn at most; larger graphs show their most connected nodes
MODES = ("whole", "project", "ego", "path")

lang = _ui.lang()
key = _ui.data_key()
filters = _ui.current_filters()
st.title(_ui.tr("network.title"))
_ui.url_in("network")

# Labels are resolved now, not in format_func callbacks, which may run outside this script's session.
labels = {x: _ui.tr(f"network.{group}.{x}") for group, xs in
          (("mode", MODES), ("color", ("kind", "community")), ("metric", graph.METRICS)) for x in xs}
panel = _presenter.controls()  # folded into the title bar's menu when presenting
mode = panel.radio(_ui.tr("network.mode"), MODES, horizontal=True, key="net_mode", format_func=labels.get)
left, middle, right = panel.columns(3)
color_by = left.selectbox(_ui.tr("network.color_by"), ("kind", "community"), key="net_color",
                          format_func=labels.get)
size_by = middle.selectbox(_ui.tr("network.size_by"), graph.METRICS, key="net_size",
                           format_func=labels.get)
context = right.checkbox(_ui.tr("network.context"), value=True, key="net_context",
                         help=_ui.tr("network.context_help"), disabled=mode == "project")
stated = right.checkbox(_ui.tr("network.stated"), key="net_stated", help=_ui.tr("network.stated_help"))

project = None
if mode == "project":
    options = _ui.filter_options(key)
    projects = options["projects"]
    _ui.keep_if_in("net_project", projects)
    project = panel.selectbox(_ui.tr("network.project"), projects, key="net_project",
                           index=_ui.index_for("net_project", projects.index("recosa") if "recosa" in projects else 0),
                           format_func=options["project_labels"].get)

view = _views.network(key, filters, context, project, stated=stated)
g = view["graph"]
if g.number_of_nodes() == 0:
    st.info(_ui.tr("network.empty"))
    _errors.end_page()

actor_names, actor_ids = view["names"], view["ids"]
selected = _ui.selected_actor()
focus: tuple[str, ...] = ()
hops = 1
paths: list[list[str]] = []
start = end = None


def _index_of(actor: str | None) -> int | None:
    return actor_ids.index(actor) if actor in actor_names else None


for widget in ("net_ego", "net_from", "net_to"):
    _ui.keep_if_in(widget, actor_ids)
if mode == "ego":
    a, b = panel.columns([3, 1])
    center = a.selectbox(_ui.tr("network.ego_actor"), actor_ids, index=_ui.index_for("net_ego", _index_of(selected) or 0),
                         format_func=actor_names.get, key="net_ego")
    hops = b.slider(_ui.tr("network.hops"), 1, 3, 1, key="net_hops")
    focus = (center,)
elif mode == "path":
    a, b = panel.columns(2)
    start = a.selectbox(_ui.tr("network.path_from"), actor_ids, index=_ui.index_for("net_from", _index_of(selected)),
                        format_func=actor_names.get, key="net_from", placeholder=_ui.tr("network.pick"))
    end = b.selectbox(_ui.tr("network.path_to"), actor_ids, index=None, format_func=actor_names.get,
                      key="net_to", placeholder=_ui.tr("network.pick"))
    if start and end and start != end:
        paths = graph.shortest_paths(g, start, end, limit=5)
        if paths and g.number_of_nodes() > LIMIT:  # too large to draw whole: draw the chains' surroundings
            focus = tuple(dict.fromkeys(n for p in paths for n in p))

zoom = panel.select_slider(_ui.tr("network.zoom"), views.ZOOMS, key="net_zoom", format_func=lambda z: f"×{z}",
                           help=_ui.tr("network.zoom_help"), on_change=_network_chart.forget_view)
drawn_as = (key, filters, context, project, focus, hops, LIMIT)  # what every cached view below is of
# The user's own view of the picture (wheel, drag, keys: ?graph_view=) belongs to the picture it was
# chosen on: another drawing (a filter, a mode, more hops) opens whole. A link or a tour step brings both.
if st.session_state.get("_net_view_of", (drawn_as, stated)) != (drawn_as, stated):
    st.session_state.pop("net_view", None)
st.session_state["_net_view_of"] = (drawn_as, stated)
own_view = views.graph_view(st.session_state.get("net_view") or "")
if own_view:
    panel.button(_ui.tr("network.whole"), key="net_whole", on_click=_network_chart.forget_view,
                 icon=":material/fit_screen:", help=_ui.tr("network.whole_help"))
# Zoomed in on what the view is about: the selected actor, else the ego network's centre or the
# chain's middle.
centre_on = selected if selected in actor_names else (
    focus[0] if mode == "ego" else (paths[0][len(paths[0]) // 2] if paths else None))

# What is said about the picture goes above it, or below it when presenting (the picture first).
presenting = _presenter.presenting()
notes = st.container() if not presenting else None
_ui.url_out("network")
drawing = _views.network_drawing(key, filters, context, project, focus, hops, LIMIT, stated=stated)
drawn = drawing["graph"]
caption = _presenter.source_line()
spec = graph.with_view(_views.network_chart(*drawn_as, color_by, size_by, tuple(map(tuple, paths)), selected,
                                            lang, presenting, caption, zoom, centre_on, stated=stated), own_view)
# A click on an actor selects it before the next run (the component's callback), which draws it marked.
_network_chart.network_chart(spec, drawn, key="network_chart", height=680, view_param="graph_view",
                             alt=_ui.tr("network.alt", nodes=drawn.number_of_nodes(), edges=drawing["edges"]))
st.caption(_ui.tr("network.legend_edges"))
with notes or st.container():
    if mode == "path" and start and end and start != end:
        if paths:
            st.success(_ui.tr("network.paths_found", n=len(paths), steps=_ui.tr("network.steps", n=len(paths[0]) - 1)))
            for sentence in graph.path_sentences(g, paths, lang):
                st.markdown("- " + _ui.escape(sentence))
        else:
            st.warning(_ui.tr("network.no_path", a=_ui.escape(actor_names[start]), b=_ui.escape(actor_names[end])))
    if view["actors"] > graph.ANALYSE_LIMIT:
        st.warning(_ui.tr("network.analysed", kept=graph.ANALYSE_LIMIT, total=view["actors"]))
    if drawn.number_of_nodes() < drawing["total"] and not focus:
        st.info(_ui.tr("network.truncated", shown=drawn.number_of_nodes(), total=drawing["total"]))
    if view["metrics"].attrs.get("estimated"):
        st.caption(_ui.tr("network.estimated", pivots=graph.PIVOTS))

if selected in actor_names:
    with _errors.record(selected):
        st.markdown(_ui.tr("network.selected", name=_ui.escape(actor_names[selected])))
        st.page_link("pages/actor.py", label=_ui.tr("network.open_file"),
                     query_params={"actor": selected, "lang": lang})

st.subheader(_ui.tr("network.metrics"))
table = _views.network_table(*drawn_as, lang, stated=stated)
columns = ["name", "kind", "country", "degree", "weighted_degree", "betweenness", "closeness", "community"]
st.dataframe(table, hide_index=True, key="net_metrics", column_order=columns,
             column_config={c: _ui.tr(f"network.col.{c}") for c in columns})

stem = f"atlas-network-{project or mode}"


def _annotated():
    return graph.annotated(drawn, view["metrics"], view["community"], drawing["positions"])


downloads = (  # built only when clicked (deferred), so a large graph does not slow every rerun
    ("metrics", lambda: exporters.to_csv(table), "-nodes.csv", "text/csv"),
    ("edges", lambda: exporters.to_csv(graph.edges_table(drawn, lang)), "-edges.csv", "text/csv"),
    ("graphml", lambda: exporters.to_graphml(_annotated()), ".graphml", "application/graphml+xml"),
    ("gexf", lambda: exporters.to_gexf(_annotated()), ".gexf", "application/xml"),
    ("svg", lambda: graph.spec_to_svg(spec, caption=caption), ".svg", "image/svg+xml"),
)
for column, (name, make, suffix, mime) in zip(st.columns(len(downloads)), downloads):
    column.download_button(_ui.tr(f"network.download.{name}"), make, file_name=stem + suffix, mime=mime,
                           key=f"net_dl_{name}", on_click="ignore")
