"""Organisation file: one actor, its partners, projects, events and the sources of each fact."""
import streamlit as st

from mapping import present
from mapping.model import ACTOR_KINDS, COUNTRIES, TARGET_GROUPS, THEMES, is_international, label
from pages import _errors, _ui

_ui.ensure_app()

lang = _ui.lang()
store = _ui.store()
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
    st.stop()

if actor is None and store.merged_into(actor_id) and store.actor(store.merged_into(actor_id)):
    target = store.merged_into(actor_id)
    st.title(_ui.tr("actor.title"))
    st.info(_ui.tr("actor.merged", id=_ui.escape(actor_id)))
    st.page_link("pages/actor.py", label=_ui.escape(store.actor(target)["name"]), query_params={"actor": target, "lang": lang})
    st.stop()

if actor is None:
    st.title(_ui.tr("actor.title"))
    st.error(_ui.tr("actor.unknown", id=_ui.escape(actor_id)))
    st.page_link("pages/directory.py", label=_ui.tr("actor.back"))
    st.stop()

# Anything in a published record that cannot be drawn shows its id, not a traceback.
with _errors.record(actor["id"]):
    st.title(_ui.escape(actor["name"] + (f" ({actor['acronym']})" if actor.get("acronym") else "")))
    names = [(lbl, actor.get(col)) for lbl, col in
             (("Français", "name_fr"), ("English", "name_en"), ("العربية", "name_ar")) if actor.get(col)]
    for lbl, value in names:
        direction = "rtl" if lbl == "العربية" else "ltr"
        st.markdown(f"**{lbl}** : <span dir='{direction}'>{_ui.escape(value)}</span>", unsafe_allow_html=True)
    if actor.get("other_names"):
        st.caption(_ui.tr("actor.other_names") + " : " + _ui.escape(", ".join(actor["other_names"])))

    place = ", ".join(p for p in (actor.get("city"), actor.get("region"), label(COUNTRIES, actor["country"], lang)) if p)
    st.markdown(f"**{_ui.tr('col.kind')}** : {label(ACTOR_KINDS, actor['kind'], lang)} · "
                f"**{_ui.tr('actor.place')}** : {_ui.escape(place)}")
    if is_international(actor["country"]):
        st.info(_ui.tr("actor.international"))

    if actor.get("description"):
        st.markdown(_ui.escape(actor["description"]))
    st.markdown(f"**{_ui.tr('col.themes')}** : " + (present.labels(THEMES, actor.get("themes"), lang) or "—"))
    st.markdown(f"**{_ui.tr('actor.target_groups')}** : " + (present.labels(TARGET_GROUPS, actor.get("target_groups"), lang) or "—"))

    contact = [(k, actor.get(k)) for k in ("website", "public_email", "public_phone") if actor.get(k)]
    st.subheader(_ui.tr("actor.contact"))
    if contact:
        for k, v in contact:
            st.markdown(f"**{_ui.tr('actor.' + k)}** : {_ui.escape(v)}")
    else:
        st.caption(_ui.tr("actor.no_contact"))

    if curator:
        private = [(k, actor.get(k)) for k in ("contact_name", "contact_role", "contact_email") if actor.get(k)]
        st.caption(_ui.tr("actor.curator_view", status=_ui.tr("status." + actor["status"]), version=actor["version"]))
        for k, v in private:
            st.markdown(f"**{_ui.tr('field.' + k)}** ({_ui.tr('field.private')}) : {_ui.escape(v)}")
        st.page_link("pages/edit.py", label=_ui.tr("actor.edit"), query_params={"edit": actor["id"], "lang": lang})

    st.subheader(_ui.tr("actor.partners"))
    # One table however many partners there are (an element per partner cost seconds at thousands).
    partners = present.partners_table(store.actor_relations(actor["id"]), lang)
    if partners.empty:
        st.caption(_ui.tr("actor.no_partners"))
    else:
        st.caption(_ui.tr("actor.partners_hint", n=len(partners)))
        shown = ["name", "relation", "kind", "country", "project", "period", "note", "link"]
        picked = st.dataframe(partners, hide_index=True, key=f"actor_partners_{actor['id']}", on_select="rerun",
                              selection_mode="single-row", column_order=shown,
                              column_config={c: _ui.tr(f"col.{c}") for c in shown}
                              | {"link": st.column_config.LinkColumn(_ui.tr("col.link"),
                                                                     display_text=_ui.tr("actor.partner_open"))})
        if picked is not None and picked.selection.rows:
            st.switch_page("pages/actor.py",
                           query_params={"actor": partners["id"].iloc[picked.selection.rows[0]], "lang": lang})

    for section, rows, table in (("projects", store.actor_projects(actor["id"]), present.projects_table),
                                 ("events", store.actor_events(actor["id"]), present.events_table)):
        st.subheader(_ui.tr(f"actor.{section}"))
        if rows.empty:
            st.caption("—")
        else:
            shown = table(rows, lang)
            st.dataframe(shown, hide_index=True, key=f"actor_{section}",
                         column_config={c: _ui.tr(f"col.{c}") for c in shown.columns})

    st.subheader(_ui.tr("actor.sources"))
    cited = store.actor_citations(actor["id"])
    for rec in cited.drop_duplicates(["fact", "record_id", "source_id"]).to_dict("records"):
        st.markdown(f"- *{_ui.tr('fact.' + rec['fact'])}* — **{_ui.escape(rec['title'] or rec['source_id'])}** "
                    f"({_ui.escape(rec['source_id'])}) : « {_ui.escape(rec['quote'] or '')} »")
