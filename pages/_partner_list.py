"""Find partners, shared by its page and the organisation file: the cached index and the list of
suggestions (each a link to the file, where it is, how linked, and its reason in one sentence)."""
from __future__ import annotations

import streamlit as st

from mapping import partners
from mapping.model import ACTOR_KINDS, COUNTRIES, label
from pages import _errors, _ui


@st.cache_resource(show_spinner=False, max_entries=4)
def data(key: tuple[str, int]) -> partners.PartnerData:
    """The partner index of one data version (shared, read-only: not copied on every hit)."""
    return partners.from_store(_ui.store())


@st.cache_data(show_spinner=False, max_entries=32)
def pool(key: tuple[str, int], filters) -> list[str]:
    """Ids of the actors matching the sidebar filters: the only ones suggested while filters are set."""
    return _ui.store().actors(filters, columns=("id",))["id"].tolist()


@st.cache_resource(show_spinner=False, max_entries=64)
def best(key: tuple[str, int], actor_id: str, lang: str, shown: int):
    """The organisation file's few best suggestions, ranked once per data version for every visitor
    of the file (a ranking passes over every actor)."""
    return partners.suggest(data(key), partners.Request(origin=actor_id), lang=lang, limit=shown)


def suggestions(found, lang: str, *, compact: bool = False, start: int = 1) -> None:
    """One bordered row per suggestion: rank and link, kind and place, reach, score, reason."""
    top = partners.MAX_SCORE
    for rank, rec in enumerate(found.to_dict("records"), start=start):
        with st.container(border=True, key=f"partner_{rec['id']}"), _errors.record(rec["id"]):
            name, reach = st.columns([2, 1], vertical_alignment="center")
            name.page_link("pages/actor.py", label=f"{rank}. " + _ui.escape(rec["name"]),
                           query_params={"actor": rec["id"], "lang": lang})
            reach.caption(_ui.tr(f"partners.reach.{rec['reach'] or 'none'}") + " · "
                          + _ui.tr("partners.score", score=round(rec["score"], 1), max=top))
            if not compact:
                place = ", ".join(p for p in (rec["city"], label(COUNTRIES, rec["country"], lang)) if p)
                st.caption(_ui.escape(" · ".join(p for p in (label(ACTOR_KINDS, rec["kind"], lang), place) if p)))
            st.markdown(_ui.escape(rec["reason"]))


def panel(actor_id: str, key: tuple[str, int], lang: str, shown: int = 3) -> None:
    """The organisation file's "Potential partners": the best few, and a link to the full search."""
    with st.container(key="actor_suggestions"):
        st.subheader(_ui.tr("partners.panel"), anchor=False)
        found = best(key, actor_id, lang, shown)
        if found.empty:
            st.caption(_ui.tr("partners.none"))
        suggestions(found, lang, compact=True)
        st.page_link("pages/partners.py", label=_ui.tr("partners.panel_more"), icon=":material/group_add:",
                     query_params={"of": actor_id, "lang": lang})
