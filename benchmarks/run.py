"""Benchmark the pipeline at scale, against the limit and a pandas peer (issue #5).

    python -m benchmarks.run [--scales small,medium] [--repeats 3] [--stages ...]

Per scale it generates (or reuses) demo sources under data/bench/<scale>/sources and
times, each stage as its own process, the median of `--repeats` runs:

  generate        the demo generator (invoice lines per second)
  scan_floor      every source file scanned once by the typed CSV reader (count(*))
  ingest          every source table through orchestration.ingest.load_table
  limit           the same marts from one DuckDB script: plain typed load + compiled models
  limit_load      ... its load part (what `ingest` is compared with)
  limit_models    ... its model part (what `dbt_build` is compared with)
  dbt_build       `dbt build` alone on a warehouse that already holds the raw tables
  dbt_startup     dbt_build minus the time dbt spent executing nodes
  refresh         `python -m orchestration.cli refresh`: the whole Dagster nightly run
  refresh_overhead  refresh minus (ingest + dbt node time): Dagster + dbt fixed overhead
  whatif          `python -m orchestration.whatif` on the refresh's published warehouse
  peer            the core marts in pandas (benchmarks/stages/peer_pandas.py)
  page:<name>     dashboard pages, from benchmarks/stages/bench_dashboard.py

This module is the command line and the order of the passes; each stage is a module of
benchmarks/stages/, the table and the JSON file come from benchmarks/report.py. See
benchmarks/README.md for what each figure means. Timings on a shared machine are noisy:
every row is a median, and `cpu_seconds` (CPU time of the process tree) is given beside
wall time because it hardly moves when other work takes the cores.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from benchmarks.harness import (
    DEFAULT_AS_OF,
    DEFAULT_SEED,
    RESULTS_FILE,
    SCALES,
    configure_bytecode,
    log,
)
from benchmarks.measure import machine_info
from benchmarks.report import format_details, format_table, format_targets, write_results
from benchmarks.scale import STAGES, ScaleBench
from orchestration.dbt_manifest import ensure_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scales", default="small,medium", help="comma-separated: small,medium,large"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage (median)")
    parser.add_argument(
        "--large-repeats", type=int, default=1, help="runs per stage at scale large"
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=28.0,
        help="the first run of every stage always happens; further runs (passes) only "
        "while the last pass of that scale fits in what is left of this budget "
        "(0: no budget)",
    )
    parser.add_argument(
        "--stages", default=",".join(STAGES), help=f"comma-separated subset of {STAGES}"
    )
    parser.add_argument("--as-of", default=DEFAULT_AS_OF, help="reference date and data end")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--profile-ingest", action="store_true", help="time every SQL statement of ingestion"
    )
    parser.add_argument("--json", type=Path, default=RESULTS_FILE, help="results file")
    parser.add_argument(
        "--bytecode",
        choices=("cache", "env"),
        default="cache",
        help="cache (default): let every child process read and write compiled bytecode "
        "under data/bench/pycache, as a normal installation does; env: keep the "
        "environment as it is (with PYTHONDONTWRITEBYTECODE=1 and a venv without .pyc "
        "files every process compiles dagster and dbt from source, seconds per process)",
    )
    args = parser.parse_args(argv)

    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]
    stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    unknown = [s for s in scales if s not in SCALES] + [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown scale or stage: {', '.join(unknown)}")
    started = time.perf_counter()
    machine = machine_info()
    if "refresh" in stages:
        ensure_manifest(log=log)
    machine["bytecode"] = configure_bytecode(args.bytecode)
    log(
        f"benchmark: scales {scales}, stages {stages}, up to {args.repeats} runs "
        f"({args.large_repeats} at large), budget {args.budget_minutes or 'none'} min; "
        f"{machine['cpu_count']} cores, {machine['ram_gb']} GB, "
        f"load {machine['load_average_at_start']}"
    )
    benches = [
        ScaleBench(
            args,
            scale,
            max(1, args.large_repeats if scale == "large" else args.repeats),
            machine,
        )
        for scale in scales
    ]
    budget = args.budget_minutes * 60 if args.budget_minutes else math.inf

    def collected() -> list[dict]:
        return [row for bench in benches for row in bench.rows() if bench.passes_done]

    # Pass 1 at every scale first, then further passes in turn: runs of one stage are
    # spread over the whole session, and a tight budget costs repeats, not scales.
    for index in range(max(bench.repeats for bench in benches)):
        for bench in benches:
            if index >= bench.repeats:
                continue
            if index > 0:
                left = budget - (time.perf_counter() - started)
                if bench.pass_seconds[-1] > left:
                    log(
                        f"{bench.scale}: skipping pass {index + 1} (the last took "
                        f"{bench.pass_seconds[-1]:.0f} s, {max(left, 0):.0f} s of budget left)"
                    )
                    continue
            bench.run_pass(stages)
            write_results(args.json, collected())
    rows = collected()
    write_results(args.json, rows)
    print()
    print(format_table(rows))
    print(format_details(rows))
    print(format_targets(rows))
    elapsed = time.perf_counter() - started
    print(
        f"\n{len(rows)} rows written to {args.json} in {elapsed / 60:.1f} min. Seconds are "
        "medians over runs_seconds; the machine was shared (load_average per row)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
