"""Sections of the organisation file (pages/actor.py): header card, contacts, map and ego network,
timeline, sources, printing. Streamlit drawing only; what they show comes from mapping/orgfile.py."""
from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

from mapping import graph, maps, orgfile
from mapping.areas import areas_table
from mapping.model import TARGET_GROUPS, THEMES, label
from pages import _ui, _views

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "print.css"


def header(actor: dict, sources: int, lang: str) -> None:
    """Name in its languages, what and where it is, status, last update, sources; themes and groups."""
    name = orgfile.title(actor)
    # Sized so its longest word fits its column (a phone wraps between words, not inside one).
    st.markdown(f"<style class='atlas-title-css'>{orgfile.title_css(name)}</style>", unsafe_allow_html=True)
    with st.container(border=True, key="actor_header"):
        left, right = st.columns([3, 2])
        left.title(_ui.escape(name), anchor=False)
        for language, name, direction in orgfile.other_names(actor):
            left.markdown(f":gray[{language}] · <span dir='{direction}'>{_ui.escape(name)}</span>",
                          unsafe_allow_html=True)
        if actor.get("other_names"):
            left.caption(_ui.tr("actor.other_names") + " : " + _ui.escape(", ".join(actor["other_names"])))
        right.markdown("  \n".join(f"**{_ui.escape(k)}** · {_ui.escape(v)}"
                                   for k, v in orgfile.header_facts(actor, sources, lang)))
        if actor.get("description"):
            st.markdown(_ui.escape(actor["description"]))
        for field, vocabulary, colour in (("themes", THEMES, "blue"), ("target_groups", TARGET_GROUPS, "green")):
            codes = actor.get(field) or []
            if codes:
                badges = " ".join(f":{colour}-badge[{_ui.escape(label(vocabulary, c, lang))}]" for c in codes)
                st.markdown(f"**{_ui.tr('col.themes' if field == 'themes' else 'actor.target_groups')}** {badges}")


def contacts(actor: dict) -> None:
    """Public contacts as links that open (a website without http:// included)."""
    st.subheader(_ui.tr("actor.contact"), anchor=False)
    links = orgfile.contact_links(actor)
    if not links:
        st.caption(_ui.tr("actor.no_contact"))
    for field, text, href in links:
        shown = f"[{_ui.escape(text)}](<{href}>)" if href else _ui.escape(text)
        st.markdown(f"**{_ui.tr('actor.' + field)}** · {shown}")


def where_and_who(actor: dict, key: tuple[str, int], lang: str) -> str | None:
    """The small map (seat, areas, partnership lines) beside the ego network; returns a clicked
    partner's id so the page can open its file."""
    store = _ui.store()
    left, right = st.container(key="actor_where").columns([2, 3])
    with left:
        st.subheader(_ui.tr("actor.map"), anchor=False)
        def build():
            return maps.actor_map(actor, store.actor_areas(actor["id"]), _views.map_links(key, actor["id"], None),
                                  lang=lang)

        with st.container(key="actor_screen_map"):
            _views.show_map(_views.folium_map((key, actor["id"], lang), f"actor_map_{actor['id']}", 340, (), build))
        printed = _views.actor_sketch(key, actor["id"], lang, actor)
        with st.container(key="actor_print_map"):  # paper only (static/print.css)
            st.markdown(printed["svg"], unsafe_allow_html=True)
        if printed["beyond"]:
            st.caption(_ui.escape(printed["beyond"]))
        if not orgfile.place_text(actor):
            st.caption(_ui.tr("actor.map_no_seat"))
        areas = store.actor_areas(actor["id"])
        if len(areas):
            with st.expander(_ui.tr("areas.title", n=len(areas))):
                st.dataframe(areas_table(areas, lang), hide_index=True, width="stretch", key="actor_areas")
    with right, st.container(key="actor_ego"):
        st.subheader(_ui.tr("actor.ego"), anchor=False)
        ego = _views.ego_chart(key, actor["id"], lang)
        drawn = ego["graph"]
        if drawn.number_of_nodes() <= 1:
            st.caption(_ui.tr("actor.no_partners"))
            return None
        event = st.echarts_chart(ego["spec"], on_select="rerun", key=f"actor_ego_{actor['id']}", height=340,
                                 renderer="canvas", alt=_ui.tr("actor.ego_alt", n=drawn.number_of_nodes() - 1))
        if ego["left_out"]:  # a hub: its strongest partners are drawn, the list below names them all
            st.markdown(f"**{_ui.tr('actor.ego_more', n=ego['left_out'], shown=drawn.number_of_nodes() - 1)}**")
        st.caption(_ui.tr("actor.ego_hint"))
        clicked = graph.selected_node(drawn, event)
        return clicked if clicked and clicked != actor["id"] else None


