"""The `peer` stage: the core marts in pandas (`peer_pandas.py`), timed as a whole process,
and, after its first run at a scale, its counts compared with the real marts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON, log
from benchmarks.measure import run_measured
from benchmarks.rows import median
from orchestration.dbt_manifest import MANIFEST
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench

# Per comparison: the counting query, the mart it counts and the peer's Parquet file.
CONSISTENCY_QUERIES = {
    "relation_kinds": (
        "select relation_kind, count(*), count(*) filter (needs_reactivation), "
        "count(*) filter (is_lead) from {} group by all order by all",
        "marts.relation_kinds",
        "relation_kinds",
    ),
    "abc": (
        "select abc_class, count(*) from {} group by all order by all",
        "marts.customer_abc",
        "customer_abc",
    ),
    "pyramid": (
        "select pyramid_level, count(*) from {} group by all order by all",
        "marts.customer_pyramid",
        "customer_pyramid",
    ),
    "service_levels": (
        "select proposed_level, count(*) from {} group by all order by all",
        "marts.service_level_proposals",
        "service_level_proposals",
    ),
}


def built_warehouse(bench: ScaleBench) -> Path | None:
    """A warehouse this scale built (published by the refresh, else the limit's)."""
    candidates = [bench.published_warehouse, bench.limit_warehouse]
    return next((path for path in candidates if path.exists()), None)


def write_parameters(bench: ScaleBench, target: Path) -> None:
    """The build's marts.rule_parameters as JSON for the peer (untimed)."""
    import duckdb

    warehouse = built_warehouse(bench)
    if warehouse is None:
        raise SystemExit(
            "the peer computes with the thresholds of a build: run the limit or refresh "
            "stage first (e.g. --stages limit,peer)"
        )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        parameters = dict(con.execute("select name, value from marts.rule_parameters").fetchall())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(parameters, indent=1))


def run(bench: ScaleBench) -> None:
    out = bench.work / "peer"
    write_parameters(bench, out / "rule_parameters.json")
    measurement = run_measured(
        [
            PYTHON,
            "-m",
            "benchmarks.stages.peer_pandas",
            "--sources",
            str(bench.sources),
            "--seeds",
            str(REPO_ROOT / "seeds"),
            "--out",
            str(out / "marts"),
            "--as-of",
            bench.as_of,
            "--parameters",
            str(out / "rule_parameters.json"),
            "--json",
            str(out / "peer.json"),
        ],
        cwd=REPO_ROOT,
        label="pandas peer",
    )
    bench.stage("peer").add(measurement, json.loads((out / "peer.json").read_text()))
    if bench.peer_consistency is None:
        bench.peer_consistency = check_peer(bench, out / "marts")


def check_peer(bench: ScaleBench, marts: Path) -> dict:
    """Compare the peer's counts with the real marts (published warehouse or limit)."""
    import duckdb

    warehouse = built_warehouse(bench)
    if warehouse is None:
        return {"checked": False, "reason": "no warehouse with marts to compare"}
    mismatches = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, (sql, mart, parquet) in CONSISTENCY_QUERIES.items():
            ours = con.execute(sql.format(mart)).fetchall()
            theirs = con.execute(sql.format(f"'{marts / (parquet + '.parquet')}'")).fetchall()
            if ours != theirs:
                mismatches[name] = {"marts": str(ours), "peer": str(theirs)}
    if mismatches:
        log(f"  WARNING: the pandas peer's counts differ from the marts: {sorted(mismatches)}")
        for name, values in mismatches.items():
            log(f"    {name}: marts {values['marts']} peer {values['peer']}")
    else:
        log(f"  pandas peer matches the marts ({', '.join(CONSISTENCY_QUERIES)}) of {warehouse}")
    return {
        "checked": True,
        "against": str(warehouse.relative_to(REPO_ROOT)),
        "compared": list(CONSISTENCY_QUERIES),
        "matches": not mismatches,
        "mismatches": mismatches,
    }


def project_marts() -> list[str]:
    """The marts the dbt project (and so the limit and the refresh) builds, from its manifest."""
    if not MANIFEST.exists():
        return []
    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    return sorted(
        f"{node['schema']}.{node['name']}"
        for node in nodes
        if node["resource_type"] == "model" and node["schema"] == "marts"
    )


def scope(marts: list[str]) -> dict:
    """What the peer computes next to what the limit computes: the peer is no like-for-like
    comparison, and its row says so (`computes`, `scope`)."""
    computes = [mart for _, mart, _ in CONSISTENCY_QUERIES.values()]
    return {
        "computes": computes,
        "scope": f"core marts only: {len(computes)} of the {len(marts)} marts the limit and "
        "the refresh build (the peer does no validation, scoring, payment behaviour, "
        "visit planning, data quality, history, compliance, campaigns or tests)",
    }


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "peer" not in bench.stages:
        return {}
    stage = bench.stage("peer")
    row = stage.row(
        phases={
            key: round(median([d[key] for d in stage.details]), 3)
            for key in ("read", "compute", "write")
        },
        consistency=bench.peer_consistency,
        **scope(project_marts()),
    )
    return {"peer": row}
