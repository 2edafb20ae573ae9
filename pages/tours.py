"""Tours: sequences of saved views to present one after the other (next / previous with
Page Down / Page Up), shared as a link or as a small JSON file."""
import streamlit as st

from mapping import tours
from mapping.auth import PermissionDenied
from mapping.store import Conflict
from mapping.validate import Invalid
from pages import _presenter, _ui

_ui.ensure_app()

tr = _ui.tr
lang = _ui.lang()
store = _ui.store()
st.title(tr("tour.title"))
st.markdown(tr("tour.intro"))

listing = store.tours()
if st.session_state.get("_tours_msg"):
    kind, message = st.session_state.pop("_tours_msg")
    (st.success if kind == "success" else st.error)(_ui.escape(message))

if listing.empty:
    st.info(tr("tour.none"))
else:
    names = dict(zip(listing["id"], listing["name"]))
    _ui.keep_if_in("tour_pick", list(names))
    chosen = st.selectbox(tr("tour.which"), list(names), key="tour_pick", format_func=names.get)
    tour = store.tour(chosen)
    if tour["description"]:
        st.markdown(_ui.escape(tour["description"]))
    pages = {p: tr(f"nav.{p}") for p in tours.PAGES}
    rows = [{"order": n, "title": s["title"], "page": pages[s["page"]], "caption": s["caption"], "step": n - 1}
            for n, s in enumerate(tour["steps"], start=1)]
    columns = {"order": st.column_config.NumberColumn("#", min_value=1, step=1),
               "title": tr("tour.col.title"), "page": tr("tour.col.page"), "caption": tr("tour.col.caption")}
    if _ui.can("edit"):
        # Curators edit titles and captions, renumber to reorder, delete rows to drop steps.
        edited = st.data_editor(rows, hide_index=True, key=f"tour_editor_{tour['id']}_{tour['version']}",
                                width="stretch", num_rows="delete", disabled=["page"],
                                column_order=["order", "title", "page", "caption"], column_config=columns)

        @_ui.guarded
        def _save_steps() -> None:
            try:
                store.save_tour(tour | {"steps": tours.edited_steps(tour["steps"], edited)}, user=_ui.user(),
                                expected_version=tour["version"])
                st.session_state["_tours_msg"] = ("success", tr("tour.saved"))
            except (Invalid, Conflict, PermissionDenied) as exc:
                st.session_state["_tours_msg"] = ("error", str(exc))

        st.button(tr("tour.save_steps"), key="tour_save_steps", on_click=_save_steps)
    else:
        st.dataframe(rows, hide_index=True, key="tour_steps", width="stretch",
                     column_order=["order", "title", "page", "caption"], column_config=columns)
    present = st.checkbox(tr("tour.in_presenter"), value=True, key="tour_present")

    @_ui.guarded
    def _start() -> None:
        if present:
            _presenter.set_presenting(True)
        _presenter.go_to_step(tour, 1)

    left, middle, right = st.columns(3)
    left.button(tr("tour.start"), type="primary", key="tour_start", on_click=_start)
    middle.download_button(tr("tour.export"), tours.to_json(tour), file_name=f"tour-{tour['id']}.json",
                           mime="application/json", key="tour_export", on_click="ignore")
    if _ui.can("edit"):
        @_ui.guarded
        def _delete() -> None:
            store.delete_tour(tour["id"], user=_ui.user())
            st.session_state["_tours_msg"] = ("success", tr("tour.deleted", name=tour["name"]))

        right.button(tr("tour.delete"), key="tour_delete", on_click=_delete, type="tertiary")

if _ui.can("edit"):
    st.subheader(tr("tour.import"))
    upload = st.file_uploader(tr("tour.import_file"), type=["json"], key="tour_upload")
    if upload is not None and st.button(tr("tour.import_button"), key="tour_import"):
        try:
            saved = store.save_tour(tours.from_json(upload.getvalue()), user=_ui.user())
            st.session_state["_tours_msg"] = ("success", tr("tour.imported", name=saved["name"]))
        except (Invalid, PermissionDenied) as exc:
            st.session_state["_tours_msg"] = ("error", str(exc))
        st.rerun()
else:
    st.caption(tr("tour.curators_make"))
