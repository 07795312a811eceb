"""dbt on any engine: one run, and the sequence of builds every engine goes through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR


@dataclass(frozen=True)
class DbtRun:
    args: list[str]
    returncode: int
    seconds: float
    statuses: dict[str, str]
    """unique_id -> status of every node dbt ran (run_results.json)."""
    log: str


def run_dbt(
    target: str,
    args: list[str],
    env: dict[str, str],
    work_dir: Path,
    timeout: float = 3600,
) -> DbtRun:
    """One `dbt <args> --target <target>` in its own process, with its own target and log
    folders under `work_dir` (so runs on several engines never share build output)."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    dbt = Path(sys.executable).parent / "dbt"
    command = [
        str(dbt), *args, "--target", target, "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    seconds = time.perf_counter() - started
    results_file = work_dir / "target" / "run_results.json"
    statuses = {}
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8"))
        statuses = {result["unique_id"]: result["status"] for result in results["results"]}
        results_file.unlink()
    return DbtRun(command, completed.returncode, seconds, statuses, completed.stdout)


# The builds every engine runs for the comparison: a first build at the first review of
# the demo year (everything, unit tests included, with the review freezing 2026-H2), then
# the next review at the end of the demo data, which reads the history the first froze
# (incremental service_level_reviews, a second version in the kind snapshot).
BUILD_SEQUENCE: tuple[tuple[str, str, bool], ...] = (
    ("2026-07-01", "2026-H2", True),
    ("2026-11-23", "2027-H1", False),
)


def build_args(as_of: str, review_period: str, unit_tests: bool) -> list[str]:
    args = ["build", "--vars", json.dumps({"as_of": as_of, "review_period": review_period})]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args
