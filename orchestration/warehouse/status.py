"""The outcome of the last refreshes, for the dashboard's Datakwaliteit page.

A failed refresh keeps the last good publication, so the dashboard keeps working; this
file is how it says so. It is a small JSON file next to the published warehouse
(`<warehouse>.status.json`, e.g. `data/warehouse.status.json`), outside the DuckDB file
on purpose: a failed run never publishes, yet its failure must be visible.

    {"last_success": {"run_id", "job", "as_of", "finished_at"},
     "last_failure": {"run_id", "job", "step", "reason", "failed_at"}}

The `published_warehouse` asset records a success after the swap; a failure hook on the
jobs (`orchestration.defs.jobs`) records a failure with the failing step and its reason. A
refresh killed outright (power cut, SIGKILL) records nothing: the page then still shows
the last success, which is the truth about what the dashboard shows.

Only the standard library is used here: the dashboard imports this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

MAX_REASON_CHARS = 2000


def status_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name.removesuffix('.duckdb')}.status.json")


def read_status(warehouse: Path) -> dict:
    """The recorded status; `{}` when nothing was recorded or the file is unreadable."""
    try:
        status = json.loads(status_path(warehouse).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(warehouse: Path, key: str, entry: dict) -> None:
    status = read_status(warehouse)
    status[key] = entry
    path = status_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(status, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)  # a reader sees the old or the new file, never half


def record_success(warehouse: Path, *, run_id: str, job: str, as_of: dt.date) -> None:
    _write(
        warehouse,
        "last_success",
        {"run_id": run_id, "job": job, "as_of": as_of.isoformat(), "finished_at": _now()},
    )


def record_failure(warehouse: Path, *, run_id: str, job: str, step: str, reason: str) -> None:
    reason = reason.strip()
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 1] + "…"
    _write(
        warehouse,
        "last_failure",
        {"run_id": run_id, "job": job, "step": step, "reason": reason, "failed_at": _now()},
    )


def failing_dbt_nodes(run_results: Path, limit: int = 10) -> list[str]:
    """'test not_null_x (3 rows): ...' for every node that errored or failed in a dbt run."""
    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    except (FileNotFoundError, ValueError, KeyError):
        return []
    lines = []
    for result in results:
        if result.get("status") not in ("error", "fail", "runtime error"):
            continue
        # model.<project>.<name>, test.<project>.<name>.<hash>
        node = result.get("unique_id", "?").split(".")
        kind, name = node[0], node[2] if len(node) > 2 else node[-1]
        failures = result.get("failures")
        counted = f" ({failures} rows)" if failures else ""
        message = (result.get("message") or "").strip().splitlines()
        lines.append(f"{kind} {name}{counted}: {message[0] if message else result['status']}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines
