"""Streamlit glue for presenters: presenter mode, the tour bar and adding views to tours.
No SQL and no business logic: tours are checked and stored by ``mapping``."""
from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

from mapping import i18n, views
from pages._ui import data_key, escape, guarded, lang, store, tr, user

# -- presenter mode ----------------------------------------------------------------------------------
#: Presenter mode: the page's picture fills the window below a slim title bar (44 px) and above the
#: tour bar (44 px when a tour runs); --atlas-top/--atlas-bottom say how much chrome there is, and
#: the map's frame and the network chart take the rest of the window's height.
PRESENT_CSS = """
<style>
:root { --atlas-top: 44px; }
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
    padding: calc(var(--atlas-top) + 4px) 0.75rem calc(var(--atlas-bottom, 0px) + 1rem) !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff !important; color: #000000 !important; }
[data-testid="stMain"] [data-testid="stElementContainer"]:has(h1) { display: none !important; }  /* named by the bar */
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li, .stCaption { font-size: 1.2rem !important; }
iframe[title="streamlit_folium.st_folium"] {
    height: calc(100vh - var(--atlas-top) - var(--atlas-bottom, 0px) - 12px) !important; }
.stEChartsChart, .stEChartsChart > div, .atlas-network {
    height: calc(100vh - var(--atlas-top) - var(--atlas-bottom, 0px) - 12px) !important; }
.st-key-atlas_present { position: fixed; top: 0; left: 0; right: 0; height: var(--atlas-top); z-index: 999990;
    background: #000000; padding: 0 0.5rem 0 1rem; flex-wrap: nowrap !important; overflow: hidden; }
.st-key-atlas_present > div:first-child { flex: 1 1 auto; min-width: 0; }
.atlas-titlebar { color: #ffffff; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 1.2rem; }
.atlas-titlebar small { color: #dddddd; font-size: 0.9rem; margin-left: 1rem; }
.st-key-atlas_present button { color: #ffffff !important; border-color: #777777 !important; background: #000000 !important;
    min-height: 32px; padding: 0 0.6rem; }
.st-key-atlas_present button span { color: #ffffff !important; }
/* The close button is its icon alone (its name is its tooltip and its shortcut Esc). */
.st-key-atlas_present button p, .st-key-atlas_present button kbd { display: none !important; }
/* The page's controls, folded into a menu that sits in the title bar. */
.st-key-atlas_controls { position: fixed !important; top: 6px; right: 3.6rem; z-index: 999995; width: auto !important; }
.st-key-atlas_controls button { min-height: 32px; padding: 0 0.6rem; background: #000000; color: #ffffff; border-color: #777777; }
.st-key-atlas_controls button p, .st-key-atlas_controls button span { color: #ffffff !important; font-size: 0.95rem !important; }
@media (max-width: 700px) {
    .atlas-titlebar small, .st-key-atlas_controls button p { display: none; }
    .atlas-titlebar { font-size: 1rem; }
}
</style>
"""


def presenting() -> bool:
    """Presenter mode: ``?present=1`` in the URL (so a shared link opens it) or the sidebar toggle."""
    if "present" in st.query_params:
        st.session_state["present"] = st.query_params["present"] in ("1", "true")
    return bool(st.session_state.get("present"))


@guarded
def set_presenting(on: bool) -> None:
    st.session_state["present"] = on
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def source_line() -> str:
    """"Migration Actors Atlas · N source documents · data as of DATE": under every exported picture."""
    return _source_line(data_key(), lang())


@st.cache_data(show_spinner=False, max_entries=8)
def _source_line(key: tuple[str, int], language: str) -> str:
    # Read once per data version: the map and network pages ask for it on every run.
    s = store()
    return i18n.t("present.sources", language, n=len(s.sources()), date=s.last_changed()[:10])


_SHARE_JS = Path(__file__).resolve().parent.parent / "static" / "atlas" / "share.js"


