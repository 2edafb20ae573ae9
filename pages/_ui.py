"""Streamlit glue shared by app.py and the pages: the cached store, cached reads, the
language, the shared filters and their URL round trip. No SQL and no business logic here:
everything is delegated to ``mapping``.
"""
from __future__ import annotations

import streamlit as st

from mapping import i18n
from mapping.filters import PARAM_NAMES, Filters
from mapping.present import escape as escape  # re-exported: pages escape user text through _ui
from pages._stores import (  # noqa: F401
    data_key,
    edits_off,
    guarded,
    live_store,
    show_ops_message,
    stop_busy,
    store,
    viewer,
)

FILTER_KEYS = ("f_q", "f_countries", "f_regions", "f_cities", "f_kinds", "f_themes", "f_target_groups", "f_projects")
_FIELD_OF_KEY = {k: k[2:] for k in FILTER_KEYS}


def ensure_app() -> None:
    """Call first in every page: make sure app.py (navigation, sidebar) runs around the page.

    A ``pages/`` folder makes Streamlit start each process (and each AppTest run) in its
    legacy multipage mode, which runs a deep-linked page script directly, without app.py,
    until app.py's ``st.navigation`` has run once. Leaving that mode and rerunning brings
    the request back through app.py, on the same URL. The flag is private and no public option
    replaces it: tests/test_ui.py pins this to the Streamlit version and says what to re-check.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# -- cached reads (keyed on data_key; the store itself is not hashed) -------------------------
# st.cache_resource hands every session the same object (nothing copied: callers must not change
# it); st.cache_data pickles on every hit, so it only holds small frames such as one page of rows.
@st.cache_data(show_spinner=False, max_entries=256)
def directory_page(key: tuple[str, int], filters: Filters, sort: str, descending: bool, page: int, size: int,
                   lang: str) -> tuple[object, int]:
    """One page of the directory's table (labelled in ``lang``) and how many actors match."""
    from mapping import present
    from mapping.model import ACTOR_KINDS, COUNTRIES

    vocabulary = {"kind": ACTOR_KINDS, "country": COUNTRIES}.get(sort)
    rank = present.ranked_codes(vocabulary, lang) if vocabulary else None
    rows, total = store().actors_page(filters, sort=sort, descending=descending, page=page, size=size, rank=rank)
    return present.directory_table(rows, lang), total


