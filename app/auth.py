"""The login in front of every page, and the notice in open mode.

With `PYRAMID_USERS_FILE` set, nothing but the login form shows until a user of that file
logs in; the logged-in user's scope is then applied by the data layer (`app/data/scope.py`) to
every query. Without it the dashboard runs open: `make app` binds it to 127.0.0.1 only
(`app/launch.py`), and every page says so.

A login is a session token (`app/sessions.py`), checked on every script run. This Streamlit
session keeps it in its state; the browser keeps it in an HttpOnly cookie, which the page
obtains right after the login by posting a one-time ticket to `app/asgi.py`, so a reload or
a new tab finds it there.
"""

from __future__ import annotations

import ipaddress
import json
import time

import streamlit as st

from app import sessions, users
from app.data import scope
from app.i18n import t

FAILED_KEY = "auth_failed_attempts"
TOKEN_KEY = "auth_session_token"
TICKET_KEY = "auth_session_ticket"  # set at login, posted (and dropped) in the next run


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
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        sessions.STORE.revoke(token)
    st.session_state.pop(scope.AUTH_USER_KEY, None)


def _cookie_token() -> str | None:
    value = st.context.cookies.get(sessions.COOKIE_NAME)
    # AppTest's stand-in runtime answers with a mock object instead of a string.
    return value if isinstance(value, str) else None


def _post(route: str, body: str = "") -> None:
    """Have the browser post `body` to one of the session routes of `app/asgi.py`."""
    st.html(
        f"<script>fetch({json.dumps(route)}, {{method: 'POST', body: {json.dumps(body)}, "
        "credentials: 'same-origin', cache: 'no-store'});</script>",
        unsafe_allow_javascript=True,
    )


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

    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    # Refused when logged out, idle or too old, or when the user was removed from the
    # file or their role, scope or password changed: the login shows at their next click.
    user = sessions.STORE.check(token, known, sessions.limits()) if token else None
    if user is None:
        _logout()
        if token:
            _post(sessions.LOGOUT_ROUTE)  # the browser drops the dead cookie
            st.info(t("auth.ended"), icon=":material/schedule:")
        _only_page(_login_page, "inloggen")

    st.session_state[TOKEN_KEY] = token
    st.session_state[scope.AUTH_USER_KEY] = {
        "username": user.username,
        "role": user.role,
        "salesperson_id": user.salesperson_id,
    }
    ticket = st.session_state.pop(TICKET_KEY, None)
    if ticket:
        _post(sessions.SESSION_ROUTE, ticket)  # the cookie that keeps this login
    with st.sidebar:
        who = (
            t("auth.role.salesperson", id=user.salesperson_id)
            if user.role == users.SALESPERSON
            else t("auth.role.manager")
        )
        st.caption(t("auth.logged_in", user=user.username, role=who))
        st.button(t("auth.logout"), on_click=_logout, key="auth_logout")
    return user


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
    token = sessions.STORE.open(user, sessions.limits())
    st.session_state[TOKEN_KEY] = token
    st.session_state[TICKET_KEY] = sessions.STORE.issue_ticket(token)
    st.rerun()