@st.cache_resource(show_spinner=False)
def _share_component():
    """The browser-side half of sharing (``static/atlas/share.js``), registered once per process."""
    return st.components.v2.component("atlas_share", js=_SHARE_JS.read_text(encoding="utf-8"),
                                      css=".atlas-share{display:flex;gap:.4rem}.atlas-share input{flex:1;min-width:0;"
                                          "font:12px monospace;padding:.3rem}.atlas-share button{padding:.3rem .6rem;"
                                          "cursor:pointer}")


def share_link() -> None:
    """This view's full address as the browser shows it, map view included, with a copy button."""
    with st.expander(tr("present.share")):
        st.caption(tr("present.share_help"))
        _share_component()(key="atlas_share", data={"mode": "share", "label": tr("present.copy"),
                                                    "copied": tr("present.copied")})


def controls(key: str = "atlas_controls"):
    """Where a page draws its controls: as usual, or, when presenting, folded into a menu in the
    title bar so the picture keeps the screen."""
    if presenting():
        return st.popover(tr("present.controls"), icon=":material/tune:", key=key)
    return st.container()


def presenter_frame(view_name: str) -> None:
    """Presenter mode's chrome: no Streamlit header or sidebar, high-contrast type, and one slim
    title bar naming the view and its sources, with the page's menu and a close button (Esc)."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    line = source_line()
    with st.container(key="atlas_present", horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"<div class='atlas-titlebar'><b>{html.escape(view_name)}</b><small>{html.escape(line)}</small>"
                    "</div>", unsafe_allow_html=True)
        st.button(tr("present.exit"), key="present_exit", on_click=set_presenting, args=(False,), shortcut="Esc",
                  icon=":material/close:", help=tr("present.exit"))


# -- tours: a presenter steps through saved views ----------------------------------------------------
TOUR_PARAMS = ("tour", "step")
TOUR_CSS = """<style>
:root { --atlas-bottom: 44px; }
.st-key-atlas_tour { position: fixed; bottom: 0; left: 0; right: 0; height: var(--atlas-bottom); z-index: 999980;
    background: #ffffff; border-top: 2px solid #000000; padding: 0 0.5rem 0 1rem; flex-wrap: nowrap !important; }
.st-key-atlas_tour > div:first-child { flex: 1 1 auto; min-width: 0; }
.atlas-tourline { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 1.05rem; }
.st-key-atlas_tour button { min-height: 32px; padding: 0 0.6rem; }
[data-testid="stMainBlockContainer"], .block-container { padding-bottom: calc(var(--atlas-bottom) + 1rem) !important; }
@media (max-width: 700px) { .st-key-atlas_tour button p, .st-key-atlas_tour kbd { display: none; } }
</style>"""


def active_tour() -> tuple[dict, int] | None:
    """The tour being presented (``?tour=<id>&step=<n>``) and the step number, if any."""
    tour_id = st.query_params.get("tour")
    tour = store().tour(tour_id) if tour_id else None
    if not tour:
        return None
    step = st.query_params.get("step", "1")
    n = int(step) if step.isdigit() else 1
    return tour, min(max(n, 1), len(tour["steps"]))


@guarded
def go_to_step(tour: dict, n: int) -> None:
    """Callback: open step ``n`` of ``tour`` (app.py switches page on the next run)."""
    step = tour["steps"][n - 1]
    params = dict(step["params"]) | {"tour": tour["id"], "step": str(n)}
    if presenting():
        params["present"] = "1"
    st.session_state["_tour_go"] = (step["page"], params)
    st.session_state["_filters_loaded"] = False  # the step's filters replace the current ones
    # The step's view replaces the current one whole: what it does not set (a map view, a zoom, a
    # selection) goes back to its default instead of staying from the previous step.
    for p in views.PARAMS.get(step["page"], ()):
        if p.name not in step["params"]:
            st.session_state.pop(p.key, None)
    if "actor" not in step["params"]:
        st.session_state.pop("selected_actor", None)
    # The network's own view (?graph_view=) is the step's, whatever the previous step drew.
    st.session_state.pop("_net_view_of", None)
    if step["params"].get("lang"):
        st.session_state["lang"] = step["params"]["lang"]


@guarded
def end_tour() -> None:
    for name in TOUR_PARAMS:
        if name in st.query_params:
            del st.query_params[name]


def tour_bar() -> None:
    """Above the page while a tour runs: the step's title and caption, previous / next (Page Up /
    Page Down, as presentation clickers send) and leave."""
    active = active_tour()
    if not active:
        return
    tour, n = active
    step = tour["steps"][n - 1]
    st.markdown(TOUR_CSS, unsafe_allow_html=True)
    with st.container(key="atlas_tour", horizontal=True, vertical_alignment="center", gap="small"):
        text = lambda value: html.escape(value, quote=False)  # noqa: E731  element text, not an attribute
        st.markdown(f"<div class='atlas-tourline'><b>{text(tour['name'])}</b> · "
                    f"{text(tr('tour.step_of', n=n, total=len(tour['steps'])))}: <b>{text(step['title'])}</b>"
                    f"{text(' — ' + step['caption']) if step.get('caption') else ''}</div>",
                    unsafe_allow_html=True)
        st.button(tr("tour.previous"), key="tour_prev", on_click=go_to_step, args=(tour, n - 1),
                  disabled=n <= 1, shortcut="PageUp", icon=":material/chevron_left:")
        st.button(tr("tour.next"), key="tour_next", on_click=go_to_step, args=(tour, n + 1),
                  disabled=n >= len(tour["steps"]), shortcut="PageDown", type="primary", icon=":material/chevron_right:")
        st.button(tr("tour.end"), key="tour_end", on_click=end_tour, type="tertiary", icon=":material/stop:")


@guarded
def _add_step(page_key: str, params: dict[str, str]) -> None:
    from mapping.validate import Invalid

    s = store()
    chosen = st.session_state.get("tour_add_to")
    tour = s.tour(chosen) if chosen and chosen != "__new__" else {
        "name": st.session_state.get("tour_new_name", ""), "description": "", "steps": []}
    step = {"title": st.session_state.get("tour_step_title") or page_key, "page": page_key, "params": params,
            "caption": st.session_state.get("tour_step_caption", "")}
    try:
        saved = s.save_tour(tour | {"steps": tour["steps"] + [step]}, user=user(),
                            expected_version=tour.get("version"))
        st.session_state["_tour_msg"] = ("success", tr("tour.added", name=saved["name"], n=len(saved["steps"])))
        st.session_state["tour_add_to"] = saved["id"]
    except Invalid as exc:
        st.session_state["_tour_msg"] = ("error", str(exc))


def _params_of(search: str, page_key: str) -> dict[str, str]:
    """The step parameters of an address's query string: what a step of ``page_key`` may carry."""
    from urllib.parse import parse_qsl

    from mapping.tours import allowed_params

    allowed = allowed_params(page_key) - set(TOUR_PARAMS)
    return {k: v for k, v in parse_qsl(search.lstrip("?")) if k in allowed}


