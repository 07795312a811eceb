"""The `dbt_build` stage and its `dbt_startup` row: `dbt build` alone, on a copy of the
ingest stage's warehouse, with the nightly run's arguments and its own target folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.dbt_tools import dbt_command, summarize_run_results
from benchmarks.harness import copy_db, log
from benchmarks.measure import run_measured
from benchmarks.rows import derived_row, median
from orchestration.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def run(bench: ScaleBench) -> None:
    warehouse = bench.dbt_build_warehouse
    target, logs = bench.dbt_build_dir / "target", bench.dbt_build_dir / "logs"
    env = bench.dbt_env(warehouse)
    if "dbt_build" not in bench.stages:
        if not bench.ingest_warehouse.exists():
            raise RuntimeError("dbt_build needs the ingest stage's warehouse (stage ingest)")
        copy_db(bench.ingest_warehouse, warehouse)
        # Warm-up: a parse, so every timed build parses partially, like a nightly run
        # whose vars did not change.
        log(f"{bench.scale}: dbt parse warm-up (untimed)")
        run_measured(
            [*dbt_command("parse", target, logs), "--quiet"],
            cwd=DBT_PROJECT_DIR,
            env=env,
            label="dbt parse",
        )
    measurement = run_measured(
        dbt_command("build", target, logs),
        cwd=DBT_PROJECT_DIR,
        env=env,
        label="dbt build",
    )
    summary = summarize_run_results(target / "run_results.json")
    if summary["failed"]:
        raise RuntimeError(f"dbt build had failures: {summary['failed'][:5]}")
    bench.stage("dbt_build").add(measurement, summary)


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "dbt_build" not in bench.stages:
        return {}
    stage = bench.stage("dbt_build")
    detail = stage.details[stage.median_index]
    pairs = list(zip(stage.runs, stage.details, strict=True))
    busy = median([d["busy_seconds"] for d in stage.details])
    node_sum = median([d["node_seconds_sum"] for d in stage.details])
    return {
        "dbt_build": stage.row(
            node_seconds_sum=round(node_sum, 3),
            node_busy_seconds=round(busy, 3),
            seconds_by_type={k: round(v, 3) for k, v in detail["seconds_by_type"].items()},
            count_by_type=detail["count_by_type"],
            top_models=detail["top_models"],
            top_tests=detail["top_tests"],
        ),
        "dbt_startup": derived_row(
            "dbt_startup",
            bench.scale,
            median([run.seconds - d["busy_seconds"] for run, d in pairs]),
            by_brief_definition=round(
                median([run.seconds - d["node_seconds_sum"] for run, d in pairs]), 3
            ),
            note="dbt_build wall time minus the time at least one node was executing "
            "(by_brief_definition: minus the sum of node times, which counts nodes run "
            "side by side by threads: 2 twice, so it understates the start-up)",
        ),
    }
