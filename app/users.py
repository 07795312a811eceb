"""Dashboard users: a TOML file of usernames, roles and scrypt password hashes.

The file is named by `PYRAMID_USERS_FILE`; without it the dashboard runs open, on
localhost only (see `app/launch.py`). One table per user:

    [users.anna]
    role = "manager"
    password = "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

    [users.piet]
    role = "salesperson"
    salesperson_id = "S001"
    password = "scrypt$..."

A manager sees every relation; a salesperson only the relations whose account manager
they are (enforced in `app/data/scope.py`). Manage the file with the command line:

    python -m app.users add --username piet --role salesperson --salesperson-id S001
    python -m app.users remove --username piet
    python -m app.users list
    python -m app.users hash            # print a hash for a password, to paste by hand

The password is asked for twice on the terminal (or read from stdin with
`--password-stdin`), never given as an argument, so it stays out of shell history.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

USERS_FILE_ENV = "PYRAMID_USERS_FILE"
ROLES = ("manager", "salesperson")
MANAGER, SALESPERSON = ROLES

# scrypt cost: 2^14 x 8 x 1 takes some 50 ms and 16 MB per check, the interactive-login
# setting of the scrypt paper; a stored hash keeps its own parameters, so they can rise.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")


class UsersFileError(ValueError):
    """The users file is missing, unreadable or invalid: the dashboard refuses to start."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    salesperson_id: str | None
    password_hash: str

    @property
    def scope(self) -> str | None:
        """The salesperson whose relations this user may see; None: every relation."""
        return self.salesperson_id if self.role == SALESPERSON else None


# --- hashing ----------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash` with a fresh random salt per call."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=HASH_BYTES,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, encoded: str) -> bool:
    """True when `password` matches `encoded`; the digests are compared in constant time."""
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected_bytes = base64.b64decode(expected, validate=True)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(expected_bytes),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected_bytes)


# A hash nobody's password matches, checked for unknown usernames so that a failed login
# costs the same time whether or not the user exists.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    """The user when username and password match; None otherwise, in about equal time."""
    user = users.get(username.strip())
    if user is None:
        check_password(password, _DUMMY_HASH)
        return None
    return user if check_password(password, user.password_hash) else None


# --- the file ---------------------------------------------------------------------------
def users_file(environ: dict[str, str] | None = None) -> Path | None:
    """The configured users file, or None (open mode)."""
    value = (os.environ if environ is None else environ).get(USERS_FILE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _validate(username: str, entry: object) -> User:
    if not USERNAME_PATTERN.fullmatch(username):
        raise UsersFileError(f"invalid username {username!r} (letters, digits, . _ @ -)")
    if not isinstance(entry, dict):
        raise UsersFileError(f"user {username!r}: expected a table")
    role = entry.get("role")
    if role not in ROLES:
        raise UsersFileError(f"user {username!r}: role must be one of {', '.join(ROLES)}")
    salesperson_id = entry.get("salesperson_id") or None
    if role == SALESPERSON and not isinstance(salesperson_id, str):
        raise UsersFileError(f"user {username!r}: a salesperson needs a salesperson_id")
    if role == MANAGER:
        salesperson_id = None
    password = entry.get("password")
    if not isinstance(password, str) or not password.startswith("scrypt$"):
        raise UsersFileError(f"user {username!r}: password must be a scrypt hash")
    return User(username, role, salesperson_id, password)


def load_users(path: Path) -> dict[str, User]:
    """Every user of the file; raises UsersFileError when it cannot be trusted."""
    try:
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise UsersFileError(f"users file {path} not found") from error
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsersFileError(f"users file {path} unreadable: {error}") from error
    table = parsed.get("users", {})
    if not isinstance(table, dict):
        raise UsersFileError(f"users file {path}: [users] must be a table")
    return {name: _validate(name, entry) for name, entry in table.items()}


def dump_users(users: dict[str, User]) -> str:
    # JSON strings are valid TOML basic strings: no TOML writer needed.
    parts = ["# Dashboard users (python -m app.users). Passwords are scrypt hashes.\n"]
    for user in sorted(users.values(), key=lambda u: u.username):
        parts.append(f"\n[users.{json.dumps(user.username)}]\n")
        parts.append(f"role = {json.dumps(user.role)}\n")
        if user.salesperson_id:
            parts.append(f"salesperson_id = {json.dumps(user.salesperson_id)}\n")
        parts.append(f"password = {json.dumps(user.password_hash)}\n")
    return "".join(parts)


def save_users(path: Path, users: dict[str, User]) -> None:
    """Write atomically, readable by the owner only (it holds password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.writing")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(dump_users(users))
    os.replace(temporary, path)


# --- command line -----------------------------------------------------------------------
def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise SystemExit("passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SystemExit(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _path(argument: str | None) -> Path:
    path = Path(argument).expanduser().resolve() if argument else users_file()
    if path is None:
        raise SystemExit(f"no users file: pass --file or set {USERS_FILE_ENV}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.users", description="Manage the dashboard's users file."
    )
    parser.add_argument("--file", help=f"users file (default: ${USERS_FILE_ENV})")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add a user or replace one's role and password")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--salesperson-id", help="required for a salesperson")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    remove = commands.add_parser("remove", help="remove a user")
    remove.add_argument("--username", required=True)
    commands.add_parser("list", help="list users and roles (no hashes)")
    hashing = commands.add_parser("hash", help="print the hash of a password")
    hashing.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "hash":
        print(hash_password(_read_password(args.password_stdin)))
        return 0
    path = _path(args.file)
    users = load_users(path) if path.exists() else {}
    if args.command == "list":
        for user in sorted(users.values(), key=lambda u: u.username):
            print(f"{user.username}\t{user.role}\t{user.salesperson_id or ''}")
        return 0
    if args.command == "remove":
        if users.pop(args.username, None) is None:
            print(f"no user {args.username!r} in {path}", file=sys.stderr)
            return 1
        save_users(path, users)
        print(f"removed {args.username} from {path}")
        return 0
    if args.role == SALESPERSON and not args.salesperson_id:
        parser.error("--salesperson-id is required for --role salesperson")
    if args.role == MANAGER and args.salesperson_id:
        parser.error("a manager sees every relation: leave out --salesperson-id")
    user = _validate(
        args.username,
        {
            "role": args.role,
            "salesperson_id": args.salesperson_id,
            "password": hash_password(_read_password(args.password_stdin)),
        },
    )
    users[user.username] = user
    save_users(path, users)
    print(f"saved {user.username} ({user.role}) in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
