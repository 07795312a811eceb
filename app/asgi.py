"""The dashboard as an ASGI app (`make app` serves this file): Streamlit plus two routes that
set and clear the session cookie.

A Streamlit script cannot set an HttpOnly cookie, only a server response can. So after a
login the script hands the browser a one-time ticket, which the page posts to
`/_pyramid/session`; the answer sets the cookie (`app/sessions.py`). `/_pyramid/logout`
ends the cookie's session and clears it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import sessions


def _no_content() -> Response:
    # A response that sets or clears a login must never be cached.
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


async def open_session(request: Request) -> Response:
    token = sessions.STORE.redeem_ticket((await request.body()).decode("ascii", "replace"))
    if token is None:
        return Response(status_code=403)
    response = _no_content()
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=int(sessions.limits().max_seconds),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


async def end_session(request: Request) -> Response:
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        sessions.STORE.revoke(token)
    response = _no_content()
    response.delete_cookie(
        sessions.COOKIE_NAME,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


app = st.App(
    Path(__file__).with_name("streamlit_app.py"),
    routes=[
        Route(sessions.SESSION_ROUTE, open_session, methods=["POST"]),
        Route(sessions.LOGOUT_ROUTE, end_session, methods=["POST"]),
    ],
)
