"""The `scan_floor` stage: every source file scanned once with the typed reader
(`scan_files.py`), in a child process. How close `ingest` and `limit_load` come to the
disk and the CSV parser: `ratio_to_floor` on their rows.
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
    out = bench.work / "scan_floor" / "scan.json"
    command = [
        PYTHON,
        "-m",
        "benchmarks.stages.scan_files",
        "--sources",
        str(bench.sources),
        "--json",
        str(out),
    ]
    measurement = run_measured(command, cwd=REPO_ROOT, label="scan_floor")
    bench.stage("scan_floor").add(measurement, json.loads(out.read_text()))


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "scan_floor" not in bench.stages:
        return {}
    stage = bench.stage("scan_floor")
    detail = stage.details[stage.median_index]
    read = sum(table["rows"] for table in detail["tables"])
    size = sum(table["bytes"] for table in detail["tables"])
    return {
        "scan_floor": stage.row(
            rows=read,
            rows_per_s=round(read / stage.seconds),
            mb_per_s=round(size / 1e6 / stage.seconds, 1),
            in_process_seconds=round(median([d["seconds"] for d in stage.details]), 3),
            tables=stage.table_seconds(),
            note="SELECT count(*) FROM read_csv(..., columns = {contract types}) per source "
            "file, one in-memory connection: the disk and the CSV parser, nothing stored",
        )
    }
