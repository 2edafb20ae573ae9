"""Streamlit widgets for the record forms of :mod:`mapping.curation` (glue only: which widget
for which field, and the field's message under it)."""
from __future__ import annotations

import streamlit as st

from mapping import curation, geo
from mapping.model import COUNTRIES, label
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
    names = _ui.store().actor_names() if record_type == "relation" else {}
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
                st.error(errors.get(f.name) or errors.get("lon"), icon=None)