@st.cache_data(show_spinner=False, max_entries=64)
def facet(key: tuple[str, int], name: str, filters: Filters) -> object:
    return store().facet_counts(name, filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def export_file(key: tuple[str, int], filters: Filters, fmt: str, language: str) -> bytes:
    """The directory's export of ``filters`` in ``fmt``, labelled in ``language``, built on the first
    click and then shared by every session until the data changes (bytes are immutable, so sharing is safe)."""
    from mapping import exporters, present
    from mapping.store import EXPORT_COLUMNS

    writer = {"csv": exporters.to_csv, "xlsx": exporters.to_xlsx, "geojson": exporters.to_geojson,
              "hxl": exporters.to_hxl}[fmt]
    return writer(present.export_table(store().actors(filters, columns=EXPORT_COLUMNS), language))


@st.cache_data(show_spinner=False, max_entries=8)
def duplicate_candidates(key: tuple[str, int], country: str | None) -> object:
    return store().duplicate_candidates(country)  # a pass over every actor: once per data version


@st.cache_resource(show_spinner=False, max_entries=4)
def filter_options(key: tuple[str, int]) -> dict:
    """The sidebar's choices, shared by every session (read-only)."""
    return store().filter_options()


# -- language ---------------------------------------------------------------------------------
def lang() -> str:
    """Current interface language (URL ``?lang=`` first, then the browser's preference)."""
    if "lang" not in st.session_state:
        header = None
        try:
            header = st.context.headers.get("Accept-Language")
        except Exception:  # AppTest has no request headers
            header = None
        st.session_state["lang"] = i18n.normalise_lang(st.query_params.get("lang"), header)
    return st.session_state["lang"]


def tr(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)


# -- filters ------------------------------------------------------------------------------------
def init_filters_from_url() -> None:
    """Once per session, put the URL's filters into the sidebar widgets' state."""
    if st.session_state.get("_filters_loaded"):
        return
    f = Filters.from_params(st.query_params.to_dict())
    for key, field in _FIELD_OF_KEY.items():
        value = getattr(f, field)
        st.session_state[key] = value if isinstance(value, str) else list(value)
    st.session_state["_filters_loaded"] = True


def current_filters() -> Filters:
    """The shared filters as the sidebar widgets hold them."""
    values = {field: st.session_state.get(key) for key, field in _FIELD_OF_KEY.items()}
    values = {k: v for k, v in values.items() if v}
    return Filters().with_(**values)


def write_filters_to_url(filters: Filters) -> None:
    """Mirror the filters in the address bar so a copied link reopens the same view."""
    params = filters.to_params()
    for name in PARAM_NAMES:
        if name in params:
            if st.query_params.get(name) != params[name]:
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def queue_filter(key: str, value: str) -> None:
    """Add ``value`` to the sidebar filter ``key`` on the next run (a widget's state cannot change
    once it is drawn in this run); the caller reruns the app."""
    st.session_state.setdefault("_pending_filters", []).append((key, value))


def apply_pending_filters() -> None:
    """Apply :func:`queue_filter` requests; app.py calls it before drawing the sidebar."""
    for key, value in st.session_state.pop("_pending_filters", []):
        current = list(st.session_state.get(key) or [])
        if value not in current:
            st.session_state[key] = current + [value]


@guarded
def reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = "" if key == "f_q" else []


# -- selection shared by the Map, the Network and the organisation file -------------------------
def selected_actor() -> str | None:
    """The selected actor id: the URL's ``?actor=`` (so a link reopens it), else the session's."""
    from_url = st.query_params.get("actor")
    if from_url:
        st.session_state["selected_actor"] = from_url
    return st.session_state.get("selected_actor") or None


def select_actor(actor_id: str | None) -> None:
    """Select an actor on every page (and in the URL); ``None`` clears the selection."""
    st.session_state["selected_actor"] = actor_id
    if actor_id:
        st.query_params["actor"] = actor_id
    elif "actor" in st.query_params:
        del st.query_params["actor"]


# -- accounts: who is signed in (the store re-checks the role on every write) ---------------------
def user():
    """The signed-in curator or admin of this session, or None for a visitor."""
    return st.session_state.get("user")


def can(action: str) -> bool:
    """Whether the signed-in account may ``action`` now (nobody may while edits are off)."""
    from mapping.auth import can as allowed

    return not edits_off() and allowed(user(), action)


# -- deep links: each page's own choices in the URL (mapping/views.py) ------------------------------
def url_in(page: str) -> None:
    """Before the page's widgets: take its choices from the URL when the URL holds something other
    than what this session last wrote there (a pasted link, a tour step, a fresh browser, or the
    map or the network writing the user's view into the address).

    Only what changed in the URL is taken, and what left it goes back to its default: a picture
    writes its view into the address without a run, and the run that follows (a widget changed)
    must keep that widget's new value, not the one the address still holds."""
    from mapping import views

    params = {n: st.query_params[n] for n in views.names(page) if n in st.query_params}
    last = st.session_state.get(f"_url_{page}")
    if params == last:
        return
    wanted, before = views.from_params(page, params), views.from_params(page, last or {})
    st.session_state.update({k: v for k, v in wanted.items() if before.get(k) != v or k not in st.session_state})
    for gone in before.keys() - wanted.keys():
        st.session_state.pop(gone, None)
    st.session_state[f"_url_{page}"] = params


def url_out(page: str) -> None:
    """After the page's widgets: write its choices to the URL (defaults left out)."""
    from mapping import views

    params = views.to_params(page, st.session_state)
    for name in views.names(page):
        if name in params and st.query_params.get(name) != params[name]:
            st.query_params[name] = params[name]
        elif name not in params and name in st.query_params:
            del st.query_params[name]
    st.session_state[f"_url_{page}"] = params


def index_for(key: str, index: int | None) -> int | None:
    """A selectbox's default index, unless its state is already set (from the URL or earlier):
    Streamlit warns when a widget gets both."""
    return 0 if key in st.session_state else index


def keep_if_in(key: str, options) -> None:
    """Forget a widget's state (e.g. from an old link) that is no longer among its options."""
    if key in st.session_state and st.session_state[key] is not None and st.session_state[key] not in options:
        del st.session_state[key]
