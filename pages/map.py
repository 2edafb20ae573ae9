"""Map: where the actors are — points by kind over the shipped boundaries, regions coloured by
count, partnership lines, all drawn without the internet."""
import streamlit as st

from mapping import geo, maps, provenance
from mapping.model import ACTOR_KINDS, COUNTRIES, THEMES, is_international, label
from pages import _errors, _presenter, _ui, _views

_ui.ensure_app()

lang = _ui.lang()
key = _ui.data_key()
filters = _ui.current_filters()
tr = _ui.tr
st.title(tr("map.title"))
_ui.url_in("map")

options = _ui.filter_options(key)
# Region colouring: off, every actor, or one kind / one theme ("kind:ngo", "theme:health").
shading = ["off", "all", "areas"] + [f"kind:{k}" for k in ACTOR_KINDS] + [f"theme:{t}" for t in THEMES]
shading_labels = {"off": tr("map.shade.off"), "all": tr("map.shade.all"), "areas": tr("map.shade.areas")}
shading_labels |= {f"kind:{k}": tr("map.shade.kind", kind=label(ACTOR_KINDS, k, lang)) for k in ACTOR_KINDS}
shading_labels |= {f"theme:{t}": tr("map.shade.theme", theme=label(THEMES, t, lang)) for t in THEMES}
projects = options["projects"]

panel = _presenter.controls()  # folded into the title bar's menu when presenting
left, middle, right = panel.columns([2, 2, 1])
shade = left.selectbox(tr("map.shade"), shading, index=_ui.index_for("map_shade", 1), key="map_shade",
                       format_func=shading_labels.get)
_ui.keep_if_in("map_project", projects)
project = middle.selectbox(tr("map.links_project"), projects, index=_ui.index_for("map_project", None), key="map_project",
                           placeholder=tr("map.links_project_none"),
                           format_func=lambda p: options["project_labels"].get(p, p))
tiles = right.toggle(tr("map.tiles"), key="map_tiles", help=tr("map.tiles_help"))
_ui.url_out("map")


# Callbacks, not `if st.button(...)`: they run before the script, so a rerun cannot swallow them.
@_ui.guarded
def _fit() -> None:
    st.session_state["map_view"] = st.session_state.get("map_view", 0) + 1
    st.session_state["map_fitted"] = True
    st.session_state.pop("map_centre", None)


@_ui.guarded
def _reset() -> None:
    _ui.select_actor(None)
    for name in ("map_fitted", "map_project", "_map_last_hit", "map_centre", "map_hide"):
        st.session_state.pop(name, None)
    for name in ("view", "hide"):
        if name in st.query_params:
            del st.query_params[name]
    st.session_state["map_view"] = st.session_state.get("map_view", 0) + 1


b1, b2, _ = panel.columns([1, 1, 4])
b1.button(tr("map.fit"), key="map_fit", help=tr("map.fit_help"), on_click=_fit)
b2.button(tr("map.reset"), key="map_reset", on_click=_reset)

actors = _views.map_actors(key, filters)
selected = _ui.selected_actor()
kind = shade.split(":", 1)[1] if shade.startswith("kind:") else None
theme = shade.split(":", 1)[1] if shade.startswith("theme:") else None
counts = None if shade == "off" else _views.area_counts(key, filters) if shade == "areas" else \
    _views.region_counts(key, filters, kind, theme)
links = _views.map_links(key, None, project) if project else (
    _views.map_links(key, selected, None) if selected else None)
unplaced = provenance.unplaced(actors)  # never drawn at an invented point: listed below the map instead
count = tr("map.count", n=len(actors) - len(unplaced))
if len(unplaced):
    count += " · " + tr("map.unplaced_count", n=len(unplaced))
panel.caption(count + (" · " + tr("map.links_count", n=len(links)) if links is not None else ""))


caption = count + " · " + _presenter.source_line()

# The map keeps the user's view when it is redrawn (a filter changed) until the page asks for
# another one: Fit to selection, Reset, or a view arriving from a link or a tour step. Each of
# these starts a new "generation" of the view; the map restores the user's view of its own only.
if st.session_state.get("map_centre") != st.session_state.get("_map_centre_used"):
    st.session_state["_map_centre_used"] = st.session_state.get("map_centre")
    st.session_state["map_view"] = st.session_state.get("map_view", 0) + 1


