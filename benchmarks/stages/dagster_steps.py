"""Step timings of the latest Dagster run in $DAGSTER_HOME, as JSON on stdout.

`python -m benchmarks.stages.dagster_steps` (run by the harness after each refresh, untimed):
one entry per step (each ingestion asset, `dbt_models`, `published_warehouse`) with its
start and end, plus the run's own start and end, so the refresh splits into ingestion,
dbt, publication and what Dagster spends around them.
"""

from __future__ import annotations

import json

import dagster as dg


def main() -> int:
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            print(json.dumps({}))
            return 0
        run = runs[0]
        run_stats = instance.get_run_stats(run.run_id)
        steps = [
            {
                "step_key": stats.step_key,
                "status": str(stats.status.value) if stats.status else None,
                "start": stats.start_time,
                "end": stats.end_time,
                "seconds": (stats.end_time or 0) - (stats.start_time or 0),
            }
            for stats in instance.get_run_step_stats(run.run_id)
        ]
        print(
            json.dumps(
                {
                    "run_id": run.run_id,
                    "status": str(run.status.value),
                    "start": run_stats.start_time,
                    "end": run_stats.end_time,
                    "steps": steps,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
