"""Migration Actors Atlas — entry point.

Declares the pages (st.navigation) and the shared sidebar: language, the actor filters
shared by every page (kept in the session and in the URL).
"""
from __future__ import annotations

import streamlit as st

from mapping import i18n, tours
from mapping.model import ACTOR_KINDS, COUNTRIES, TARGET_GROUPS, THEMES, label
from mapping.store import Busy, NoSnapshot
from pages import _account, _errors, _presenter, _ui

st.set_page_config(page_title="Migration Actors Atlas", layout="wide")

lang = _ui.lang()
# The signed-in account as stored now: a closed account or a changed role counts from this click.
_errors.run_page(_account.refresh, "account")
PAGES = {
    "directory": st.Page("pages/directory.py", title=_ui.tr("nav.directory"), url_path="directory", default=True),
    "actor": st.Page("pages/actor.py", title=_ui.tr("nav.actor"), url_path="actor"),
    "partners": st.Page("pages/partners.py", title=_ui.tr("nav.partners"), url_path="partners"),
    "coverage": st.Page("pages/coverage.py", title=_ui.tr("nav.coverage"), url_path="coverage"),
    "map": st.Page("pages/map.py", title=_ui.tr("nav.map"), url_path="map"),
    "network": st.Page("pages/network.py", title=_ui.tr("nav.network"), url_path="network"),
    "about": st.Page("pages/about.py", title=_ui.tr("nav.about"), url_path="about"),
    "tours": st.Page("pages/tours.py", title=_ui.tr("nav.tours"), url_path="tours"),
}
# Curation pages are not even listed for visitors (and every write re-checks the role anyway).
CURATION = []
if _ui.can("edit"):
    CURATION = [
        st.Page("pages/edit.py", title=_ui.tr("nav.edit"), url_path="edit"),
        st.Page("pages/imports.py", title=_ui.tr("nav.import"), url_path="imports"),
        st.Page("pages/duplicates.py", title=_ui.tr("nav.duplicates"), url_path="duplicates"),
        st.Page("pages/history.py", title=_ui.tr("nav.history"), url_path="history"),
    ]
if _ui.can("manage_users"):
    CURATION.append(st.Page("pages/accounts.py", title=_ui.tr("nav.accounts"), url_path="accounts"))
page = st.navigation({_ui.tr("nav.section.atlas"): list(PAGES.values()), _ui.tr("nav.section.curation"): CURATION}
                     if CURATION else list(PAGES.values()))

# A tour step asked for another page (see _presenter.go_to_step): go there with its parameters.
going = st.session_state.pop("_tour_go", None)
if going:
    st.switch_page(PAGES[going[0]], query_params=going[1])


def _filters() -> None:
    """The shared actor filters (in the sidebar)."""
    _ui.init_filters_from_url()
    _ui.apply_pending_filters()
    options = _ui.filter_options(_ui.data_key())
    st.header(_ui.tr("sidebar.filters"))
    choose = _ui.tr("filters.choose")
    st.text_input(_ui.tr("filters.search"), key="f_q", placeholder=_ui.tr("filters.search_hint"))
    st.multiselect(_ui.tr("filters.country"), options["countries"], key="f_countries", placeholder=choose,
                   format_func=lambda c: label(COUNTRIES, c, lang))
    chosen_countries = st.session_state.get("f_countries") or []
    region_choices = [r for r in options["regions"] if not chosen_countries or r.split("-")[0] in chosen_countries]
    st.multiselect(_ui.tr("filters.region"), region_choices, key="f_regions", placeholder=choose,
                   format_func=lambda r: options["region_names"].get(r, r))
    st.multiselect(_ui.tr("filters.city"), options["cities"], key="f_cities", placeholder=choose)
    st.multiselect(_ui.tr("filters.kind"), options["kinds"], key="f_kinds", placeholder=choose,
                   format_func=lambda k: label(ACTOR_KINDS, k, lang))
    st.multiselect(_ui.tr("filters.theme"), options["themes"], key="f_themes", placeholder=choose,
                   format_func=lambda k: label(THEMES, k, lang))
    st.multiselect(_ui.tr("filters.target_group"), options["target_groups"], key="f_target_groups", placeholder=choose,
                   format_func=lambda k: label(TARGET_GROUPS, k, lang))
    st.multiselect(_ui.tr("filters.project"), options["projects"], key="f_projects", placeholder=choose,
                   format_func=lambda p: options["project_labels"].get(p, p))
    st.button(_ui.tr("filters.reset"), on_click=_ui.reset_filters, key="reset_filters")


with st.sidebar:
    st.session_state["present_toggle"] = _presenter.presenting()
    st.toggle(_ui.tr("present.toggle"), key="present_toggle",
              on_change=lambda: _presenter.set_presenting(st.session_state["present_toggle"]),
              help=_ui.tr("present.toggle_help"))
    languages = i18n.languages()
    chosen = st.selectbox(
        _ui.tr("sidebar.language"), list(languages), index=list(languages).index(lang),
        format_func=languages.get, key="lang_select",
    )
    if chosen != lang:
        st.session_state["lang"] = chosen
        st.query_params["lang"] = chosen
        st.rerun()

    _presenter.share_link()
    _account.account_box()
    if _ui.can("edit") and page.url_path in tours.PAGES:
        _presenter.add_to_tour_box(page.url_path)
    _errors.run_page(_filters, "sidebar", message="error.sidebar")

_ui.write_filters_to_url(_ui.current_filters())
if "lang" not in st.query_params or st.query_params["lang"] != lang:
    st.query_params["lang"] = lang

# Presenter chrome and the tour bar come after the page (pinned to the top and bottom of the window by
# CSS): elements written above a page shift its map fragment, whose clicks then stop arriving.
try:
    _ui.show_ops_message()
    if _ui.edits_off():  # on every page, the same place on every run (nothing shifts below it)
        st.warning(_ui.tr("ops.edits_off"), icon=":material/edit_off:")
    # A curator's page run is one unit of work (one opening of the database); visitors read the
    # published snapshot and take no lock.
    with _ui.store().batch():
        _errors.run_page(page.run, page.url_path or "directory")
except (Busy, NoSnapshot) as exc:
    _ui.stop_busy(exc)
finally:
    if i18n.direction(lang) == "rtl":  # a right-to-left catalogue (e.g. Arabic) turns the whole page
        st.markdown("<style>[data-testid='stMain'], [data-testid='stSidebar'] { direction: rtl; }</style>",
                    unsafe_allow_html=True)
    if _presenter.presenting():
        _presenter.presenter_frame(page.title)
    _presenter.tour_bar()
