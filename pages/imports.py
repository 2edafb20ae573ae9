"""Import: a partner's CSV/XLSX/HXL file, checked row by row before anything is written, then
imported all at once or not at all; then the drafts of an import reviewed and published together."""
import streamlit as st

from mapping import exporters, kinds
from mapping.importer import plan_import
from mapping.model import ACTOR_KINDS, label
from mapping.validate import Invalid
from pages import _ui

_ui.ensure_app()

lang = _ui.lang()
tr = _ui.tr
store = _ui.store()
st.title(tr("import.title"))
if st.session_state.get("_imp_done"):
    done = st.session_state.pop("_imp_done")
    st.success(tr("import.done", new=done["new"], update=done["update"], areas=done["areas"]))
if st.session_state.get("_imp_failed"):
    st.error(_ui.escape(st.session_state.pop("_imp_failed")))
if st.session_state.get("_imp_reviewed"):
    done = st.session_state.pop("_imp_reviewed")
    st.success(tr("import.review.done", kinds=tr("import.review.kinds_set", n=done["kinds"]),
                  published=tr("import.review.published", n=done["published"])))
upload_tab, review_tab = st.tabs([tr("import.tab.file"), tr("import.tab.review")])


# Labels computed once (format functions may run outside the page's run, e.g. in tests).
kind_labels = {"": tr("import.kind.guess")} | {k: label(ACTOR_KINDS, k, lang) for k in ACTOR_KINDS}
outside_labels = {o: tr(f"import.outside.{o}") for o in ("auto", "skip", "import")}


def import_file() -> None:
    st.markdown(tr("import.intro"))
    upload = st.file_uploader(tr("import.file"), type=["csv", "txt", "tsv", "xlsx"], key="imp_file")
    left, right = st.columns(2)
    default_kind = left.selectbox(tr("import.kind.default"), ["", *ACTOR_KINDS], format_func=kind_labels.get,
                                  key="imp_kind", help=tr("import.kind.default_help"))
    outside = right.radio(tr("import.outside.choice"), ["auto", "skip", "import"], key="imp_outside",
                          format_func=outside_labels.get, horizontal=True)
    if upload is None:
        return
    data = upload.getvalue()
    signature = (upload.name, len(data), hash(data), _ui.data_key(), default_kind, outside)
    if st.session_state.get("_imp_signature") != signature:
        bar = st.progress(0.0, text=tr("import.checking"))
        st.session_state["_imp_plan"] = plan_import(
            data, upload.name, store.actor_index(), lang=lang, default_kind=default_kind or None,
            outside=None if outside == "auto" else outside,
            progress=lambda f: bar.progress(min(f, 1.0), text=tr("import.checking")))
        st.session_state["_imp_signature"] = signature
        bar.empty()
    plan = st.session_state["_imp_plan"]
    if plan.sheet:
        st.caption(tr("import.sheet", sheet=_ui.escape(plan.sheet)))
    if plan.problem:
        st.error(_ui.escape(plan.problem))
        return
    (st.success if plan.ok else st.error)(_ui.escape(plan.summary(lang)))
    if plan.skipped:
        st.caption(tr("import.skipped_detail", rows=_ui.escape(" · ".join(f"{n}: {text[:80]}" for n, text in plan.skipped))))
    if plan.hxl:
        st.caption(tr("import.hxl"))
    if plan.ignored:
        st.caption(tr("import.ignored", columns=", ".join(_ui.escape(c) for c in plan.ignored)))
    report = plan.report()
    report["status"] = report["status"].map(lambda s: tr(f"import.status.{s}"))
    st.dataframe(report, hide_index=True, key="imp_report", width="stretch",
                 column_config={c: tr(f"import.col.{c}") for c in report.columns})
    st.download_button(tr("import.download_report"), exporters.to_csv(plan.report()), on_click="ignore",
                       file_name=f"import-report-{upload.name}.csv", mime="text/csv", key="imp_download")
    if not plan.ok:
        st.info(tr("import.fix_and_retry"))
        return

    @_ui.guarded
    def _apply() -> None:
        try:
            counts = store.apply_import(plan, user=_ui.user(), lang=lang,
                                        source=st.session_state.get("imp_source") or upload.name)
            st.session_state["_imp_done"] = counts
            st.session_state["imp_review"] = counts["import_id"]
        except Invalid as exc:
            st.session_state["_imp_failed"] = str(exc)
        st.session_state.pop("_imp_signature", None)

    st.text_input(tr("import.source"), value=upload.name, key="imp_source", help=tr("import.source_help"))
    st.button(tr("import.apply", n=len(plan.actors)), type="primary", key="imp_apply", on_click=_apply)


def review() -> None:
    imports = store.imports()
    pending = imports[imports["drafts"] > 0]
    if pending.empty:
        st.info(tr("import.review.none"))
        return
    names = {i: tr("import.review.option", file=f, when=str(w)[:16], n=int(n))
             for i, f, w, n in zip(pending["id"], pending["file_name"], pending["imported_at"], pending["drafts"])}
    _ui.keep_if_in("imp_review", list(names))
    chosen = st.selectbox(tr("import.review.pick"), list(names), format_func=names.get, key="imp_review")
    drafts = store.import_drafts(chosen)
    st.caption(tr("import.review.help", n=len(drafts), guessed=int(drafts["kind_rule"].notna().sum())))
    shown = drafts[["id", "name", "acronym", "country", "kind", "kind_rule", "areas"]].assign(
        kind_rule=drafts["kind_rule"].fillna(""), acronym=drafts["acronym"].fillna(""))
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", key=f"imp_editor_{chosen}",
        disabled=["id", "name", "acronym", "country", "kind_rule", "areas"],
        column_config={"id": None, "name": tr("import.col.name"), "acronym": tr("col.acronym"),
                       "country": tr("col.country"), "areas": tr("import.review.areas"),
                       "kind_rule": tr("import.review.rule"),
                       "kind": st.column_config.SelectboxColumn(tr("col.kind"), options=list(ACTOR_KINDS),
                                                                format_func=kind_labels.get, required=True)})
    fixes = kinds.changed(drafts, edited)

    @_ui.guarded
    def _save(publish: bool) -> None:
        try:
            st.session_state["_imp_reviewed"] = store.review_import(chosen, kinds=fixes, publish=publish,
                                                                    user=_ui.user(), lang=lang)
        except Invalid as exc:
            st.session_state["_imp_failed"] = str(exc)

    left, right = st.columns(2)
    left.button(tr("import.review.save", n=len(fixes)), key="imp_save_kinds", disabled=not fixes,
                on_click=_save, args=(False,))
    right.button(tr("import.review.publish", n=len(drafts)), type="primary", key="imp_publish",
                 disabled=not _ui.can("publish"), on_click=_save, args=(True,))


with upload_tab:
    import_file()
with review_tab:
    review()
