"""Streamlit widgets for the record forms of :mod:`mapping.curation` (glue only: which widget
for which field, and the field's message under it)."""
from __future__ import annotations

import streamlit as st

from mapping import curation, geo
from mapping.auth import PermissionDenied
from mapping.model import COUNTRIES, EVENT_ROLES, PROJECT_ROLES, label
from mapping.validate import Invalid
from pages import _ui

PREFIX = "ed_"


def load(record_type: str, record: dict | None) -> None:
    """Put a record's values (or blanks for a new one) into the form's widget state."""
    for f in curation.FIELDS[record_type]:
        st.session_state[PREFIX + f.name] = curation.form_value(f, (record or {}).get(f.name))


def values(record_type: str) -> dict:
    """The form's values as a record (see :func:`mapping.curation.to_record`)."""
    raw = {f.name: st.session_state.get(PREFIX + f.name) for f in curation.FIELDS[record_type]}
    return curation.to_record(record_type, raw)


def draw(record_type: str, errors: dict[str, str], lang: str) -> None:
    """Every field of ``record_type``, each with its validation message under it."""
    key = _ui.data_key()
    names = _ui.store().actor_names(include_unpublished=True) if record_type == "relation" else {}
    projects = _ui.filter_options(key)["project_labels"] if record_type in ("relation", "event") else {}
    regions = geo.regions()
    region_names = dict(zip(regions["region_code"], regions["name"]))
    left, right = st.columns(2)
    for n, f in enumerate(curation.FIELDS[record_type]):
        column = left if n % 2 == 0 else right
        title = _ui.tr(f"field.{f.name}") + (" *" if f.required else "") + (" · " + _ui.tr("field.private") if f.private else "")
        widget_key = PREFIX + f.name
        with column:
            if f.kind in ("select", "multi"):
                options = list(f.vocabulary)
                fmt = lambda code, v=f.vocabulary: label(v, code, lang)  # noqa: E731
                if f.kind == "select":
                    st.selectbox(title, options, key=widget_key, format_func=fmt, index=None)
                else:
                    st.multiselect(title, options, key=widget_key, format_func=fmt)
            elif f.kind == "country":
                st.selectbox(title, curation.COUNTRY_CHOICES, key=widget_key, index=None,
                             format_func=lambda c: f"{label(COUNTRIES, c, lang)} ({c})" if c in COUNTRIES else c)
            elif f.kind == "region":
                st.selectbox(title, list(region_names), key=widget_key, index=None,
                             format_func=lambda c: f"{region_names[c]} ({c})")
            elif f.kind == "actor":
                st.selectbox(title, sorted(names, key=lambda i: names[i].lower()), key=widget_key, index=None,
                             format_func=lambda i: names.get(i, i))
            elif f.kind == "project":
                st.selectbox(title, list(projects), key=widget_key, index=None, format_func=lambda p: projects.get(p, p))
            elif f.kind == "long":
                st.text_area(title, key=widget_key, height=100)
            else:
                st.text_input(title, key=widget_key,
                              help=_ui.tr("field.list_help") if f.kind == "list" else None)
            if f.name in errors or (f.name == "lat" and "lon" in errors):
                st.error(_ui.escape(errors.get(f.name) or errors.get("lon")), icon=None)


def participants(record_type: str, record_id: str, lang: str) -> None:
    """Who takes part in a project or event, with forms to add a role (cited) or remove one."""
    store = _ui.store()
    roles = PROJECT_ROLES if record_type == "project" else EVENT_ROLES
    role_labels = {r: label(roles, r, lang) for r in roles}
    names = store.actor_names(include_unpublished=True)
    current = store.participants(record_type, record_id)
    st.subheader(_ui.tr("edit.participants"))
    shown = current.assign(role=current["role"].map(role_labels))[["name", "role", "note"]]
    st.dataframe(shown, hide_index=True, key="part_table",
                 column_config={c: _ui.tr(f"field.{c}") for c in shown.columns})

    @_ui.guarded
    def change(present: bool) -> None:
        if present:
            actor, role = st.session_state.get("part_actor"), st.session_state.get("part_role")
        else:
            actor, role = (st.session_state.get("part_remove") or "|").split("|", 1)
        try:
            store.set_participant(record_type, record_id, actor or "", role or "", user=_ui.user(), present=present,
                                  source=st.session_state.get("part_source"), lang=lang)
            st.session_state["_part_error"] = None
        except (Invalid, PermissionDenied) as exc:
            st.session_state["_part_error"] = str(exc)

    add, remove = st.columns(2)
    with add.form("part_add"):
        st.selectbox(_ui.tr("field.name"), sorted(names, key=lambda i: names[i].lower()), key="part_actor",
                     index=None, format_func=lambda i: names.get(i, i))
        st.selectbox(_ui.tr("field.role"), list(role_labels), key="part_role", index=None, format_func=role_labels.get)
        st.text_input(_ui.tr("edit.source"), key="part_source", help=_ui.tr("edit.source_help"))
        st.form_submit_button(_ui.tr("edit.participant_add"), on_click=change, args=(True,))
    pairs = {f"{a}|{r}": f"{names.get(a, a)} · {role_labels.get(r, r)}" for a, r in zip(current["actor_id"], current["role"])}
    with remove.form("part_remove_form"):
        st.selectbox(_ui.tr("edit.participant"), list(pairs), key="part_remove", index=None, format_func=pairs.get)
        st.form_submit_button(_ui.tr("edit.participant_remove"), on_click=change, args=(False,))
    if st.session_state.get("_part_error"):
        st.error(_ui.escape(st.session_state["_part_error"]))
