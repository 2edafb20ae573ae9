"""Organisation file: who it is and where, how to reach it, its partners (and potential ones), its
projects and events over time, and the sources of every fact — printable on one or two pages."""
import streamlit as st

from mapping.model import is_international
from mapping.store import PRIVATE_COLUMNS
from pages import _actor_file, _errors, _partner_list, _ui, _views

_ui.ensure_app()

lang = _ui.lang()
store = _ui.store()
key = _ui.data_key()
actor_id = st.query_params.get("actor", "")
curator = _ui.can("view_private")
# Curators also see drafts and archived files, and the private contact fields.
actor = store.actor(actor_id, private=curator, include_unpublished=curator) if actor_id else None

if not actor_id:
    st.title(_ui.tr("actor.title"))
    st.info(_ui.tr("actor.choose"))
    names = store.actor_names(include_unpublished=curator)
    choice = st.selectbox(_ui.tr("actor.pick"), sorted(names, key=lambda i: names[i].lower()),
                          format_func=names.get, index=None, key="actor_pick")
    if choice:
        st.query_params["actor"] = choice
        st.rerun()
    _errors.end_page()

if actor is None and store.merged_into(actor_id) and store.actor(store.merged_into(actor_id)):
    target = store.merged_into(actor_id)
    st.title(_ui.tr("actor.title"))
    st.info(_ui.tr("actor.merged", id=_ui.escape(actor_id)))
    st.page_link("pages/actor.py", label=_ui.escape(store.actor(target)["name"]),
                 query_params={"actor": target, "lang": lang})
    _errors.end_page()

if actor is None:
    st.title(_ui.tr("actor.title"))
    st.error(_ui.tr("actor.unknown", id=_ui.escape(actor_id)))
    st.page_link("pages/directory.py", label=_ui.tr("actor.back"))
    _errors.end_page()

# Anything in a published record that cannot be drawn shows its id, not a traceback.
with _errors.record(actor["id"]):
    shared = _views.actor_file(key, actor["id"], lang)  # read and laid out once for every visitor of the file
    projects, events, cited = shared["projects"], shared["events"], shared["cited"]
    _actor_file.header(actor, len(cited), lang)
    if is_international(actor.get("country")):
        st.info(_ui.tr("actor.international"))

    _actor_file.contacts(actor)
    if curator:
        # Every private field (a new one included), shown to curators only.
        private = [(k, actor.get(k)) for k in PRIVATE_COLUMNS if actor.get(k)]
        st.caption(_ui.tr("actor.curator_view", status=_ui.tr("status." + actor["status"]), version=actor["version"]))
        for k, v in private:
            st.markdown(f"**{_ui.tr('field.' + k)}** ({_ui.tr('field.private')}) : {_ui.escape(v)}")
        st.page_link("pages/edit.py", label=_ui.tr("actor.edit"), query_params={"edit": actor["id"], "lang": lang})

    opened = _actor_file.where_and_who(actor, key, lang)
    if opened:
        st.switch_page("pages/actor.py", query_params={"actor": opened, "lang": lang})

    st.subheader(_ui.tr("actor.partners"), anchor=False)
    # One table however many partners there are (an element per partner cost seconds at thousands).
    partners = shared["partners"]
    if partners.empty:
        st.caption(_ui.tr("actor.no_partners"))
    else:
        shown = ["name", "relation", "kind", "country", "project", "period", "evidence", "note", "link"]
        with st.container(key="actor_partners_table"):  # on screen; paper gets the lines below
            st.caption(_ui.tr("actor.partners_hint", n=len(partners)))
            picked = st.dataframe(partners, hide_index=True, key=f"actor_partners_{actor['id']}", on_select="rerun",
                                  selection_mode="single-row", column_order=shown,
                                  column_config={c: _ui.tr(f"col.{c}") for c in shown}
                                  | {"link": st.column_config.LinkColumn(_ui.tr("col.link"),
                                                                         display_text=_ui.tr("actor.partner_open"))})
        _actor_file.partners_on_paper(partners)
        if picked is not None and picked.selection.rows:
            st.switch_page("pages/actor.py",
                           query_params={"actor": partners["id"].iloc[picked.selection.rows[0]], "lang": lang})

    if actor["status"] == "published":  # a draft is not among the candidates the index holds
        _partner_list.panel(actor["id"], key, lang)

    _actor_file.timeline(projects, events, lang)
    _actor_file.sources(cited)
    _actor_file.print_button()