def partners_on_paper(partners) -> None:
    """The partners as one line per kind of relation, shown on paper only (static/print.css)."""
    with st.container(key="actor_partners_print"):
        st.markdown("\n".join(f"- **{_ui.escape(relation)}** — {_ui.escape(names)}"
                               for relation, names in orgfile.partner_lines(partners)))


def timeline(projects, events, lang: str) -> None:
    """Projects as bars over their years and events as points, then the same as a list (for print)."""
    st.subheader(_ui.tr("actor.timeline"), anchor=False)
    frame = orgfile.timeline(projects, events, lang)
    if frame.empty:
        st.caption("—")
        return
    if (frame["start"] != "").any():
        with st.container(key="actor_timeline_chart"):  # on screen; paper keeps the list below
            st.vega_lite_chart(orgfile.timeline_spec(frame, lang), width="stretch", key="actor_timeline")
    lines = [f"- {_ui.escape(r['period'] or '—')} · **{_ui.escape(r['name'])}** ({_ui.escape(r['kind'])})"
             + (f" — {_ui.escape(r['role'])}" if r["role"] else "") for r in frame.to_dict("records")]
    st.markdown("\n".join(lines))


def sources(entries: list[dict]) -> None:
    """Collapsed at the bottom: each document's title, publisher and date, link, and what it supports."""
    with st.expander(_ui.tr("actor.sources_n", n=len(entries)), expanded=False):
        if not entries:
            st.caption(_ui.tr("actor.no_sources"))
        for n, entry in enumerate(entries):
            link = f" · [{_ui.tr('actor.source_link')}](<{entry['url']}>)" if entry["url"] else ""
            byline = f" — {_ui.escape(entry['byline'])}" if entry["byline"] else ""
            st.markdown(f"**{_ui.escape(entry['title'])}**{byline}{link} · "
                        + _ui.tr("actor.source_facts", n=len(entry["facts"])))
            if entry["reference"]:
                st.caption(_ui.escape(entry["reference"]))
            with st.container(key=f"actor_source_facts_{n}"):  # on screen only: paper keeps the titles
                st.markdown("\n".join(f"- {_ui.escape(what)}" + (f" : « {_ui.escape(quote)} »" if quote else "")
                                      for what, quote in entry["facts"]))


def print_button() -> None:
    """Browser print of a clean page: the print stylesheet hides the app's chrome; sources open first."""
    # Markdown, not st.html: st.html draws in a shadow root of its own, where a stylesheet
    # reaches nothing of the page (the file printed on four or five pages).
    st.markdown(f"<style>{PRINT_CSS.read_text(encoding='utf-8')}</style>", unsafe_allow_html=True)
    with st.container(key="actor_print"):
        st.iframe(  # a frame: the button's script runs there and prints the page around it
            "<button style='font:14px sans-serif;padding:.4em .9em;border:1px solid #bbb;border-radius:.5em;"
            "background:#fff;cursor:pointer' onclick=\"const d=window.parent.document;"
            "d.querySelectorAll('details').forEach(e=>e.open=true);setTimeout(()=>window.parent.print(),300)\">"
            f"{html.escape(_ui.tr('actor.print'))}</button>", height=44)
