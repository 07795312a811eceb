"""Headless runs of the Dagster jobs: `python -m orchestration.cli refresh|review|replay`.

Runs are recorded in DAGSTER_HOME (default data/dagster_home), so they show in the
Dagster UI beside scheduled ones. Exit code 0 on success, 1 on a failed run, 2 on a
refused one (bad arguments, or an as_of earlier than the published warehouse's: see
orchestration/warehouse/replay.py), 75 when another refresh, review or replay is writing
the same warehouse (orchestration/warehouse/lock.py; PYRAMID_LOCK_TIMEOUT_SECONDS to wait).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt_manifest import ensure_manifest
from orchestration.defs.jobs import replay_run_config, review_run_config
from orchestration.settings import DATA_DIR, load_settings, parse_as_of
from orchestration.warehouse.lock import EXIT_BUSY, WarehouseBusy, writer_lock
from orchestration.warehouse.replay import (
    FORCE_EARLIER_ENV,
    EarlierAsOf,
    check_not_earlier,
    replay_path,
)
from orchestration.warehouse.review import parse_period, period_for_date

# The dagster.yaml written into a new DAGSTER_HOME: no telemetry, and Dagster's SQLite
# event log with its connections kept open (orchestration/defs/event_log.py).
# The run queue starts one warehouse-writing run at a time (the tag is WRITER_TAG of
# orchestration/defs/jobs.py): a schedule never starts a run while another runs.
_EVENT_LOG_CONFIG = """\
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.defs.event_log
  class: PooledSqliteEventLogStorage
"""
DAGSTER_CONFIG = (
    _EVENT_LOG_CONFIG
    + """\
concurrency:
  runs:
    tag_concurrency_limits:
      - key: customer_pyramid/warehouse_writer
        limit: 1
"""
)
# What earlier versions wrote (the storage class lived in orchestration/dagster_storage.py);
# such a file is replaced, any other is the user's own.
_OLD_DAGSTER_CONFIGS = (
    "telemetry:\n  enabled: false\n",
    _EVENT_LOG_CONFIG.replace("orchestration.defs.event_log", "orchestration.dagster_storage"),
    _EVENT_LOG_CONFIG,
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
    force_help = (
        "publish even when as_of is earlier than the published warehouse's (replaces the "
        f"present by the past; else refused: use `make replay`). Also {FORCE_EARLIER_ENV}=1"
    )
    refresh = commands.add_parser("refresh", help="run the nightly refresh once")
    refresh.add_argument(
        "--initial-review",
        action="store_true",
        help="when no review was ever frozen, run the review of the current period instead "
        "(a first installation then shows assigned service levels at once)",
    )
    refresh.add_argument("--force-earlier", action="store_true", help=force_help)
    review = commands.add_parser("review", help="run the half-yearly service-level review")
    review.add_argument("--period", required=True, help="review period, e.g. 2027-H1")
    review.add_argument("--force-earlier", action="store_true", help=force_help)
    replay = commands.add_parser(
        "replay",
        help="build the warehouse as it was on a past date into replays/<date>.duckdb "
        "beside the published one, which stays untouched",
    )
    replay.add_argument("--as-of", required=True, help="the date to replay, YYYY-MM-DD")
    commands.add_parser("home", help="create DAGSTER_HOME and its dagster.yaml (for `dagster dev`)")
    args = parser.parse_args(argv)

    if args.command == "home":
        print(ensure_dagster_home())
        return 0
    try:  # arguments and settings first: a mistake there is refused before anything runs
        settings = load_settings()
        if args.command == "replay":
            args.as_of = parse_as_of(args.as_of)
            what = f"replay {args.as_of}"
        elif args.command == "review":
            args.period = parse_period(args.period)
            what = f"review {args.period}"
        else:
            what = "refresh"
    except ValueError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 2
    if args.command != "replay" and args.force_earlier:
        os.environ[FORCE_EARLIER_ENV] = "1"  # the run's own check reads it too
    try:
        # One writer at a time, taken before Dagster starts; the run finds it held.
        def say(message: str) -> None:
            print(f"{args.command}: {message}", file=sys.stderr)

        with writer_lock(settings.warehouse, what, log=say):
            if args.command != "replay":
                check_not_earlier(settings)
            # Under the lock: two runs never rewrite the manifest at once.
            ensure_manifest(log=say)
            return _run(args)
    except WarehouseBusy as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return EXIT_BUSY
    except EarlierAsOf as error:
        print(f"{args.command}: refused: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError:
        print(f"{args.command}: dbt cannot parse the project (above); nothing ran", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "replay":
        ok = run_job("replay", replay_run_config(args.as_of.isoformat()))
        if ok:
            print(f"replay at {args.as_of}: {replay_path(load_settings().warehouse, args.as_of)}")
    elif args.command == "review":
        ok = run_job("segment_review", review_run_config(args.period))
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
