"""Start the dashboard (`make app`): on 127.0.0.1 only, unless users are configured.

Without a users file (`PYRAMID_USERS_FILE`) the dashboard has no login and shows every
relation, so it must not be reachable from the network: it binds to the loopback address.
With a users file (checked here, before the server starts) it binds to
`PYRAMID_APP_ADDRESS` (default 0.0.0.0, every interface); put it behind HTTPS (a reverse
proxy) when it leaves one machine, since the login form sends passwords.

It serves `app/asgi.py`: Streamlit plus the routes that keep a login in a session cookie.
Streamlit's developer toolbar (Deploy, Rerun, Clear cache) is hidden: this is for users.
"""

from __future__ import annotations

import argparse
import os
import sys

from app import sessions, users
from orchestration.settings import REPO_ROOT

LOCALHOST = "127.0.0.1"


def server_address(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if users.users_file(env) is None:
        return LOCALHOST
    return env.get("PYRAMID_APP_ADDRESS", "").strip() or "0.0.0.0"


def streamlit_command(port: int, environ: dict[str, str] | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "app" / "asgi.py"),
        "--server.address",
        server_address(environ),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.launch", description=__doc__)
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    path = users.users_file()
    if path is None:
        print(
            f"no users file ({users.USERS_FILE_ENV}): open mode, no login, "
            f"listening on {LOCALHOST} only"
        )
    else:
        try:
            found = users.load_users(path)
            sessions.limits()
        except (users.UsersFileError, ValueError) as error:
            print(f"cannot start: {error}", file=sys.stderr)
            return 2
        if not found:
            print(f"cannot start: {path} has no users (python -m app.users add)", file=sys.stderr)
            return 2
        print(f"login required ({len(found)} users in {path}), on {server_address()}")
    command = streamlit_command(args.port)
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
