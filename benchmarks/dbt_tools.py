"""dbt invocations of the benchmark and what we read back from dbt's artifacts.

The benchmark runs dbt with its own `--target-path` and `--log-path` under
`data/bench/`, so it never touches `dbt_project/target/` (which other runs use). The
Dagster refresh writes beside its working warehouse (`Settings.dbt_target_dir`), which
the benchmark also places under `data/bench/`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

DBT = str(DBT_EXECUTABLE)


def dbt_command(subcommand: str, target_path: Path, log_path: Path) -> list[str]:
    """dbt `subcommand` with the nightly refresh's arguments (`dbt_build_args`): the same
    vars (so partial parsing carries over), and for `build` the same selection and logs.
    as_of comes from PYRAMID_AS_OF in the environment, as in the nightly run."""
    from orchestration.defs.dbt import dbt_build_args, dbt_vars_args

    args = dbt_build_args()[1:] if subcommand == "build" else dbt_vars_args()
    return [
        DBT,
        subcommand,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
        *args,
    ]


# Statuses of a node that did not do its job (exposures report "no-op", tests "pass").
_FAILED = ("error", "fail", "runtime error")


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def summarize_run_results(path: Path) -> dict:
    """Per-node times of a dbt run: their sum, the span they cover, the slowest models.

    With `threads: 2` two nodes run at once, so the sum of node times can exceed the
    wall time. `busy_seconds` is the length of the union of the nodes' [start, end]
    intervals: the time during which dbt was executing at least one node. Wall time
    minus that is time dbt spent outside any node (start-up, parsing, graph, artifacts).
    """
    results = json.loads(path.read_text())
    nodes = []
    intervals = []
    for result in results["results"]:
        timing = {item["name"]: item for item in result.get("timing", [])}
        start = end = None
        if timing:
            start = min(_parse_time(item["started_at"]) for item in timing.values())
            end = max(_parse_time(item["completed_at"]) for item in timing.values())
            intervals.append((start, end))
        nodes.append(
            {
                "unique_id": result["unique_id"],
                "resource_type": result["unique_id"].split(".")[0],
                "name": result["unique_id"].split(".")[-1],
                "status": result["status"],
                "seconds": result["execution_time"],
            }
        )
    busy = 0.0
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                busy += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        busy += (current_end - current_start).total_seconds()
    by_type: dict[str, float] = defaultdict(float)
    count_by_type: dict[str, int] = defaultdict(int)
    for node in nodes:
        by_type[node["resource_type"]] += node["seconds"]
        count_by_type[node["resource_type"]] += 1
    models = sorted(
        (node for node in nodes if node["resource_type"] in ("model", "snapshot", "seed")),
        key=lambda node: -node["seconds"],
    )
    tests = sorted(
        (node for node in nodes if node["resource_type"] == "test"), key=lambda n: -n["seconds"]
    )
    return {
        "invocation_started_at": results["metadata"].get("invocation_started_at"),
        "generated_at": results["metadata"].get("generated_at"),
        "vars": results.get("args", {}).get("vars"),
        "elapsed_time": results.get("elapsed_time"),
        "node_count": len(nodes),
        "node_seconds_sum": sum(node["seconds"] for node in nodes),
        "busy_seconds": busy,
        "seconds_by_type": dict(by_type),
        "count_by_type": dict(count_by_type),
        "failed": [node["unique_id"] for node in nodes if node["status"] in _FAILED],
        "top_models": [
            {"name": node["name"], "seconds": round(node["seconds"], 3)} for node in models[:10]
        ],
        "top_tests": [
            {"name": node["name"], "seconds": round(node["seconds"], 3)} for node in tests[:10]
        ],
        "nodes": nodes,
    }


def manifest_build_order(manifest_path: Path) -> list[dict]:
    """Seeds, models and snapshots of the compiled manifest in dependency order.

    Each item: unique_id, resource_type, name, schema, relation_name, materialized,
    compiled_code (models and snapshots), seed_path and column_types (seeds).
    """
    manifest = json.loads(manifest_path.read_text())
    wanted = ("seed", "model", "snapshot")
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in wanted
    }
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(unique_id: str) -> None:
        if state.get(unique_id) == 2:
            return
        if state.get(unique_id) == 1:
            raise ValueError(f"dependency cycle at {unique_id}")
        state[unique_id] = 1
        for parent in nodes[unique_id]["depends_on"].get("nodes", []):
            if parent in nodes:
                visit(parent)
        state[unique_id] = 2
        order.append(unique_id)

    for unique_id in sorted(nodes):
        visit(unique_id)
    items = []
    for unique_id in order:
        node = nodes[unique_id]
        config = node.get("config", {})
        items.append(
            {
                "unique_id": unique_id,
                "resource_type": node["resource_type"],
                "name": node["name"],
                "schema": node["schema"],
                "relation_name": node.get("relation_name"),
                "materialized": config.get("materialized"),
                "compiled_code": node.get("compiled_code"),
                "seed_path": str(Path(node["root_path"]) / node["original_file_path"])
                if node["resource_type"] == "seed"
                else None,
                "column_types": config.get("column_types") or {},
            }
        )
    return items
