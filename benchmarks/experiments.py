"""What-if measurements behind the fixes proposed in benchmarks/README.md.

    python -m benchmarks.experiments [--scale small] [--repeats 3] [--only a,b]

Runs, interleaved (A B C D, A B C D, ...) so that load from other work on the machine
spreads evenly, on the sources of `python -m benchmarks.run`:

  refresh_baseline          python -m orchestration.cli refresh (as the benchmark does)
  refresh_dagster_sqlite    the same with Dagster's own SqliteEventLogStorage instead of
                            orchestration.defs.event_log.PooledSqliteEventLogStorage
  refresh_no_asset_checks   the same job, dbt tests not mapped to Dagster asset checks
  refresh_ephemeral         the same job with an in-memory Dagster instance
  refresh_no_checks_ephemeral  both
  dbt_build_baseline        `dbt build` as stage dbt_build runs it (threads: 2)
  dbt_build_threads1        the same with --threads 1
  dbt_build_threads4        the same with --threads 4
  dbt_build_log_file_debug  the same with dbt.log at dbt's default level debug (nightly: info)
  dbt_build_no_tests        the same without data tests (--exclude-resource-type test)
  dbt_parse_partial         `dbt parse` with unchanged vars (partial parsing)
  dbt_parse_new_as_of       `dbt parse` after PYRAMID_AS_OF changed, as every night without
                            a pinned PYRAMID_AS_OF (macros/rules/as_of_date.sql reads it only
                            at execution, so nothing is re-parsed)
  dbt_parse_new_as_of_var   the same with as_of passed in --vars, as the nightly run did
                            before 2026-12-04 (dbt re-parses the whole project)

Results: printed, and written to benchmarks/results/experiments.json (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time

from benchmarks.dbt_tools import dbt_command
from benchmarks.harness import (
    BENCH_DIR,
    DEFAULT_AS_OF,
    PYTHON,
    RESULTS_FILE,
    configure_bytecode,
    copy_db,
    log,
)
from benchmarks.measure import machine_info, run_measured
from benchmarks.rows import median
from benchmarks.stages.refresh import refresh_env
from orchestration.dbt_manifest import ensure_manifest
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

REFRESH_VARIANTS = {
    "refresh_baseline": [PYTHON, "-m", "orchestration.cli", "refresh"],
    "refresh_dagster_sqlite": [PYTHON, "-m", "orchestration.cli", "refresh"],
    "refresh_no_asset_checks": [PYTHON, "-m", "benchmarks.variant_refresh", "--no-asset-checks"],
    "refresh_ephemeral": [PYTHON, "-m", "benchmarks.variant_refresh", "--ephemeral-instance"],
    "refresh_no_checks_ephemeral": [
        PYTHON,
        "-m",
        "benchmarks.variant_refresh",
        "--no-asset-checks",
        "--ephemeral-instance",
    ],
}
BUILD_VARIANTS = {
    "dbt_build_baseline": [],
    "dbt_build_threads1": ["--threads", "1"],
    "dbt_build_threads4": ["--threads", "4"],
    "dbt_build_log_file_debug": ["--log-level-file", "debug"],
    "dbt_build_no_tests": ["--exclude-resource-type", "test"],
}
PARSE_VARIANTS = ("dbt_parse_partial", "dbt_parse_new_as_of", "dbt_parse_new_as_of_var")
DAGSTER_SQLITE_CONFIG = """\
telemetry:
  enabled: false