@st.fragment
def show_map() -> None:
    # Fit to what is shown: the partnership lines' ends, else the filtered actors.
    fit = None
    if st.session_state.get("map_fitted"):
        ends = actors[actors["id"].isin(set(links["source_actor"]) | set(links["target_actor"]))] \
            if links is not None and len(links) else actors
        fit = maps.fit_bounds(ends)
    centre = st.session_state.get("map_centre") if not fit else None  # ?view=lat,lon,zoom from a link
    metric = shading_labels[shade] if counts is not None else ""
    radius = 9 if _presenter.presenting() else 6
    hidden = [k for k in (st.session_state.get("map_hide") or "").split(",") if k]
    # Rendered once per content for every session (see _views.folium_map); only the clicked feature
    # comes back: panning and zooming do not rerun the page.
    # The view's generation: a redrawn map keeps the user's view within one generation (see above).
    generation = f"{st.session_state.get('map_view', 0)}|{centre}|{fit}"
    content = (key, filters, shade, metric, project, selected, str(fit), tiles, lang, centre, radius, caption,
               tuple(hidden), generation, _presenter.presenting())
    # Something at once: a sketch of the outlines and actors, which the map's frame covers when it paints.
    st.markdown(_views.map_sketch(key, filters, tr("map.sketch"), 620), unsafe_allow_html=True)
    state = _views.show_map(_views.folium_map(
        content, f"atlas_map_{st.session_state.get('map_view', 0)}", 620, ("last_active_drawing",),
        lambda: maps.explore(actors, region_counts=counts, metric=metric, links=links, fit=fit, tiles=tiles,
                             lang=lang, centre=centre, view_param="view", radius=radius, snapshot=caption,
                             hidden=hidden, selected=selected, generation=generation,
                             fill_frame=_presenter.presenting())))
    hit = maps.clicked(state)
    if hit and hit != st.session_state.get("_map_last_hit"):
        st.session_state["_map_last_hit"] = hit
        what, value = hit
        if what == "region" and value not in options["regions"]:
            # A filter on a region without actors would match nothing: say so instead.
            st.info(tr("map.region_empty", region=_ui.escape(geo.region_name(value, lang) or value)))
            return
        if what == "actor":
            _ui.select_actor(value)
        else:
            _ui.queue_filter("f_regions", value)
        st.rerun(scope="app")


show_map()
# The slide-ready file is built only when asked for (a deferred download), from the same view.
st.download_button(tr("map.export_html"), file_name="atlas-map.html", mime="text/html", key="map_export_html",
                   on_click="ignore",
                   help=tr("map.export_html_help"),
                   data=lambda: maps.standalone(maps.explore(actors, region_counts=counts, links=links, lang=lang,
                                                             selected=selected,
                                                             metric=shading_labels[shade] if counts is not None else "",
                                                             snapshot=caption),
                                                caption, tr("map.title")))

if selected:
    actor = _ui.store().actor(selected)
    if actor:
        with st.container(border=True), _errors.record(selected):
            st.subheader(_ui.escape(actor["name"]), anchor=False)
            place = ", ".join(_ui.escape(x) for x in (actor.get("city"), actor.get("region")) if x)
            st.markdown(f"**{_ui.escape(label(ACTOR_KINDS, actor['kind'], lang))}** · {place}")
            if actor.get("themes"):
                st.markdown(tr("map.themes") + " " + ", ".join(_ui.escape(label(THEMES, t, lang)) for t in actor["themes"]))
            st.page_link("pages/actor.py", label=tr("map.open_file"), query_params={"actor": selected, "lang": lang})

if len(unplaced):
    with st.expander(tr("map.unplaced", n=len(unplaced))):
        st.caption(tr("map.unplaced_help"))
        for row in unplaced.itertuples(index=False):
            st.page_link("pages/actor.py", label=_ui.escape(row.name + (f" — {label(COUNTRIES, row.country, lang)}"
                                                           if isinstance(row.country, str) else "")),
                         query_params={"actor": row.id, "lang": lang})

abroad = actors[actors["country"].map(is_international).astype(bool) & actors["lat"].notna()]
if len(abroad):
    with st.expander(tr("map.international", n=len(abroad))):
        for row in abroad.itertuples(index=False):
            st.page_link("pages/actor.py", label=_ui.escape(f"{row.name} — {row.city or row.country}"),
                         query_params={"actor": row.id, "lang": lang})
