"""Tours: sequences of saved views to present one after the other (next / previous with
Page Down / Page Up), shared as a link or as a small JSON file."""
import streamlit as st

from mapping import tours
from mapping.auth import PermissionDenied
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
    (st.success if kind == "success" else st.error)(message)

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
    st.dataframe([{"#": n, tr("tour.col.title"): s["title"], tr("tour.col.page"): pages[s["page"]],
                   tr("tour.col.caption"): s["caption"]} for n, s in enumerate(tour["steps"], start=1)],
                 hide_index=True, key="tour_steps", width="stretch")
    present = st.checkbox(tr("tour.in_presenter"), value=True, key="tour_present")

    def _start() -> None:
        if present:
            _presenter.set_presenting(True)
        _presenter.go_to_step(tour, 1)

    left, middle, right = st.columns(3)
    left.button(tr("tour.start"), type="primary", key="tour_start", on_click=_start)
    middle.download_button(tr("tour.export"), tours.to_json(tour), file_name=f"tour-{tour['id']}.json",
                           mime="application/json", key="tour_export")
    if _ui.can("edit"):
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