event_log_storage:
  module: dagster._core.storage.event_log
  class: SqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--as-of", default=DEFAULT_AS_OF)
    parser.add_argument(
        "--only", default="", help="comma-separated subset of the variants (default all)"
    )
    parser.add_argument("--bytecode", choices=("cache", "env"), default="cache")
    args = parser.parse_args(argv)

    variants = [*REFRESH_VARIANTS, *BUILD_VARIANTS, *PARSE_VARIANTS]
    if args.only:
        variants = [name for name in variants if name in args.only.split(",")]
    sources = BENCH_DIR / args.scale / "sources"
    if not (sources / "erp" / "invoice_lines.csv").exists():
        parser.error(f"no sources at {sources}: run python -m benchmarks.run first")
    work = BENCH_DIR / args.scale / "work" / "experiments"
    machine = machine_info()
    ensure_manifest(log=log)
    machine["bytecode"] = configure_bytecode(args.bytecode)

    # Every refresh variant starts from the same steady state: the benchmark's build.
    seed_build = BENCH_DIR / args.scale / "work" / "refresh" / "build" / "warehouse.duckdb"
    for name in REFRESH_VARIANTS:
        if name not in variants:
            continue
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "dagster_home").mkdir(parents=True)  # orchestration.cli writes dagster.yaml
        if name == "refresh_dagster_sqlite":
            # A dagster.yaml of one's own, which ensure_dagster_home keeps: Dagster's class.
            runs = folder / "dagster_home" / "history" / "runs"
            config = DAGSTER_SQLITE_CONFIG.format(base_dir=runs)
            (folder / "dagster_home" / "dagster.yaml").write_text(config)
        if seed_build.exists():
            copy_db(seed_build, folder / "build" / "warehouse.duckdb")

    # Every dbt build variant builds on its own copy of the benchmark's dbt_build file.
    seed_dbt = BENCH_DIR / args.scale / "work" / "dbt_build" / "warehouse.duckdb"
    for name in BUILD_VARIANTS:
        if name in variants:
            if not seed_dbt.exists():
                parser.error("dbt build variants need the benchmark's dbt_build stage first")
            copy_db(seed_dbt, work / name / "warehouse.duckdb")

    def build_env(name: str) -> dict[str, str]:
        warehouse = work / name / "warehouse.duckdb"
        return {
            "PYRAMID_BUILD_WAREHOUSE": str(warehouse),
            "PYRAMID_WAREHOUSE": str(warehouse),
            "PYRAMID_AS_OF": args.as_of,
        }

    def build(name: str):
        folder = work / name
        command = dbt_command("build", folder / "target", folder / "logs")
        return run_measured(
            [*command, *BUILD_VARIANTS[name]], cwd=DBT_PROJECT_DIR, env=build_env(name), label=name
        )

    for name in BUILD_VARIANTS:
        if name in variants:  # untimed: a partial-parse state in each target folder
            folder = work / name
            command = dbt_command("parse", folder / "target", folder / "logs")
            run_measured(
                [*command, "--quiet"],
                cwd=DBT_PROJECT_DIR,
                env=build_env(name),
                label="dbt parse",
            )

    parse_dir = work / "parse"
    parse_warehouse = parse_dir / "warehouse.duckdb"
    parse_env = {
        "PYRAMID_BUILD_WAREHOUSE": str(parse_warehouse),
        "PYRAMID_WAREHOUSE": str(parse_warehouse),
        "PYRAMID_AS_OF": args.as_of,
    }
    base_date = dt.date.fromisoformat(args.as_of)

    def parse(as_of: str, as_var: bool = False):
        # Each way of passing as_of keeps its own partial-parse state.
        folder = parse_dir / ("as_var" if as_var else "as_env")
        command = dbt_command("parse", folder / "target", folder / "logs")
        if as_var:  # as the nightly run passed it before 2026-12-04
            at = command.index("--vars") + 1
            command[at] = json.dumps({**json.loads(command[at]), "as_of": as_of})
        return run_measured(
            [*command, "--quiet"],
            cwd=DBT_PROJECT_DIR,
            env={**parse_env, "PYRAMID_AS_OF": as_of},
            label="dbt parse",
        )

    if any(name in variants for name in PARSE_VARIANTS):
        parse(args.as_of)  # untimed: leave a partial-parse state for as_of
        if "dbt_parse_new_as_of_var" in variants:
            parse(args.as_of, as_var=True)

    results: dict[str, list] = {name: [] for name in variants}
    for index in range(args.repeats):
        for name in variants:
            log(f"{args.scale}: {name} run {index + 1}/{args.repeats}")
            if name in REFRESH_VARIANTS:
                measurement = run_measured(
                    REFRESH_VARIANTS[name],
                    cwd=REPO_ROOT,
                    env=refresh_env(work / name, sources, args.as_of),
                    label=name,
                )
            elif name in BUILD_VARIANTS:
                measurement = build(name)
            elif name == "dbt_parse_partial":
                measurement = parse(args.as_of)
            else:
                # A new as_of, then back: both parses see a changed as_of.
                as_var = name == "dbt_parse_new_as_of_var"
                changed = (base_date + dt.timedelta(days=index + 1)).isoformat()
                measurement = parse(changed, as_var)
                parse(args.as_of, as_var)
            results[name].append(measurement)

    rows = []
    for name, measurements in results.items():
        rows.append(
            {
                "experiment": name,
                "scale": args.scale,
                "seconds": round(median([m.seconds for m in measurements]), 3),
                "cpu_seconds": round(median([m.cpu_seconds for m in measurements]), 3),
                "peak_rss_mb": round(max(m.peak_rss_mb for m in measurements), 1),
                "runs_seconds": [round(m.seconds, 3) for m in measurements],
                "load_average": [round(m.load_average, 2) for m in measurements],
                "machine": machine,
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
        )
    out = RESULTS_FILE.with_name("experiments.json")
    previous = json.loads(out.read_text()) if out.exists() else []
    keep = [
        row
        for row in previous
        if (row["experiment"], row["scale"])
        not in {(row["experiment"], row["scale"]) for row in rows}
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(keep + rows, indent=1, default=str))
    print(f"\n{'experiment':<30} {'scale':>7} {'seconds':>9} {'cpu_s':>8} {'runs':>30}")
    for row in rows:
        runs = ", ".join(f"{value:.1f}" for value in row["runs_seconds"])
        print(
            f"{row['experiment']:<30} {row['scale']:>7} {row['seconds']:9.2f} "
            f"{row['cpu_seconds']:8.1f} {runs:>30}"
        )
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
