"""Streamlit glue for accounts: the sidebar's sign-in box and "change my password". The store
checks passwords (throttled per name and per browser session) and re-reads roles on every
write; :func:`refresh` re-reads the signed-in account on every run, so a closed account or a
changed role takes effect at the next click."""
from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from mapping import sessions
from mapping.validate import Invalid
from pages._ui import edits_off, escape, guarded, lang, live_store, tr, user, viewer


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


_SESSION_JS = Path(__file__).resolve().parent.parent / "static" / "atlas" / "session.js"


@st.cache_resource(show_spinner=False)
def _cookie_component():
    """The browser-side half of the sign-in cookie (``static/atlas/session.js``), registered once."""
    return st.components.v2.component("atlas_session", js=_SESSION_JS.read_text(encoding="utf-8"))


def _key() -> bytes:
    from mapping.store import default_path

    return sessions.secret(default_path())


def _from_cookie():
    """``(user, session id)`` of the browser's sign-in cookie when its session is still open."""
    try:
        token = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no browser request behind this run (a test harness)
        return None
    session_id = sessions.verify(_key(), "cookie", token, time.time())
    found = live_store().session_user(session_id) if session_id else None
    return (found, session_id) if found else None


@guarded
def _sign_in() -> None:
    answer = live_store().sign_in(st.session_state.get("signin_user", ""), st.session_state.get("signin_password", ""),
                                  _session_id())
    st.session_state["signin_password"] = ""
    st.session_state["user"] = answer.user
    if answer.user is not None:  # the browser gets a cookie, so a reload or a new tab stays signed in
        session_id = live_store().start_session(answer.user.username, sessions.LIFETIME_SECONDS)
        st.session_state["_session_id"] = session_id
        st.session_state["_cookie_action"] = ("start", sessions.sign(
            _key(), "handoff", session_id, int(time.time()) + sessions.HANDOFF_SECONDS))
    st.session_state["_signin_failed"] = (tr("account.locked") if answer.locked else
                                          tr("account.wait", n=answer.wait) if answer.wait else
                                          tr("account.failed")) if answer.user is None else None


@guarded
def _sign_out() -> None:
    st.session_state.pop("user", None)
    session_id = st.session_state.pop("_session_id", None)
    if session_id:
        live_store().end_session(session_id)  # over, whatever cookie still names it
    st.session_state["_cookie_action"] = ("end", "")


def refresh() -> None:
    """Re-read the signed-in account (role, still active) from the database; app.py calls it
    first on every run. A closed account is signed out with a message."""
    current = user()
    if viewer() or edits_off():  # nobody signs in here (the cookie's key may not even be writable)
        return
    if current is None:
        if not st.session_state.get("_session_checked"):  # a reload or a new tab: the browser's cookie
            st.session_state["_session_checked"] = True
            restored = _from_cookie()
            if restored:
                st.session_state["user"], st.session_state["_session_id"] = restored
        return
    session_id = st.session_state.get("_session_id")
    # Signed out in another tab, or expired: the session's end signs this one out too.
    stored = live_store().session_user(session_id) if session_id else live_store().user(current.username)
    if stored != current:
        st.session_state["user"] = stored
        if stored is None:
            st.session_state["_signin_failed"] = tr("account.signed_out_closed")


@guarded
def _change_password() -> None:
    state = st.session_state
    new = state.get("pw_new", "")
    try:
        if new != state.get("pw_repeat", ""):
            raise Invalid({"password": tr("password.mismatch")})
        live_store().change_password(user().username, state.get("pw_current", ""), new, lang=lang())
        state["_pw_message"] = ("success", tr("password.changed"))
    except Invalid as exc:
        state["_pw_message"] = ("error", " ".join(exc.errors.values()))
    for key in ("pw_current", "pw_new", "pw_repeat"):
        state[key] = ""


def account_box() -> None:
    """Sidebar: sign in (visitors) or who is signed in, sign out and change one's password."""
    if viewer():  # a read-only replica: curators work in the writing instance
        st.caption(tr("account.viewer"))
        return
    if edits_off():  # signing in writes (throttling counts, the session): nothing to sign in for
        st.caption(tr("account.edits_off"))
        return
    action = st.session_state.pop("_cookie_action", None)
    if action:  # set or clear the browser's sign-in cookie (an HTTP answer does it, not this socket)
        _cookie_component()(key=f"atlas_cookie_{action[0]}", data={"action": action[0], "token": action[1]})
    current = user()
    if current:
        st.caption(tr("account.signed_in", name=escape(current.display_name or current.username),
                      role=tr(f"account.role.{current.role}")))
        st.button(tr("account.sign_out"), on_click=_sign_out, key="sign_out")
        message = st.session_state.pop("_pw_message", None)
        with st.expander(tr("account.change_password"), expanded=message is not None):
            with st.form("change_password", border=False):
                st.text_input(tr("account.current_password"), type="password", key="pw_current")
                st.text_input(tr("account.new_password"), type="password", key="pw_new",
                              help=tr("account.password_rules"))
                st.text_input(tr("account.repeat_password"), type="password", key="pw_repeat")
                st.form_submit_button(tr("account.change_password"), on_click=_change_password)
            if message:
                (st.success if message[0] == "success" else st.error)(escape(message[1]))
        return
    failed = st.session_state.get("_signin_failed")
    with st.expander(tr("account.sign_in"), expanded=bool(failed)):
        with st.form("signin", border=False):
            st.text_input(tr("account.username"), key="signin_user")
            st.text_input(tr("account.password"), type="password", key="signin_password")
            st.form_submit_button(tr("account.sign_in"), on_click=_sign_in)
        if failed:
            st.error(failed)
