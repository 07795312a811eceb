"""Headless runs of the Dagster jobs: `python -m orchestration.cli refresh|review`.

Runs are recorded in DAGSTER_HOME (default data/dagster_home), so they show in the
Dagster UI beside scheduled ones. Exit code 0 on success, 1 on a failed run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.jobs import review_run_config
from orchestration.settings import DATA_DIR, load_settings
from orchestration.warehouse.review import parse_period, period_for_date

# The dagster.yaml written into a new DAGSTER_HOME: no telemetry, and Dagster's SQLite
# event log with its connections kept open (orchestration/defs/event_log.py).
DAGSTER_CONFIG = """\
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.defs.event_log
  class: PooledSqliteEventLogStorage
"""
# What earlier versions wrote (the storage class lived in orchestration/dagster_storage.py);
# such a file is replaced, any other is the user's own.
_OLD_DAGSTER_CONFIGS = (
    "telemetry:\n  enabled: false\n",
    DAGSTER_CONFIG.replace("orchestration.defs.event_log", "orchestration.dagster_storage"),
)


def ensure_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DATA_DIR / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() in _OLD_DAGSTER_CONFIGS:
        config.write_text(DAGSTER_CONFIG)
    return home


def run_job(job_name: str, run_config: dict | None = None) -> bool:
    ensure_dagster_home()
    from orchestration.definitions import defs

    job = defs.resolve_job_def(job_name)
    # INFO on the terminal: step starts, results and warnings, not every dbt event.
    quiet = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            run_config={**quiet, **(run_config or {})}, instance=instance, raise_on_error=False
        )
    return result.success


def has_review() -> bool:
    """True when the published warehouse already holds a frozen service-level review."""
    warehouse = load_settings().warehouse
    if not warehouse.exists():
        return False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'service_level_reviews'"
        ).fetchone()[0]
        return (
            bool(found)
            and con.execute("select count(*) > 0 from marts.service_level_reviews").fetchone()[0]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help="run the nightly refresh once")
    refresh.add_argument(
        "--initial-review",
        action="store_true",
        help="when no review was ever frozen, run the review of the current period instead "
        "(a first installation then shows assigned service levels at once)",
    )
    review = commands.add_parser("review", help="run the half-yearly service-level review")
    review.add_argument("--period", required=True, help="review period, e.g. 2027-H1")
    commands.add_parser("home", help="create DAGSTER_HOME and its dagster.yaml (for `dagster dev`)")
    args = parser.parse_args(argv)

    if args.command == "home":
        print(ensure_dagster_home())
        return 0
    if args.command == "review":
        ok = run_job("segment_review", review_run_config(parse_period(args.period)))
    elif args.initial_review and not has_review():
        period = period_for_date(load_settings().as_of)
        print(f"no service-level review yet: freezing the current period {period}")
        ok = run_job("segment_review", review_run_config(period))
    else:
        ok = run_job("nightly_refresh")
    print(f"{args.command}: {'succeeded' if ok else 'FAILED'}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
