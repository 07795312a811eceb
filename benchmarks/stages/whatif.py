"""The `whatif` stage: `python -m orchestration.whatif` (docs/business-rules.md section 13)
on the refresh stage's published warehouse, with the settings of the issue's example
(abc_a_share=0.7, potential_high=40000): copy, dbt rebuild of the marts those settings
reach, counts. What the dashboard's "Wat als" page waits for. Target: within 30 s at 100k
relations (scale medium).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON, log
from benchmarks.measure import run_measured
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench

SETTINGS = ("abc_a_share=0.7", "potential_high=40000")


def command() -> list[str]:
    args = [PYTHON, "-m", "orchestration.whatif"]
    for setting in SETTINGS:
        args += ["--set", setting]
    return [*args, "--format", "json"]


def run(bench: ScaleBench) -> None:
    if not bench.published_warehouse.exists():
        log(f"{bench.scale}: the what-if needs the refresh stage's published warehouse")
        return
    measurement = run_measured(
        command(),
        cwd=REPO_ROOT,
        env={
            "PYRAMID_WAREHOUSE": str(bench.published_warehouse),
            "PYRAMID_AS_OF": bench.as_of,
        },
        label="whatif",
    )
    result = json.loads(measurement.stdout)
    bench.stage("whatif").add(
        measurement,
        {"abc_after": result["abc"]["after"], "levels_after": result["service_levels"]["after"]},
    )


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "whatif" not in bench.stages:
        return {}
    return {
        "whatif": bench.stage("whatif").row(
            settings=list(SETTINGS),
            note="python -m orchestration.whatif on the published warehouse: scratch copy, "
            "dbt run of the marts the settings reach, counts before and after",
        )
    }
