"""History: the audit log — who changed what, when — and restoring any earlier version."""
import streamlit as st

from mapping import curation
from mapping.auth import PermissionDenied
from mapping.store import Conflict
from mapping.validate import Invalid
from pages import _errors, _ui

_ui.ensure_app()

lang = _ui.lang()
tr = _ui.tr
store = _ui.store()
st.title(tr("history.title"))

record_type = st.query_params.get("type") or None
record_id = st.query_params.get("record") or None
if record_id:
    st.caption(tr("history.one", record=_ui.escape(record_id)))
    st.page_link("pages/history.py", label=tr("history.all"), query_params={"lang": lang})
log = store.history(record_type, record_id, limit=500)
if st.session_state.get("_hist_done"):
    st.success(st.session_state.pop("_hist_done"))
if st.session_state.get("_hist_error"):
    st.error(_ui.escape(st.session_state.pop("_hist_error")))
if log.empty:
    st.info(tr("history.empty"))
    _errors.end_page()

shown = log[["id", "changed_at", "username", "action", "record_type", "record_id", "note"]]
st.dataframe(shown, hide_index=True, key="hist_table", width="stretch",
             column_config={c: tr(f"history.col.{c}") for c in shown.columns})
entries = {int(r.id): f"{r.id} · {r.action} · {r.record_type} {r.record_id} · {r.username} · {str(r.changed_at)[:16]}"
           for r in log.itertuples()}
picked = st.selectbox(tr("history.pick"), list(entries), index=None, key="hist_pick", format_func=entries.get)
if picked is None:
    _errors.end_page()

change = store.change(picked)
st.subheader(tr("history.change", id=change["id"], action=change["action"], who=_ui.escape(change["username"])))
if change["action"] == "merge":
    st.markdown(tr("history.merge_note", note=_ui.escape(change["note"] or "")))
diff = curation.changes(change["before"], change["after"] if change["action"] != "merge" else change["after"]["keep"])
if diff:
    st.dataframe([{tr("edit.col.field"): k, tr("history.col.before"): str(x), tr("history.col.after"): str(y)}
                  for k, x, y in diff],
                 hide_index=True, key="hist_diff", width="stretch")


@_ui.guarded
def _restore(state: str, seen: int | None) -> None:
    try:
        store.restore(change["id"], user=_ui.user(), state=state, expected_version=seen)
        st.session_state["_hist_done"] = tr("history.restored", id=change["id"])
    except (Invalid, Conflict, PermissionDenied) as exc:
        st.session_state["_hist_error"] = str(exc)


options = curation.restore_options(change)
# The version shown now: restoring an older state refuses if someone saves meanwhile (a participant
# row has no version column: its latest logged change stands for one).
if options["versioned"]:
    now = store.record(change["record_type"], change["record_id"])
    seen = now["version"] if now else None
else:
    seen = store.participant_version(change["record_type"], change["record_id"])
left, right = st.columns(2)
left.button(tr("history.undo"), key="hist_undo", on_click=_restore, args=("before", seen), disabled=not options["undo"],
            help=tr("history.undo_help"))
right.button(tr("history.restore_after"), key="hist_after", on_click=_restore, args=("after", seen),
             disabled=not options["after"], help=tr("history.restore_after_help"))
