"""The `ingest` stage: every source table through `orchestration.ingest.load_table`, in a
child process (`ingest_tables.py`) on a fresh DuckDB file, as the Dagster assets load it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON
from benchmarks.measure import run_measured
from benchmarks.rows import median
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def run(bench: ScaleBench) -> None:
    out = bench.work / "ingest" / "ingest.json"
    command = [
        PYTHON,
        "-m",
        "benchmarks.stages.ingest_tables",
        "--sources",
        str(bench.sources),
        "--db",
        str(bench.ingest_warehouse),
        "--json",
        str(out),
    ]
    if bench.args.profile_ingest:
        command.append("--profile")
    measurement = run_measured(command, cwd=REPO_ROOT, label="ingest")
    bench.stage("ingest").add(measurement, json.loads(out.read_text()))


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "ingest" not in bench.stages:
        return {}
    stage = bench.stage("ingest")
    detail = stage.details[stage.median_index]
    read = sum(table["rows_read"] for table in detail["tables"])
    size = sum(table["bytes"] for table in detail["tables"])
    row = stage.row(
        rows=read,
        rows_per_s=round(read / stage.seconds),
        mb_per_s=round(size / 1e6 / stage.seconds, 1),
        source_mb=round(size / 1e6, 1),
        in_process_seconds=round(median([d["seconds"] for d in stage.details]), 3),
        tables=stage.table_seconds(),
        rows_rejected=sum(table["rows_rejected"] for table in detail["tables"]),
    )
    if any(table.get("statements") for table in detail["tables"]):
        row["statements"] = top_statements(detail)
    return {"ingest": row}


def top_statements(detail: dict, limit: int = 15) -> list[dict]:
    """The slowest SQL statements of a profiled run (`--profile-ingest`), over all tables."""
    statements = []
    for table in detail["tables"]:
        for statement in table.get("statements", []):
            statements.append({"table": table["table"], **statement})
    statements.sort(key=lambda item: -item["seconds"])
    return [{**item, "seconds": round(item["seconds"], 3)} for item in statements[:limit]]
