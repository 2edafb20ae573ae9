"""Import: a partner's CSV/XLSX/HXL file, checked row by row before anything is written, then
imported all at once or not at all."""
import streamlit as st

from mapping import exporters
from mapping.importer import plan_import
from mapping.validate import Invalid
from pages import _ui

_ui.ensure_app()

lang = _ui.lang()
tr = _ui.tr
store = _ui.store()
st.title(tr("import.title"))
st.markdown(tr("import.intro"))
if st.session_state.get("_imp_done"):
    done = st.session_state.pop("_imp_done")
    st.success(tr("import.done", new=done["new"], update=done["update"], areas=done["areas"]))
if st.session_state.get("_imp_failed"):
    st.error(_ui.escape(st.session_state.pop("_imp_failed")))

upload = st.file_uploader(tr("import.file"), type=["csv", "txt", "tsv", "xlsx"], key="imp_file")
if upload is None:
    st.stop()

data = upload.getvalue()
signature = (upload.name, len(data), hash(data), _ui.data_key())
if st.session_state.get("_imp_signature") != signature:
    bar = st.progress(0.0, text=tr("import.checking"))
    st.session_state["_imp_plan"] = plan_import(data, upload.name, store.actor_index(), lang=lang,
                                                progress=lambda f: bar.progress(min(f, 1.0), text=tr("import.checking")))
    st.session_state["_imp_signature"] = signature
    bar.empty()
plan = st.session_state["_imp_plan"]

if plan.problem:
    st.error(_ui.escape(plan.problem))
    st.stop()
(st.success if plan.ok else st.error)(plan.summary(lang))
if plan.hxl:
    st.caption(tr("import.hxl"))
if plan.ignored:
    st.caption(tr("import.ignored", columns=", ".join(_ui.escape(c) for c in plan.ignored)))
report = plan.report()
report["status"] = report["status"].map(lambda s: tr(f"import.status.{s}"))
st.dataframe(report, hide_index=True, key="imp_report", width="stretch",
             column_config={c: tr(f"import.col.{c}") for c in report.columns})
st.download_button(tr("import.download_report"), exporters.to_csv(plan.report()),
                   file_name=f"import-report-{upload.name}.csv", mime="text/csv", key="imp_download", on_click="ignore")

if not plan.ok:
    st.info(tr("import.fix_and_retry"))
    st.stop()


@_ui.guarded
def _apply() -> None:
    try:
        counts = store.apply_import(plan, user=_ui.user(), source=st.session_state.get("imp_source") or upload.name,
                                    lang=lang)
        st.session_state["_imp_done"] = counts
    except Invalid as exc:
        st.session_state["_imp_failed"] = str(exc)
    st.session_state.pop("_imp_signature", None)


st.text_input(tr("import.source"), value=upload.name, key="imp_source", help=tr("import.source_help"))
st.button(tr("import.apply", n=len(plan.actors)), type="primary", key="imp_apply", on_click=_apply)
