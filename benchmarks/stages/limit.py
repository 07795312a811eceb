"""The `limit` stage and its `limit_load` / `limit_models` rows: the same marts from one
DuckDB script in one connection (`limit_duckdb.py`), on SQL that `dbt compile` wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.dbt_tools import dbt_command
from benchmarks.harness import PYTHON, log, remove_db
from benchmarks.measure import run_measured
from benchmarks.rows import derived_row, median
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def compile_for_limit(bench: ScaleBench) -> Path:
    """`dbt compile` into a target folder of our own; its manifest holds the SQL."""
    compile_dir = bench.work / "limit" / "compile"
    warehouse = compile_dir / "warehouse.duckdb"  # same name: same catalog in the SQL
    remove_db(warehouse)
    compile_dir.mkdir(parents=True, exist_ok=True)
    target = compile_dir / "target"
    log(f"{bench.scale}: dbt compile for the limit (untimed)")
    run_measured(
        [*dbt_command("compile", target, compile_dir / "logs"), "--quiet"],
        cwd=DBT_PROJECT_DIR,
        env=bench.dbt_env(warehouse),
        label="dbt compile",
    )
    return target / "manifest.json"


def run(bench: ScaleBench) -> None:
    if bench.limit_manifest is None:
        bench.limit_manifest = compile_for_limit(bench)
    out = bench.work / "limit" / "limit.json"
    measurement = run_measured(
        [
            PYTHON,
            "-m",
            "benchmarks.stages.limit_duckdb",
            "--sources",
            str(bench.sources),
            "--db",
            str(bench.limit_warehouse),
            "--manifest",
            str(bench.limit_manifest),
            "--json",
            str(out),
        ],
        cwd=REPO_ROOT,
        label="limit",
    )
    bench.stage("limit").add(measurement, json.loads(out.read_text()))


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "limit" not in bench.stages:
        return {}
    stage = bench.stage("limit")
    detail = stage.details[stage.median_index]
    loaded = sum(table["rows"] for table in detail["load"])
    load_seconds = median([d["load_seconds"] for d in stage.details])
    models_seconds = median([d["models_seconds"] for d in stage.details])
    top = sorted(detail["models"], key=lambda model: -model["seconds"])[:10]
    return {
        "limit": stage.row(
            in_process_seconds=round(median([d["seconds"] for d in stage.details]), 3),
            top_models=[{"name": m["name"], "seconds": round(m["seconds"], 3)} for m in top],
        ),
        "limit_load": derived_row(
            "limit_load",
            bench.scale,
            load_seconds,
            rows=loaded,
            rows_per_s=round(loaded / load_seconds),
            note="plain typed read_csv into raw.*, timed inside the limit's process",
        ),
        "limit_models": derived_row(
            "limit_models",
            bench.scale,
            models_seconds,
            note="compiled seeds + models + snapshot, timed inside the limit's process",
        ),
    }
