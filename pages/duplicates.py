"""Duplicates: likely pairs of files for the same organisation, side by side, merged on request
(and undoable from the History page)."""
import streamlit as st

from mapping import curation
from mapping.model import COUNTRIES, label
from mapping.validate import Invalid
from pages import _errors, _ui

_ui.ensure_app()

lang = _ui.lang()
tr = _ui.tr
store = _ui.store()
st.title(tr("dup.title"))
st.markdown(tr("dup.intro"))

countries = {"": tr("dup.all_countries")} | {c: label(COUNTRIES, c, lang) for c in COUNTRIES}
country = st.selectbox(tr("col.country"), list(countries), key="dup_country", format_func=countries.get) or None
pairs = _ui.duplicate_candidates(_ui.data_key(), country)
if st.session_state.get("_dup_merged"):
    st.success(tr("dup.merged", name=_ui.escape(st.session_state.pop("_dup_merged"))))
if pairs.empty:
    st.info(tr("dup.none"))
    _errors.end_page()

st.caption(tr("dup.count", n=len(pairs)))
options = list(range(len(pairs)))
pick = st.selectbox(tr("dup.pair"), options, key="dup_pick",
                    format_func=lambda i: f"{pairs.name_a[i]}  ↔  {pairs.name_b[i]}  ({pairs.score[i]:.2f})")
a, b = store.record("actor", pairs.id_a[pick]), store.record("actor", pairs.id_b[pick])
left, right = st.columns(2)
for column, record in ((left, a), (right, b)):
    with column, _errors.record(record["id"]):
        st.subheader(_ui.escape(record["name"]), anchor=False)
        st.caption(f"{_ui.escape(record['id'])} · {tr('status.' + record['status'])} · v{record['version']}")
        rows = [{tr("edit.col.field"): tr(f"field.{f.name}"),
                 "": str(curation.form_value(f, record.get(f.name)) or "—")}
                for f in curation.FIELDS["actor"] if record.get(f.name) not in (None, "", [])]
        st.dataframe(rows, hide_index=True, key=f"dup_side_{record['id']}", width="stretch")

keep = st.radio(tr("dup.keep"), [a["id"], b["id"]], key="dup_keep", horizontal=True,
                format_func=lambda i: (a if i == a["id"] else b)["name"])
drop = b["id"] if keep == a["id"] else a["id"]


@_ui.guarded
def _merge() -> None:
    try:
        store.merge_actors(keep, drop, user=_ui.user())
        st.session_state["_dup_merged"] = drop
    except Invalid as exc:
        st.session_state["_dup_error"] = str(exc)


st.button(tr("dup.merge", drop=_ui.escape((a if drop == a["id"] else b)["name"])), type="primary", key="dup_merge",
          on_click=_merge)
if st.session_state.get("_dup_error"):
    st.error(_ui.escape(st.session_state.pop("_dup_error")))
