"""Streamlit glue for the stores: which one a session reads (the live database for curators, the
published snapshot for visitors and viewer processes), the process's "serving" mark, and the
one-line message a busy database gets instead of a traceback. Re-exported by :mod:`pages._ui`.
"""
from __future__ import annotations

import os

import streamlit as st

from mapping.errors import UserError
from mapping.seed import init_database
from mapping.store import Busy, NoSnapshot, ReadOnly, Store, default_path, locks
from mapping.store.base import _is_file_path


def viewer() -> bool:
    """Whether this process is a viewer (``ATLAS_MODE=viewer``): it serves the published snapshot
    read-only; nobody signs in or writes here."""
    return os.environ.get("ATLAS_MODE", "").strip().lower() == "viewer"


@st.cache_resource(show_spinner=False)
def _live(path: str) -> Store:
    # The first run on a new database seeds it, so `make run` works from nothing.
    s = init_database(path)
    if s.is_file:
        locks.mark_serving(path)  # `init --force` refuses a database while this process lives
        s.publish(unless_current=True)  # visitors and viewer processes start from the current state
    return s


@st.cache_resource(show_spinner=False)
def _public(path: str) -> Store:
    if viewer():
        if _is_file_path(path):
            locks.mark_serving(path)
        return Store(path, read_only=True)
    live = _live(path)
    # A server database (md:) or :memory: has no snapshots: visitors read it through the same store.
    # A file this process cannot write has its snapshot wherever _live could publish it.
    return Store(live.public_path, read_only=True) if live.is_file else live


def edits_off() -> bool:
    """Whether this process cannot write its database (a read-only file or folder): the atlas is
    then read as it is, nobody signs in, every page says so and write controls are not offered."""
    if viewer():
        return False
    try:
        return bool(_live(default_path()).edits_off)
    except (Busy, NoSnapshot):  # said where the page reads (stop_busy); not a reason to refuse here
        return False


def live_store() -> Store:
    """The writing store (accounts, curation); refused in a viewer process."""
    if viewer():
        raise ReadOnly("this atlas is a read-only viewer; edit it in the writing instance")
    return _live(default_path())


def store() -> Store:
    """The store this session reads: the live database for curators, the published snapshot
    for everyone else (visitors never read drafts or private fields, and never wait for the
    database lock)."""
    from pages import _ui  # _ui re-exports this module: imported when called

    if not viewer() and _ui.can("edit"):
        return live_store()
    return _public(default_path())


def data_key() -> tuple[str, int]:
    """Cache key of every read: which database (the live one or its published snapshot) and the
    data version every write bumps. A database busy beyond the lock wait stops the run with one line."""
    try:
        s = store()
        return (f"{s.path} (published)" if s.read_only else s.path, s.data_version())
    except (Busy, NoSnapshot) as exc:
        stop_busy(exc)
        raise  # st.stop() has raised already; this line is for type checkers


def stop_busy(exc: Exception) -> None:
    """Say in one line that the database is busy (or not published yet) and end this run."""
    from pages import _ui

    st.warning(_ui.tr("ops.not_published") if isinstance(exc, NoSnapshot) else _ui.tr("ops.busy"))
    st.stop()


def guarded(callback):
    """Wrap a widget callback (tests/test_layout.py checks every one is): a busy database or a
    viewer becomes a one-line message on the next run, any other :class:`mapping.errors.UserError`
    its own message, instead of a traceback."""
    import functools

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (Busy, ReadOnly) as exc:
            st.session_state["_ops_message"] = ("ops.busy" if isinstance(exc, Busy) else
                                                "ops.edits_off" if edits_off() else "ops.read_only")
        except UserError as exc:  # refused or invalid: its message, shown on the run that follows
            st.session_state["_user_error"] = str(exc)
    return run


def show_ops_message() -> None:
    """The message a guarded callback left for this run, if any."""
    error = st.session_state.pop("_user_error", None)
    if error:
        from pages import _ui

        st.error(_ui.escape(error))
    key = st.session_state.pop("_ops_message", None)
    if key:
        from pages import _ui

        st.warning(_ui.tr(key))
