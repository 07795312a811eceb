"""Session tokens and the cookie routes (app/sessions.py, app/asgi.py): signing, expiry,
idle timeout, logout, removed and changed users, one-time tickets, cookie attributes."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from starlette.requests import Request

from app import asgi, launch, sessions, users

ANNA = users.User("anna", users.MANAGER, None, "scrypt$unused")
PIET = users.User("piet", users.SALESPERSON, "S001", "scrypt$unused")
KNOWN = {"anna": ANNA, "piet": PIET}
LIMITS = sessions.Limits(idle_seconds=60 * 60, max_seconds=12 * 3600)
T0 = 1_800_000_000.0


@pytest.fixture
def store() -> sessions.SessionStore:
    return sessions.SessionStore()


def test_a_fresh_token_is_good_and_names_its_user(store):
    token = store.open(PIET, LIMITS, now=T0)
    assert store.check(token, KNOWN, LIMITS, now=T0 + 1) == PIET
    assert sessions.verify(token, store._key) is not None


def reencoded(token: str, **changes) -> str:
    """The token with its claims changed but the old signature kept."""
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, **changes}).encode()).rstrip(b"=")
    return f"{forged.decode()}.{signature}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: reencoded(token, role=users.MANAGER, sp=None),  # a salesperson as manager
        lambda token: reencoded(token, user="anna"),
        lambda token: reencoded(token, iat=T0 + 10 * 3600),  # younger than it is
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(".")[0],  # no signature
        lambda token: "not.a-token",
        lambda token: "",
        lambda token: "é.é",
    ],
)
def test_a_tampered_token_is_refused(store, tamper):
    token = store.open(PIET, LIMITS, now=T0)
    assert store.check(tamper(token), KNOWN, LIMITS, now=T0 + 1) is None
    assert store.check(token, KNOWN, LIMITS, now=T0 + 2) == PIET  # the real one still works


def test_a_token_of_another_key_is_refused(store):
    other = sessions.SessionStore()
    token = other.open(ANNA, LIMITS, now=T0)
    assert store.check(token, KNOWN, LIMITS, now=T0 + 1) is None


def test_a_session_expires_after_its_lifetime_however_busy(store):
    token = store.open(ANNA, LIMITS, now=T0)
    now = T0
    while now < T0 + LIMITS.max_seconds - 600:
        now += 600  # a click every ten minutes, all day
        assert store.check(token, KNOWN, LIMITS, now=now) == ANNA
    assert store.check(token, KNOWN, LIMITS, now=T0 + LIMITS.max_seconds + 1) is None


def test_an_idle_session_ends_and_stays_ended(store):
    token = store.open(ANNA, LIMITS, now=T0)
    assert store.check(token, KNOWN, LIMITS, now=T0 + LIMITS.idle_seconds - 1) == ANNA
    # Idle is counted from the last use, not from the login.
    later = T0 + 2 * LIMITS.idle_seconds - 2
    assert store.check(token, KNOWN, LIMITS, now=later) == ANNA
    assert store.check(token, KNOWN, LIMITS, now=later + LIMITS.idle_seconds) is None
    # A longer idle timeout afterwards does not bring it back.
    assert store.check(token, KNOWN, sessions.Limits(10**6, 10**6), now=later + 1) is None


def test_logout_ends_the_session_in_every_tab(store):
    token = store.open(ANNA, LIMITS, now=T0)
    second = store.open(ANNA, LIMITS, now=T0)  # another login of the same user
    store.revoke(token)
    assert store.check(token, KNOWN, LIMITS, now=T0 + 1) is None
    assert store.check(second, KNOWN, LIMITS, now=T0 + 1) == ANNA


@pytest.mark.parametrize(
    "known",
    [
        {"anna": ANNA},  # piet removed
        {**KNOWN, "piet": users.User("piet", users.MANAGER, None, "scrypt$unused")},  # role
        {**KNOWN, "piet": users.User("piet", users.SALESPERSON, "S002", "scrypt$unused")},
        {**KNOWN, "piet": users.User("piet", users.SALESPERSON, "S001", "scrypt$new")},  # password
    ],
)
def test_a_removed_or_changed_user_is_logged_out(store, known):
    token = store.open(PIET, LIMITS, now=T0)
    assert store.check(token, known, LIMITS, now=T0 + 1) is None
    # Restoring the user does not revive the session: they log in again.
    assert store.check(token, KNOWN, LIMITS, now=T0 + 2) is None


def test_idle_sessions_are_forgotten_when_new_ones_open(store):
    old = store.open(ANNA, LIMITS, now=T0)
    store.open(PIET, LIMITS, now=T0 + LIMITS.idle_seconds + 1)
    assert len(store._last_seen) == 1
    assert store.check(old, KNOWN, LIMITS, now=T0 + LIMITS.idle_seconds + 2) is None


def test_a_ticket_works_once_and_for_a_minute(store):
    token = store.open(ANNA, LIMITS, now=T0)
    ticket = store.issue_ticket(token, now=T0)
    assert store.redeem_ticket(ticket, now=T0 + 1) == token
    assert store.redeem_ticket(ticket, now=T0 + 2) is None
    late = store.issue_ticket(token, now=T0)
    assert store.redeem_ticket(late, now=T0 + sessions.TICKET_SECONDS) is None
    assert store.redeem_ticket("guessed", now=T0) is None


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (3600, 12 * 3600)),
        ({"PYRAMID_SESSION_IDLE_MINUTES": "15", "PYRAMID_SESSION_MAX_HOURS": "8"}, (900, 28800)),
        ({"PYRAMID_SESSION_IDLE_MINUTES": "0.5"}, (30, 12 * 3600)),
    ],
)
def test_limits_come_from_the_environment(env, expected):
    limits = sessions.limits(env)
    assert (limits.idle_seconds, limits.max_seconds) == expected


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan"])
def test_a_bad_limit_stops_the_launcher(value, tmp_path, monkeypatch, capsys):
    with pytest.raises(ValueError, match=sessions.IDLE_MINUTES_ENV):
        sessions.limits({sessions.IDLE_MINUTES_ENV: value})
    path = tmp_path / "users.toml"
    users.save_users(path, {"anna": ANNA})
    monkeypatch.setenv(users.USERS_FILE_ENV, str(path))
    monkeypatch.setenv(sessions.IDLE_MINUTES_ENV, value)
    assert launch.main(["--port", "1"]) == 2
    assert sessions.IDLE_MINUTES_ENV in capsys.readouterr().err


# --- the cookie routes ------------------------------------------------------------------
def post(endpoint, body: bytes = b"", cookie: str | None = None, scheme: str = "http"):
    headers = [(b"cookie", f"{sessions.COOKIE_NAME}={cookie}".encode())] if cookie else []
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": scheme,
        "path": "/",
        "query_string": b"",
        "headers": headers,
        "server": ("dashboard.example", 443 if scheme == "https" else 80),
    }

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return asyncio.run(endpoint(Request(scope, receive)))


def set_cookie(response) -> str:
    return response.headers["set-cookie"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_ticket_buys_an_httponly_samesite_cookie(scheme, monkeypatch):
    store = sessions.SessionStore()
    monkeypatch.setattr(sessions, "STORE", store)
    monkeypatch.setenv(sessions.MAX_HOURS_ENV, "8")
    token = store.open(ANNA, LIMITS)
    response = post(asgi.open_session, store.issue_ticket(token).encode(), scheme=scheme)
    assert response.status_code == 204
    assert response.headers["cache-control"] == "no-store"
    cookie = set_cookie(response)
    assert cookie.startswith(f"{sessions.COOKIE_NAME}={token};")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Max-Age=28800" in cookie
    assert ("Secure" in cookie) == (scheme == "https")


def test_no_cookie_without_a_good_ticket(monkeypatch):
    store = sessions.SessionStore()
    monkeypatch.setattr(sessions, "STORE", store)
    ticket = store.issue_ticket(store.open(ANNA, LIMITS))
    assert post(asgi.open_session, ticket.encode()).status_code == 204
    for body in (ticket.encode(), b"guessed", b"", b"\xff"):
        response = post(asgi.open_session, body)
        assert response.status_code == 403 and "set-cookie" not in response.headers


def test_the_logout_route_ends_the_session_and_clears_the_cookie(monkeypatch):
    store = sessions.SessionStore()
    monkeypatch.setattr(sessions, "STORE", store)
    token = store.open(ANNA, LIMITS)
    response = post(asgi.end_session, cookie=token)
    assert response.status_code == 204
    assert set_cookie(response).startswith(f'{sessions.COOKIE_NAME}="";')
    assert "Max-Age=0" in set_cookie(response)
    assert store.check(token, KNOWN, LIMITS) is None
