"""Streamlit glue for accounts: the sidebar's sign-in box and "change my password". The store
checks passwords (throttled per name and per browser session) and re-reads roles on every
write; :func:`refresh` re-reads the signed-in account on every run, so a closed account or a
changed role takes effect at the next click."""
from __future__ import annotations

import streamlit as st

from mapping.validate import Invalid
from pages._ui import escape, guarded, lang, live_store, tr, user, viewer


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


@guarded
def _sign_in() -> None:
    answer = live_store().sign_in(st.session_state.get("signin_user", ""), st.session_state.get("signin_password", ""),
                                  _session_id())
    st.session_state["signin_password"] = ""
    st.session_state["user"] = answer.user
    st.session_state["_signin_failed"] = (tr("account.locked") if answer.locked else
                                          tr("account.wait", n=answer.wait) if answer.wait else
                                          tr("account.failed")) if answer.user is None else None


@guarded
def _sign_out() -> None:
    st.session_state.pop("user", None)


def refresh() -> None:
    """Re-read the signed-in account (role, still active) from the database; app.py calls it
    first on every run. A closed account is signed out with a message."""
    current = user()
    if current is None or viewer():
        return
    stored = live_store().user(current.username)
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
