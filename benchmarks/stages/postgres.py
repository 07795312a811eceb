"""The `postgres` stage (row `dbt_build_postgres`): the nightly dbt build on PostgreSQL
(`engine_postgres.py`), once per scale up to medium, on the raw layer of the ingest stage,
with `ratio_to_duckdb` = its seconds / the DuckDB `dbt_build` seconds (`benchmarks.targets`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON, copy_db, log
from benchmarks.measure import run_measured
from benchmarks.rows import derived_row
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def run(bench: ScaleBench) -> None:
    if "postgres" in bench.once_rows or bench.scale == "large":
        return
    try:
        import dbt.adapters.postgres  # noqa: F401
    except ImportError:
        log(f"{bench.scale}: no dbt-postgres (make test-engines installs it): skipped")
        return
    if not bench.ingest_warehouse.exists():
        log(f"{bench.scale}: the postgres stage needs the ingest stage's warehouse")
        return
    work = bench.work / "postgres"
    warehouse = work / "warehouse.duckdb"
    copy_db(bench.ingest_warehouse, warehouse)
    command = [
        PYTHON,
        "-m",
        "benchmarks.stages.engine_postgres",
        "--source-dir",
        str(bench.sources),
        "--warehouse",
        str(warehouse),
        "--as-of",
        bench.as_of,
        "--work-dir",
        str(work),
    ]
    measurement = run_measured(command, cwd=REPO_ROOT, env={}, label="postgres", check=False)
    lines = (measurement.stdout or "").strip().splitlines()
    if measurement.returncode != 0 or not lines:
        log(f"  engine_postgres failed (exit {measurement.returncode})")
        return
    result = json.loads(lines[-1])
    row = derived_row("dbt_build_postgres", bench.scale, result.get("seconds"))
    row.update({key: value for key, value in result.items() if key not in row})
    row["peak_rss_mb"] = result.get("peak_rss_mb")
    bench.once_rows["postgres"] = {"dbt_build_postgres": row}


def rows(bench: ScaleBench) -> dict[str, dict]:
    return bench.once_rows.get("postgres", {})
