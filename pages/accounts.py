"""Accounts: admins create curator and admin accounts (the store refuses anyone else)."""
import streamlit as st

from mapping.auth import ROLES, PermissionDenied
from mapping.validate import Invalid
from pages import _ui

_ui.ensure_app()

tr = _ui.tr
store = _ui.store()
st.title(tr("accounts.title"))
users = store.users()
st.dataframe(users, hide_index=True, key="acc_users", column_config={
    "username": tr("account.username"), "display_name": tr("accounts.display"), "role": tr("accounts.role"),
    "active": tr("accounts.col.active"), "created_at": tr("accounts.col.created")})


@_ui.guarded
def _add() -> None:
    try:
        made = store.add_user(st.session_state.get("acc_name", ""), st.session_state.get("acc_password", ""),
                              st.session_state.get("acc_role") or "curator", st.session_state.get("acc_display", ""),
                              by=_ui.user(), lang=_ui.lang())
        st.session_state["_acc_done"] = tr("accounts.created", name=made.username)
        st.session_state["acc_password"] = ""
    except Invalid as exc:  # worded in the session's language; the field is named by the form
        st.session_state["_acc_error"] = " ".join(exc.errors.values())
    except PermissionDenied as exc:
        st.session_state["_acc_error"] = str(exc)


with st.form("acc_form"):
    st.text_input(tr("account.username"), key="acc_name")
    st.text_input(tr("accounts.display"), key="acc_display")
    st.text_input(tr("account.password"), type="password", key="acc_password", help=tr("accounts.password_help"))
    roles = {r: tr(f"account.role.{r}") for r in ROLES}
    st.selectbox(tr("accounts.role"), list(roles), key="acc_role", format_func=roles.get)
    st.form_submit_button(tr("accounts.add"), on_click=_add)
if st.session_state.get("_acc_done"):
    st.success(_ui.escape(st.session_state.pop("_acc_done")))
if st.session_state.get("_acc_error"):
    st.error(_ui.escape(st.session_state.pop("_acc_error")))


def _account_action(title: str, names: list, key: str, button: str, act, done: str) -> None:
    """A picker of accounts and a button applying ``act(name, by=...)`` to the one picked (closing and
    unlocking are the same form); a refusal is shown as the page's error."""
    @_ui.guarded
    def _apply() -> None:
        try:
            act(st.session_state[key], by=_ui.user())
            st.session_state["_acc_done"] = tr(done, name=st.session_state[key])
        except PermissionDenied as exc:
            st.session_state["_acc_error"] = str(exc)

    st.subheader(title)
    st.selectbox(tr("account.username"), names, key=key)
    st.button(button, key=key + "_button", on_click=_apply)


active = [u for u, on in zip(users["username"], users["active"]) if on and u != _ui.user().username]
if active:
    _account_action(tr("accounts.close"), active, "acc_close", tr("accounts.close_button"),
                    store.deactivate_user, "accounts.closed")
locked = store.locked_users()
if locked:
    _account_action(tr("accounts.locked"), locked, "acc_unlock", tr("accounts.unlock"),
                    store.unlock_user, "accounts.unlocked")