def add_to_tour_box(page_key: str) -> None:
    """Sidebar, for curators: save the current view as the next step of a tour. The view is read
    from the browser's address (with the map's own pans and zooms, which only the browser knows)."""
    pending = st.session_state.pop("_tour_add_pending", None)
    if pending is not None:
        _add_step(page_key, _params_of(pending, page_key))
    tours = store().tours()
    labels = {"__new__": tr("tour.new")} | dict(zip(tours["id"], tours["name"]))
    if st.session_state.get("tour_add_to") not in labels:
        st.session_state["tour_add_to"] = "__new__"
    with st.expander(tr("tour.add")):
        chosen = st.selectbox(tr("tour.which"), list(labels), key="tour_add_to", format_func=labels.get)
        if chosen == "__new__":
            st.text_input(tr("tour.new_name"), key="tour_new_name")
        st.text_input(tr("tour.step_title"), key="tour_step_title")
        st.text_area(tr("tour.step_caption"), key="tour_step_caption", height=80)
        clicked = _share_component()(key="tour_add_button", data={"mode": "add", "label": tr("tour.add_button")},
                                     on_add_change=lambda: None)
        if clicked.add is not None:
            st.session_state["_tour_add_pending"] = clicked.add
            st.rerun()
        kind, message = st.session_state.pop("_tour_msg", (None, None))
        if kind:
            (st.success if kind == "success" else st.error)(escape(message))
