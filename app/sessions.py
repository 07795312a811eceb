"""Logins that survive a reload: signed session tokens, idle and absolute expiry.

A login made in the form (`app/auth.py`) becomes a session token: the user's name, role and
salesperson id, a random session id and the time of issue, signed with HMAC-SHA256. The
browser keeps it in an HttpOnly cookie (set by the routes in `app/asgi.py`, since a
Streamlit script cannot set one), so a reload or a second tab is still logged in.

Which sessions are alive, and when each was last used, is known to this process only (the
`STORE` below): that is what makes the idle timeout and logout work, and it means a
server restart asks everyone to log in again. For the same reason the signing key is a
random one per process: a token from another process or an earlier run is worthless.

A token is accepted only when its signature holds, it is younger than
`PYRAMID_SESSION_MAX_HOURS`, it was used within the last `PYRAMID_SESSION_IDLE_MINUTES`,
it was not logged out, and the users file still has its user with the same role,
salesperson id and password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass

from app.users import User

COOKIE_NAME = "pyramid_session"
# The routes of `app/asgi.py` the login and logout post to.
SESSION_ROUTE = "/_pyramid/session"
LOGOUT_ROUTE = "/_pyramid/logout"
IDLE_MINUTES_ENV = "PYRAMID_SESSION_IDLE_MINUTES"
MAX_HOURS_ENV = "PYRAMID_SESSION_MAX_HOURS"
DEFAULT_IDLE_MINUTES = 60.0
DEFAULT_MAX_HOURS = 12.0
# The form hands its login to the cookie route through a ticket: one use, this short-lived.
TICKET_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    idle_seconds: float
    max_seconds: float


def limits(environ: dict[str, str] | None = None) -> Limits:
    """The idle timeout and the absolute lifetime of a session, from the environment."""
    env = os.environ if environ is None else environ

    def positive(name: str, default: float) -> float:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if not value > 0:
            raise ValueError(f"{name} must be a positive number, not {raw!r}")
        return value

    return Limits(
        idle_seconds=positive(IDLE_MINUTES_ENV, DEFAULT_IDLE_MINUTES) * 60,
        max_seconds=positive(MAX_HOURS_ENV, DEFAULT_MAX_HOURS) * 3600,
    )


# --- signing ------------------------------------------------------------------------------
def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict, key: bytes) -> str:
    """`<payload>.<signature>`, both base64url: readable by anyone, forged by nobody."""
    payload = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signature = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64encode(signature)}"


def verify(token: str, key: bytes) -> dict | None:
    """The claims of a token this key signed, or None for anything else."""
    payload, _, signature = token.partition(".")
    try:
        expected = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64decode(signature)):
            return None
        claims = json.loads(_b64decode(payload))
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


# --- live sessions ------------------------------------------------------------------------
def _password_mark(user: User) -> str:
    """Changes with the user's password hash (which is salted), so a new password ends the
    sessions made with the old one; the token never carries the hash itself."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


class SessionStore:
    """The sessions of this process: issue, check (and touch), revoke; login tickets."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        self._last_seen: dict[str, float] = {}  # session id -> time of last use
        self._tickets: dict[str, tuple[str, float]] = {}  # ticket -> (token, issued at)
        self._lock = threading.Lock()

    def open(self, user: User, limits: Limits, now: float | None = None) -> str:
        """A token for a user who just gave their password."""
        now = time.time() if now is None else now
        session_id = secrets.token_urlsafe(18)
        claims = {
            "sid": session_id,
            "user": user.username,
            "role": user.role,
            "sp": user.salesperson_id,
            "pw": _password_mark(user),
            "iat": now,
        }
        with self._lock:
            # Sessions left idle (a closed tab) are forgotten here, so they cannot pile up.
            self._last_seen = {
                sid: seen
                for sid, seen in self._last_seen.items()
                if now - seen < limits.idle_seconds
            }
            self._last_seen[session_id] = now
        return sign(claims, self._key)

    def check(
        self,
        token: str,
        known: dict[str, User],
        limits: Limits,
        now: float | None = None,
    ) -> User | None:
        """The token's user if the session is still good (and marks it used), else None.

        A session found too old, idle or stale is ended, so it cannot come back.
        """
        now = time.time() if now is None else now
        claims = verify(token, self._key)
        if claims is None:
            return None
        session_id = claims.get("sid")
        user = known.get(claims.get("user"))
        with self._lock:
            last_seen = self._last_seen.get(session_id)
            good = (
                last_seen is not None
                and now - claims.get("iat", 0) < limits.max_seconds
                and now - last_seen < limits.idle_seconds
                # A user removed from the file, or whose role, scope or password changed,
                # is out.
                and user is not None
                and (user.role, user.salesperson_id, _password_mark(user))
                == (claims.get("role"), claims.get("sp"), claims.get("pw"))
            )
            if good:
                self._last_seen[session_id] = now
            else:
                self._last_seen.pop(session_id, None)
        return user if good else None

    def revoke(self, token: str) -> None:
        """Log a session out: its token is refused from now on, in every tab."""
        claims = verify(token, self._key)
        if claims is not None:
            with self._lock:
                self._last_seen.pop(claims.get("sid"), None)

    def issue_ticket(self, token: str, now: float | None = None) -> str:
        """A one-time code the browser trades for the token's cookie (`app/asgi.py`)."""
        now = time.time() if now is None else now
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            # Tickets nobody redeemed are dropped here, so they cannot pile up.
            self._tickets = {
                code: entry
                for code, entry in self._tickets.items()
                if now - entry[1] < TICKET_SECONDS
            }
            self._tickets[ticket] = (token, now)
        return ticket

    def redeem_ticket(self, ticket: str, now: float | None = None) -> str | None:
        """The token for a ticket issued less than a minute ago; a ticket works once."""
        now = time.time() if now is None else now
        with self._lock:
            entry = self._tickets.pop(ticket, None)
        if entry is None or now - entry[1] >= TICKET_SECONDS:
            return None
        return entry[0]


STORE = SessionStore()
