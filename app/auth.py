"""The login in front of every page, and the notice in open mode.

With `PYRAMID_USERS_FILE` set, nothing but the login form shows until a user of that file
logs in; the logged-in user's scope is then applied by the data layer (`app/data/scope.py`) to
every query. Without it the dashboard runs open: `make app` binds it to 127.0.0.1 only
(`app/launch.py`), and every page says so.
"""

from __future__ import annotations

import ipaddress
import time

import streamlit as st

from app import users
from app.data import scope
from app.i18n import t

FAILED_KEY = "auth_failed_attempts"


def _client_is_local() -> bool:
    """False only when Streamlit knows the client's address and it is not a loopback one.

    A second line of defence: the first is that `make app` binds to 127.0.0.1 in open mode.
    """
    try:
        address = st.context.ip_address
    except Exception:  # no request context (tests, older Streamlit)
        return True
    if not isinstance(address, str) or not address:
        return True  # Streamlit gives None for a loopback client
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A server on a dual-stack socket (:::port) sees 127.0.0.1 as ::ffff:127.0.0.1.
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _logout() -> None:
    st.session_state.pop(scope.AUTH_USER_KEY, None)


def require_login() -> users.User | None:
    """The logged-in user, or None in open mode; stops the script until someone logs in."""
    path = users.users_file()
    if path is None:
        if not _client_is_local():
            # Open mode is for one computer; someone bound it to a network by hand.
            _only_page(lambda: st.error(t("auth.open.remote")), "geen-toegang")
        st.sidebar.warning(t("auth.open"), icon=":material/lock_open:")
        return None
    try:
        known = users.load_users(path)
    except users.UsersFileError as error:
        message = t("auth.file_error", detail=error)
        _only_page(lambda: st.error(message), "geen-toegang")

    session = st.session_state.get(scope.AUTH_USER_KEY)
    if session:
        user = known.get(session["username"])
        # A user removed or changed in the file is logged out at their next click.
        if user is not None and (user.role, user.salesperson_id) == (
            session["role"],
            session["salesperson_id"],
        ):
            with st.sidebar:
                who = (
                    t("auth.role.salesperson", id=user.salesperson_id)
                    if user.role == users.SALESPERSON
                    else t("auth.role.manager")
                )
                st.caption(t("auth.logged_in", user=user.username, role=who))
                st.button(t("auth.logout"), on_click=_logout, key="auth_logout")
            return user
        _logout()

    _only_page(_login_page, "inloggen")


def _only_page(render, url_path: str) -> None:
    """Show `render` as the app's only page and stop: registering it with st.navigation
    means no other page opens by its URL (and Streamlit never falls back to app/pages/)."""
    st.navigation(
        [st.Page(render, title=t("auth.title"), url_path=url_path, icon=":material/lock:")],
        position="hidden",
    ).run()
    st.stop()


def _login_page() -> None:
    st.title(t("auth.title"))
    # clear_on_submit: the password does not stay in the form after a submit.
    with st.form("login", clear_on_submit=True):
        username = st.text_input(t("auth.username"), key="auth_username")
        password = st.text_input(t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.submit"))
    if not submitted:
        return
    known = users.load_users(users.users_file())
    user = users.authenticate(known, username or "", password or "")
    if user is None:
        failures = st.session_state.get(FAILED_KEY, 0) + 1
        st.session_state[FAILED_KEY] = failures
        # Slow down guessing in this session: a second more per failure after three.
        time.sleep(min(max(failures - 3, 0), 10))
        # One message for an unknown user and a wrong password alike.
        st.error(t("auth.failed"))
        return
    st.session_state.pop(FAILED_KEY, None)
    st.session_state[scope.AUTH_USER_KEY] = {
        "username": user.username,
        "role": user.role,
        "salesperson_id": user.salesperson_id,
    }
    st.rerun()
