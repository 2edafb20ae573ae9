"""Edit: create and correct organisation files, relations, projects and events; publish,
archive, restore. Every save is checked again by the store (role, fields, version)."""
import streamlit as st

from mapping.auth import PermissionDenied
from mapping.store import Conflict
from mapping.validate import Invalid
from pages import _forms, _ui

_ui.ensure_app()

lang = _ui.lang()
tr = _ui.tr
store = _ui.store()
st.title(tr("edit.title"))

TYPES = ["actor", "relation", "project", "event"]
# Labels computed here, not in format_func: Streamlit may call that outside a run.
type_labels = {k: tr(f"edit.type.{k}") for k in TYPES}
record_type = st.segmented_control(tr("edit.type"), TYPES, default="actor", key="ed_type",
                                   format_func=type_labels.get) or "actor"
records = store.records(record_type)
NEW = "__new__"
labels = {NEW: tr("edit.new")} | {r.id: f"{r.name} · {tr('status.' + r.status)}" for r in records.itertuples()}
if st.query_params.get("edit") in labels and "ed_pick" not in st.session_state:
    st.session_state["ed_pick"] = st.query_params["edit"]
if st.session_state.get("ed_pick") not in labels:
    st.session_state["ed_pick"] = NEW  # e.g. the kind of record changed
choice = st.selectbox(tr("edit.pick"), list(labels), key="ed_pick", format_func=labels.get)
record = None if choice == NEW else store.record(record_type, choice)

# Load the chosen record into the form once; the editor then works on that version until it saves
# (a newer version saved meanwhile is not loaded over their work: saving reports the conflict).
loaded = (record_type, choice)
if st.session_state.get("_ed_loaded") != loaded:
    _forms.load(record_type, record)
    st.session_state["_ed_loaded"] = loaded
    st.session_state["_ed_errors"] = {}
    st.session_state.pop("_ed_conflict", None)
if record is not None and choice != st.query_params.get("edit"):
    st.query_params["edit"] = choice


@_ui.guarded
def _save() -> None:
    values = _forms.values(record_type)
    if record is not None:
        values["id"] = record["id"]
    try:
        saved = store.save(record_type, values, user=_ui.user(), lang=lang,
                           expected_version=record["version"] if record else None,
                           source=st.session_state.get("ed_source"))
    except Invalid as exc:
        st.session_state["_ed_errors"] = exc.errors
        return
    except Conflict as exc:
        st.session_state["_ed_conflict"] = exc
        return
    except PermissionDenied as exc:
        st.session_state["_ed_errors"] = {"_": str(exc)}
        return
    st.session_state["_ed_saved"] = saved["id"]
    st.session_state["ed_pick"] = saved["id"]
    st.session_state["_ed_loaded"] = None  # reload the saved version


@_ui.guarded
def _status(status: str) -> None:
    try:
        store.set_status(record_type, record["id"], status, user=_ui.user(), expected_version=record["version"])
        st.session_state["_ed_loaded"] = None
    except (Invalid, Conflict, PermissionDenied) as exc:
        st.session_state["_ed_errors"] = getattr(exc, "errors", None) or {"_": str(exc)}


if st.session_state.pop("_ed_saved", None):
    st.success(tr("edit.saved"))
errors = st.session_state.get("_ed_errors") or {}
if errors:
    st.error(tr("edit.invalid", n=len(errors)) + (" " + _ui.escape(errors["_"]) if "_" in errors else ""))
conflict = st.session_state.get("_ed_conflict")
if conflict is not None:
    st.warning(tr("edit.conflict", version=conflict.current["version"]))
    st.dataframe([{tr("edit.col.field"): tr(f"field.{k}"), tr("edit.col.yours"): str(a),
                   tr("edit.col.now"): str(b)} for k, (a, b) in conflict.changes.items()],
                 hide_index=True, key="ed_conflict_table")
    st.caption(tr("edit.conflict_help"))
    st.button(tr("edit.reload"), key="ed_reload", on_click=lambda: st.session_state.update(_ed_loaded=None))

if record is not None:
    st.caption(tr("edit.version", version=record["version"], status=tr("status." + record["status"]),
                  updated=str(record.get("updated_at") or "")[:16]))
with st.form("ed_form", border=True):
    _forms.draw(record_type, errors, lang)
    if record is None:
        st.text_input(tr("edit.source"), key="ed_source", help=tr("edit.source_help"))
        if "source" in errors:
            st.error(errors["source"])
    st.form_submit_button(tr("edit.save"), type="primary", on_click=_save)

if record is not None:
    actions = {"draft": ["published", "archived"], "published": ["draft", "archived"], "archived": ["draft"]}
    columns = st.columns(4)
    for column, status in zip(columns, actions[record["status"]]):
        column.button(tr(f"edit.to.{status}"), key=f"ed_to_{status}", on_click=_status, args=(status,),
                      disabled=status == "published" and not _ui.can("publish"))
    if record_type in ("project", "event"):
        _forms.participants(record_type, record["id"], lang)
    st.subheader(tr("edit.history"))
    log = store.history(record_type, record["id"], limit=20)
    st.dataframe(log[["id", "changed_at", "username", "action"]], hide_index=True, key="ed_history",
                 column_config={"id": tr("history.col.id"), "changed_at": tr("history.col.when"),
                                "username": tr("history.col.who"), "action": tr("history.col.action")})
    st.page_link("pages/history.py", label=tr("edit.open_history"),
                 query_params={"type": record_type, "record": record["id"], "lang": lang})
    if record_type == "actor" and record["status"] == "published":
        st.page_link("pages/actor.py", label=tr("map.open_file"), query_params={"actor": record["id"], "lang": lang})
