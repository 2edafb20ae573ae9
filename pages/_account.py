"""Streamlit glue for accounts: the sidebar's sign-in box. The store checks passwords and
re-reads roles on every write; this module only keeps who signed in, in the session."""
from __future__ import annotations

import streamlit as st

from pages._ui import escape, guarded, live_store, tr, user, viewer


@guarded
def _sign_in() -> None:
    found = live_store().authenticate(st.session_state.get("signin_user", ""), st.session_state.get("signin_password", ""))
    st.session_state["signin_password"] = ""
    st.session_state["user"] = found
    st.session_state["_signin_failed"] = found is None


def _sign_out() -> None:
    st.session_state.pop("user", None)


def account_box() -> None:
    """Sidebar: sign in (visitors) or who is signed in and sign out."""
    if viewer():  # a read-only replica: curators work in the writing instance
        st.caption(tr("account.viewer"))
        return
    current = user()
    if current:
        st.caption(tr("account.signed_in", name=escape(current.display_name or current.username),
                      role=tr(f"account.role.{current.role}")))
        st.button(tr("account.sign_out"), on_click=_sign_out, key="sign_out")
        return
    with st.expander(tr("account.sign_in"), expanded=bool(st.session_state.get("_signin_failed"))):
        with st.form("signin", border=False):
            st.text_input(tr("account.username"), key="signin_user")
            st.text_input(tr("account.password"), type="password", key="signin_password")
            st.form_submit_button(tr("account.sign_in"), on_click=_sign_in)
        if st.session_state.get("_signin_failed"):
            st.error(tr("account.failed"))
