"""All stages at one scale: the working folders they share, the runs they gathered, and
one pass (one run of every selected stage, in pipeline order)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.harness import BENCH_DIR, SCALES, log
from benchmarks.rows import Stage
from benchmarks.stages import (
    dbt_build,
    generate,
    ingest,
    limit,
    pages,
    peer,
    postgres,
    refresh,
    scan_floor,
    whatif,
)
from benchmarks.targets import add_ratios_and_targets

# Pipeline order: the order of a pass, and of the rows.
PIPELINE = {
    "generate": generate,
    "scan_floor": scan_floor,
    "ingest": ingest,
    "limit": limit,
    "dbt_build": dbt_build,
    "refresh": refresh,
    "whatif": whatif,
    "peer": peer,
    "pages": pages,
    "postgres": postgres,
}
STAGES = tuple(PIPELINE)


class ScaleBench:
    """Each `run_pass` adds one run of every stage; `rows` turns the runs gathered so far
    into result rows (medians, ratios, targets)."""

    def __init__(self, args: argparse.Namespace, scale: str, repeats: int, machine: dict):
        self.args = args
        self.scale = scale
        self.relations = SCALES[scale]
        self.repeats = repeats
        self.machine = machine
        self.as_of = args.as_of
        self.root = BENCH_DIR / scale
        self.sources = self.root / "sources"
        self.work = self.root / "work"
        self.stages: dict[str, Stage] = {}
        # Rows of the stages measured once per scale (pages, postgres), by stage.
        self.once_rows: dict[str, dict[str, dict]] = {}
        self.passes_done = 0
        self.pass_seconds: list[float] = []
        self.ingest_warehouse = self.work / "ingest" / "warehouse.duckdb"
        self.limit_warehouse = self.work / "limit" / "warehouse.duckdb"
        self.limit_manifest: Path | None = None
        self.dbt_build_dir = self.work / "dbt_build"
        self.dbt_build_warehouse = self.dbt_build_dir / "warehouse.duckdb"
        self.refresh_dir = self.work / "refresh"
        self.published_warehouse = self.refresh_dir / "warehouse.duckdb"
        self.peer_consistency: dict | None = None

    def stage(self, name: str) -> Stage:
        return self.stages.setdefault(name, Stage(name, self.scale))

    def dbt_env(self, warehouse: Path) -> dict[str, str]:
        return {
            "PYRAMID_BUILD_WAREHOUSE": str(warehouse),
            "PYRAMID_WAREHOUSE": str(warehouse),
            "PYRAMID_AS_OF": self.as_of,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def run_pass(self, stages: list[str]) -> None:
        """One run of every selected stage, in pipeline order."""
        started = time.perf_counter()
        index = self.passes_done + 1
        self.work.mkdir(parents=True, exist_ok=True)
        if "generate" in stages:
            log(f"{self.scale} pass {index}: generate")
            generate.run(self)
        generate.ensure_sources(self)
        for name, stage in PIPELINE.items():
            if name != "generate" and name in stages:
                log(f"{self.scale} pass {index}: {name}")
                stage.run(self)
        self.passes_done += 1
        self.pass_seconds.append(time.perf_counter() - started)
        log(f"{self.scale} pass {index} done in {self.pass_seconds[-1]:.0f} s")

    def rows(self) -> list[dict]:
        rows: dict[str, dict] = {}
        for stage in PIPELINE.values():
            rows.update(stage.rows(self))
        add_ratios_and_targets(rows, self.scale)
        for row in rows.values():
            row["machine"] = self.machine
        return list(rows.values())
