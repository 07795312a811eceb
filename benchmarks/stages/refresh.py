"""The `refresh` stage: `python -m orchestration.cli refresh`, the whole Dagster nightly run,
with every path under data/bench/<scale>/work/refresh.

After each run (untimed) the Dagster step times are read back from DAGSTER_HOME
(`dagster_steps.py`) and the dbt run_results.json beside the working warehouse, when this
run wrote it; `benchmarks.targets` turns both into the `refresh_overhead` row.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.dbt_tools import summarize_run_results
from benchmarks.harness import PYTHON, copy_db, log
from benchmarks.measure import run_measured
from benchmarks.rows import Stage, median, rounded
from orchestration.dbt_manifest import ensure_manifest
from orchestration.settings import REPO_ROOT, load_settings

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def refresh_env(folder: Path, sources: Path, as_of: str) -> dict[str, str]:
    """The environment of a refresh whose warehouses and Dagster home are under `folder`."""
    return {
        "PYRAMID_SOURCE_DIR": str(sources),
        "PYRAMID_WAREHOUSE": str(folder / "warehouse.duckdb"),
        "PYRAMID_BUILD_WAREHOUSE": str(folder / "build" / "warehouse.duckdb"),
        "PYRAMID_AS_OF": as_of,
        # A refresh reads the decisions store: the benchmark's own, never data/'s.
        "PYRAMID_DECISIONS": str(folder / "decisions.sqlite"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
    }


def run(bench: ScaleBench) -> None:
    env = refresh_env(bench.refresh_dir, bench.sources, bench.as_of)
    if "refresh" not in bench.stages:
        ensure_manifest(log=log)
        shutil.rmtree(bench.refresh_dir, ignore_errors=True)
        home = bench.refresh_dir / "dagster_home"
        # `orchestration.cli` writes its dagster.yaml there, as for a user.
        home.mkdir(parents=True)
        if bench.dbt_build_warehouse.exists():
            # Start from "last night's" state (marts, snapshot): every timed run is a
            # steady-state nightly run, not a first installation.
            copy_db(bench.dbt_build_warehouse, Path(env["PYRAMID_BUILD_WAREHOUSE"]))
    started = dt.datetime.now(dt.UTC)
    measurement = run_measured(
        [PYTHON, "-m", "orchestration.cli", "refresh"],
        cwd=REPO_ROOT,
        env=env,
        label="refresh",
    )
    detail: dict = {}
    run_results = load_settings(env).dbt_target_dir / "run_results.json"
    dbt_summary = run_results_since(run_results, started)
    if dbt_summary is not None:
        detail["dbt"] = dbt_summary
    else:
        log(f"  warning: {run_results} is not this run's")
    steps = run_measured(
        [PYTHON, "-m", "benchmarks.stages.dagster_steps"],
        cwd=REPO_ROOT,
        env=env,
        label="steps",
    )
    detail["dagster"] = json.loads(steps.stdout or "{}")
    bench.stage("refresh").add(measurement, detail)


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "refresh" not in bench.stages:
        return {}
    stage = bench.stage("refresh")
    detail = stage.details[stage.median_index]
    dbt_runs = [d["dbt"] for d in stage.details if "dbt" in d]
    row = stage.row(
        steps=step_breakdown(stage),
        dbt_node_busy_seconds=rounded(median([d["busy_seconds"] for d in dbt_runs])),
        dbt_node_seconds_sum=rounded(median([d["node_seconds_sum"] for d in dbt_runs])),
        dbt_top_models=detail.get("dbt", {}).get("top_models"),
    )
    return {"refresh": row}


def run_results_since(run_results: Path, started: dt.datetime) -> dict | None:
    """The refresh's dbt run_results, if they were written by this run."""
    if not run_results.exists():
        return None
    summary = summarize_run_results(run_results)
    invoked = summary.get("invocation_started_at")
    if not invoked:
        return None
    when = dt.datetime.fromisoformat(invoked.replace("Z", "+00:00"))
    if when < started:
        return None  # an older run's
    summary.pop("nodes", None)
    return summary


def step_breakdown(stage: Stage) -> dict:
    """Median seconds per Dagster step group: ingestion assets, dbt, publication, rest."""
    groups: dict[str, list[float]] = {}
    for run, detail in zip(stage.runs, stage.details, strict=True):
        dagster = detail.get("dagster") or {}
        steps = dagster.get("steps") or []
        if not steps:
            continue
        # Ingestion assets are the only steps whose key has a prefix (`crm__relations`).
        ingest = sum(step["seconds"] for step in steps if "__" in step["step_key"])
        dbt = sum(step["seconds"] for step in steps if step["step_key"] == "dbt_models")
        publish = sum(
            step["seconds"] for step in steps if step["step_key"] == "published_warehouse"
        )
        run_seconds = (dagster.get("end") or 0) - (dagster.get("start") or 0)
        values = {
            "ingestion_steps": ingest,
            "dbt_models": dbt,
            "published_warehouse": publish,
            "dagster_run": run_seconds,
            "dagster_between_steps": run_seconds - ingest - dbt - publish,
            "process_outside_run": run.seconds - run_seconds,
        }
        for key, value in values.items():
            groups.setdefault(key, []).append(value)
    return {key: round(median(values), 3) for key, values in groups.items()}
