"""One writer at a time: the lock file beside the published warehouse.

A refresh, a review and a replay all write under the published warehouse's folder (the
working file, the publication, `replays/`); two at once would fight over DuckDB's file
lock and fail with a traceback from every asset, or publish over each other. So each
takes an exclusive `fcntl.flock` on `<warehouse>.lock` (e.g. `data/warehouse.duckdb.lock`)
before it starts and holds it to the end. The file holds who holds it, as JSON:

    {"what": "refresh", "pid": 1234, "since": "2026-12-05T02:00:01+00:00", "host": "..."}

A second writer waits up to `PYRAMID_LOCK_TIMEOUT_SECONDS` (default 0: it does not wait)
and then gives up with `WarehouseBusy`, whose message names the running one; the command
line turns it into a few lines on stderr and exit code 75 (EX_TEMPFAIL: try again later).

The operating system releases a flock when its process ends, however it ends (SIGKILL,
power cut): a lock left by a killed run is free, and the next writer takes it over (it
says so when the file still names a process that is gone). The lock is re-entrant within
one process: the command line takes it before Dagster starts, and the run's resource
(orchestration/defs/resources.py), which takes it for runs launched from the Dagster UI
or a schedule, then finds it already held by its own process.

Only the standard library is used here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_TIMEOUT_ENV = "PYRAMID_LOCK_TIMEOUT_SECONDS"
DEFAULT_LOCK_TIMEOUT_SECONDS = 0.0
"""Do not wait: a second `make refresh` answers at once. Schedules never overlap anyway
(the run queue admits one writer run at a time: orchestration/cli.py DAGSTER_CONFIG);
set e.g. 3600 where a cron job should wait for a refresh started by hand."""
EXIT_BUSY = 75
"""Exit code of a command refused because another writer runs (sysexits EX_TEMPFAIL)."""
POLL_SECONDS = 0.5

# Locks this process holds: path -> [file descriptor, depth, holder].
_held: dict[str, list] = {}


class WarehouseBusy(RuntimeError):
    """Another refresh, review or replay holds the warehouse's lock."""

    def __init__(self, warehouse: Path, holder: dict | None, waited: float):
        self.warehouse, self.holder, self.waited = warehouse, holder or {}, waited
        super().__init__(busy_message(warehouse, self.holder, waited))


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.lock")


def lock_timeout(environ: dict[str, str] | None = None) -> float:
    """`PYRAMID_LOCK_TIMEOUT_SECONDS` as seconds (>= 0); empty: the default."""
    value = (os.environ if environ is None else environ).get(LOCK_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ValueError(f"{LOCK_TIMEOUT_ENV}={value!r} must be a number of seconds >= 0")
    return seconds


def read_holder(warehouse: Path) -> dict:
    """What the lock file says (the running writer, or the last one); `{}` if unreadable."""
    try:
        holder = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (FileNotFoundError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def busy_message(warehouse: Path, holder: dict, waited: float) -> str:
    what = holder.get("what", "another run")
    pid = holder.get("pid", "?")
    since = holder.get("since", "?")
    host = holder.get("host")
    where = f" on {host}" if host and host != socket.gethostname() else ""
    wait = f"waited {waited:.0f} s; " if waited >= 1 else ""
    return (
        f"warehouse busy: a {what} (PID {pid}{where}, since {since}) is writing {warehouse}.\n"
        f"{wait}try again when it has finished, or set {LOCK_TIMEOUT_ENV} to wait that long."
    )


@contextlib.contextmanager
def writer_lock(
    warehouse: Path, what: str, timeout: float | None = None, log=None
) -> Iterator[dict]:
    """Hold the warehouse's writer lock for the `with` block; yield the holder record.

    `what` names the run for whoever finds the lock taken ("refresh", "review 2027-H1",
    "replay 2026-05-01"). Waits up to `timeout` seconds (None: PYRAMID_LOCK_TIMEOUT_SECONDS),
    then raises `WarehouseBusy`. `log(message)` hears about a lock taken over from a
    process that is gone.
    """
    path = lock_path(Path(warehouse).resolve())
    key = str(path)
    if key in _held:  # re-entrant: this process holds it already
        _held[key][1] += 1
        try:
            yield _held[key][2]
        finally:
            _held[key][1] -= 1
        return

    timeout = lock_timeout() if timeout is None else timeout
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= timeout:
                    raise WarehouseBusy(
                        Path(warehouse), read_holder(Path(warehouse)), waited
                    ) from None
                time.sleep(min(POLL_SECONDS, max(timeout - waited, 0.01)))
        previous = read_holder(Path(warehouse))
        if previous.get("pid") and not pid_alive(previous.get("pid")) and log is not None:
            log(
                f"taking over the lock of a {previous.get('what', 'run')} that is gone "
                f"(PID {previous.get('pid')}, since {previous.get('since', '?')})"
            )
        holder = {
            "what": what,
            "pid": os.getpid(),
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "host": socket.gethostname(),
        }
        record = json.dumps(holder).encode("utf-8")
        os.pwrite(fd, record, 0)
        os.ftruncate(fd, len(record))
        _held[key] = [fd, 1, holder]
        try:
            yield holder
        finally:
            del _held[key]
            # Say nobody holds it before letting go: a file that still names this process
            # after it ended would read as a killed run.
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock
