"""Streamlit glue for presenters: presenter mode, the tour bar and adding views to tours.
No SQL and no business logic: tours are checked and stored by ``mapping``."""
from __future__ import annotations

import html

import streamlit as st

from mapping import i18n
from pages._ui import data_key, escape, lang, store, tr, user

# -- presenter mode ----------------------------------------------------------------------------------
PRESENT_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 0.8rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff !important; color: #000000 !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li, label, .stCaption { font-size: 1.25rem !important; }
h1 { font-size: 2.6rem !important; color: #000000 !important; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 4.2rem !important; }
.st-key-atlas_present { position: fixed; top: 0; left: 0; right: 0; z-index: 999990; background: #000000;
                        padding: 0.35rem 1rem; gap: 0 !important; }
.atlas-titlebar { color: #ffffff; font-size: 1.35rem; display: flex; justify-content: space-between; gap: 1rem; }
.atlas-titlebar small { color: #ffffff; font-size: 1rem; }
.st-key-atlas_present button p { color: #ffffff !important; font-size: 0.9rem !important; }
</style>
"""


def presenting() -> bool:
    """Presenter mode: ``?present=1`` in the URL (so a shared link opens it) or the sidebar toggle."""
    if "present" in st.query_params:
        st.session_state["present"] = st.query_params["present"] in ("1", "true")
    return bool(st.session_state.get("present"))


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


def share_link() -> None:
    """This view's full address, ready to copy (the copy icon of the code block)."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    with st.expander(tr("present.share")):
        st.caption(tr("present.share_help"))
        st.code(base + ("?" + urlencode(st.query_params.to_dict()) if st.query_params else ""), language=None)


def presenter_frame(view_name: str) -> None:
    """Presenter mode's chrome: no Streamlit header or sidebar, large high-contrast type, and a
    title bar naming the view and its sources; Esc leaves it."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    line = source_line()
    with st.container(key="atlas_present"):
        st.markdown(f"<div class='atlas-titlebar'><b>{html.escape(view_name)}</b><small>{html.escape(line)}</small>"
                    "</div>", unsafe_allow_html=True)
        st.button(tr("present.exit"), key="present_exit", on_click=set_presenting, args=(False,), shortcut="Esc",
                  type="tertiary")


# -- tours: a presenter steps through saved views ----------------------------------------------------
TOUR_PARAMS = ("tour", "step")
TOUR_CSS = """<style>
.st-key-atlas_tour { position: fixed; bottom: 0; left: 0; right: 0; z-index: 999980; background: #ffffff;
                     border-top: 3px solid #000000; padding: 0.5rem 1.5rem; gap: 0.3rem !important; }
[data-testid="stMainBlockContainer"], .block-container { padding-bottom: 11rem !important; }
</style>"""


def current_view_params() -> dict[str, str]:
    """This view's URL parameters, without the tour's own bookkeeping."""
    return {k: v for k, v in st.query_params.to_dict().items() if k not in TOUR_PARAMS}


def active_tour() -> tuple[dict, int] | None:
    """The tour being presented (``?tour=<id>&step=<n>``) and the step number, if any."""
    tour_id = st.query_params.get("tour")
    tour = store().tour(tour_id) if tour_id else None
    if not tour:
        return None
    step = st.query_params.get("step", "1")
    n = int(step) if step.isdigit() else 1
    return tour, min(max(n, 1), len(tour["steps"]))


def go_to_step(tour: dict, n: int) -> None:
    """Callback: open step ``n`` of ``tour`` (app.py switches page on the next run)."""
    step = tour["steps"][n - 1]
    params = dict(step["params"]) | {"tour": tour["id"], "step": str(n)}
    if presenting():
        params["present"] = "1"
    st.session_state["_tour_go"] = (step["page"], params)
    st.session_state["_filters_loaded"] = False  # the step's filters replace the current ones
    if step["params"].get("lang"):
        st.session_state["lang"] = step["params"]["lang"]


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
    with st.container(key="atlas_tour"):
        st.markdown(f"**{escape(tour['name'])}** — {tr('tour.step_of', n=n, total=len(tour['steps']))}: "
                    f"**{escape(step['title'])}**")
        if step.get("caption"):
            st.markdown(escape(step["caption"]))
        back, forward, leave = st.columns([1, 1, 4])
        back.button(tr("tour.previous"), key="tour_prev", on_click=go_to_step, args=(tour, n - 1),
                    disabled=n <= 1, shortcut="PageUp")
        forward.button(tr("tour.next"), key="tour_next", on_click=go_to_step, args=(tour, n + 1),
                       disabled=n >= len(tour["steps"]), shortcut="PageDown", type="primary")
        leave.button(tr("tour.end"), key="tour_end", on_click=end_tour, type="tertiary")


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


def add_to_tour_box(page_key: str) -> None:
    """Sidebar, for curators: save the current view as the next step of a tour."""
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
        st.button(tr("tour.add_button"), key="tour_add_button", on_click=_add_step,
                  args=(page_key, current_view_params()))
        kind, message = st.session_state.pop("_tour_msg", (None, None))
        if kind:
            (st.success if kind == "success" else st.error)(message)
