"""Time the dashboard's queries per page on a warehouse, without Streamlit's cache.

    .venv/bin/python benchmarks/stages/bench_dashboard.py --warehouse data/warehouse.duckdb
    .venv/bin/python benchmarks/stages/bench_dashboard.py --warehouse W --cold-runs 5 --warm-runs 20

For each page, the queries that page runs on a first view (default filters, first level,
first relation, manager view; app/data/ functions with the result cache switched off):

- cold: the first call in a fresh Python process (new DuckDB instance, nothing cached in
  the process; the operating system's file cache stays warm), `--cold-runs` processes;
- warm: the same calls repeated in one process, `--warm-runs` times.

Each sample is the page's total query time; p50/p95 over the samples, in milliseconds.
With --queries, the warm p50 of every single query is listed too.

`--inflate OUT --factor N` writes a copy of the warehouse whose marts hold every relation
N times (new relation ids), to time the dashboard at N times the scale without running the
pipeline (the figures in it are not meaningful, only the row counts).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))


def page_queries() -> dict[str, list[tuple[str, Callable[[], object]]]]:
    """What each page asks app/data/ for on a first view."""
    from app.data import (
        abc,
        compliance,
        data_quality,
        pyramid,
        relation_kinds,
        scope,
        scoring,
        service_levels,
        shell,
        visit_planning,
    )

    def first_relation() -> str:
        return scoring.score_search(limit=1)["relation_id"].iloc[0]

    def latest_review():
        period = service_levels.latest_review_period()
        if period is not None:
            service_levels.review_movements(period)
            service_levels.review_moves(period)

    def first_salesperson_plan():
        salesperson = visit_planning.salesperson_portfolio()["salesperson_id"].iloc[0]
        visit_planning.visit_weeks(salesperson)
        visit_planning.visit_plan(salesperson, None)

    def compliance_first_view():
        by_salesperson = compliance.leak_by_salesperson()
        compliance.leak_by_level(by_salesperson)
        compliance.customers_to_talk_to()
        compliance.terms_over_entitlement()
        compliance.visits_against_norm()
        period = compliance.latest_results_period()
        if period is not None:
            compliance.results(period)

    def explain_first():
        relation = first_relation()
        scoring.score_of(relation)
        scoring.score_components(relation)

    common = [("freshness", shell.freshness)]
    filters = [("filter_options", shell.filter_options)]
    return {
        "pyramid": [
            *common,
            *filters,
            ("pyramid_levels", pyramid.pyramid_levels),
            ("pyramid_relations", lambda: pyramid.pyramid_relations("top")),
            (
                "pyramid_levels_filtered",
                lambda: pyramid.pyramid_levels(scope.Filters(region="Zuid")),
            ),
        ],
        "relation_kinds": [
            *common,
            *filters,
            ("kind_counts", relation_kinds.kind_counts),
            ("leads", relation_kinds.leads),
            ("reactivation_list", relation_kinds.reactivation_list),
            ("kind_history_versions", relation_kinds.kind_history_versions),
            ("kind_movements", relation_kinds.kind_movements),
        ],
        "abc": [
            *common,
            *filters,
            ("abc_classes", abc.abc_classes),
            ("pareto_points", abc.pareto_points),
        ],
        "scoring": [
            *common,
            *filters,
            ("score_groups", scoring.score_groups),
            ("score_matrix", scoring.score_matrix),
            ("score_histogram", scoring.score_histogram),
            ("score_search", scoring.score_search),
            ("score_explain", explain_first),
        ],
        "service_levels": [
            *common,
            *filters,
            ("service_mix", service_levels.service_mix),
            ("service_capacities", service_levels.service_capacities),
            ("latest_review", latest_review),
            ("proposals_different", service_levels.proposals_different),
        ],
        "compliance": [
            *common,
            *filters,
            ("compliance_first_view", compliance_first_view),
            (
                "compliance_filtered",
                lambda: compliance.leak_by_salesperson(scope.Filters(region="Zuid")),
            ),
        ],
        "visit_planning": [
            *common,
            ("salesperson_portfolio", visit_planning.salesperson_portfolio),
            ("visit_weeks_all", visit_planning.visit_weeks),
            ("visit_plan_all", lambda: visit_planning.visit_plan(None, None)),
            ("one_salesperson", first_salesperson_plan),
        ],
        "data_quality": [
            *common,
            ("ingest_runs", data_quality.ingest_runs),
            ("reject_counts", data_quality.reject_counts),
            ("rejects", data_quality.rejects),
            ("unlinked_erp_customers", data_quality.unlinked_erp_customers),
            ("unassigned_relations", data_quality.unassigned_relations),
            ("unassigned_counts", data_quality.unassigned_counts),
        ],
    }


def time_page(page: str, batched: bool = True) -> tuple[float, dict[str, float]]:
    """Run a page's queries once, as one page run of the app: (total ms, ms per query).

    batched: one shared connection for the run (`scope.batch()`, what the app does), else
    one connection per query. The total includes closing the shared connection.
    """
    from app.data import scope

    per_query = {}
    start_page = time.perf_counter()
    with scope.batch() if batched else contextlib.nullcontext():
        for name, call in page_queries()[page]:
            start = time.perf_counter()
            call()
            per_query[name] = (time.perf_counter() - start) * 1000
    return (time.perf_counter() - start_page) * 1000, per_query


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def worker(page: str, batched: bool) -> None:
    """One cold sample: imported, then the page's first call, printed as JSON."""
    from app.data import scope

    scope.set_caching(False)
    total, per_query = time_page(page, batched)
    print(json.dumps({"total": total, "queries": per_query}))


def cold_samples(warehouse: Path, page: str, runs: int, batched: bool) -> list[float]:
    env = {**os.environ, "PYRAMID_WAREHOUSE": str(warehouse)}
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, __file__, "--worker", page]
            + ([] if batched else ["--per-query-connections"]),
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
        )
        samples.append(json.loads(result.stdout.strip().splitlines()[-1])["total"])
    return samples


def inflate(source: Path, out: Path, factor: int) -> None:
    """Copy the marts `factor` times over, each copy with its own relation ids."""
    import duckdb

    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    with duckdb.connect(str(out)) as con:
        # ATTACH takes no parameters; the path is the operator's own argument, quoted.
        quoted = str(source).replace("'", "''")
        con.execute(f"attach '{quoted}' as source (read_only)")
        tables = con.execute(
            """
            select schema_name, table_name from duckdb_tables()
            where database_name = 'source'
              and schema_name in ('marts', 'config', 'history')
            """
        ).fetchall()
        for schema, table in tables:
            con.execute(f"create schema if not exists {schema}")
            columns = [
                row[0]
                for row in con.execute(
                    """
                    select column_name from duckdb_columns()
                    where database_name = 'source' and schema_name = ? and table_name = ?
                    """,
                    [schema, table],
                ).fetchall()
            ]
            if "relation_id" not in columns or schema == "config":
                con.execute(
                    f"create table {schema}.{table} as select * from source.{schema}.{table}"
                )
                continue
            replaced = ", ".join(
                ["relation_id || '-' || copy_number::varchar as relation_id"]
                + (
                    ["revenue_rank + (copy_number - 1) * 10000000 as revenue_rank"]
                    if "revenue_rank" in columns
                    else []
                )
                + (
                    ["priority + (copy_number - 1) * 10000000 as priority"]
                    if "priority" in columns
                    else []
                )
            )
            con.execute(
                f"""
                create table {schema}.{table} as
                select * replace ({replaced})
                from source.{schema}.{table}, range(1, ? + 1) as copies(copy_number)
                """,
                [factor],
            )
        con.execute("detach source")
    print(f"wrote {out} ({factor}x the relations of {source})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="published DuckDB file to time")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes per page")
    parser.add_argument("--warm-runs", type=int, default=20, help="repeats per page")
    parser.add_argument("--pages", nargs="*", help="only these pages")
    parser.add_argument("--queries", action="store_true", help="also list every query")
    parser.add_argument(
        "--per-query-connections",
        action="store_true",
        help="one connection per query instead of one per page run (scope.batch)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--inflate", type=Path, help="write an inflated copy here")
    parser.add_argument("--factor", type=int, default=10, help="copies per relation")
    args = parser.parse_args(argv)

    if args.worker:
        worker(args.worker, not args.per_query_connections)
        return 0
    if args.warehouse is None or not args.warehouse.exists():
        parser.error("--warehouse must name an existing DuckDB file")
    warehouse = args.warehouse.resolve()
    if args.inflate:
        inflate(warehouse, args.inflate.resolve(), args.factor)
        return 0

    os.environ["PYRAMID_WAREHOUSE"] = str(warehouse)
    from app.data import scope

    scope.set_caching(False)
    relations = scope.query("select count(*) from marts.relation_kinds").iloc[0, 0]
    size_mb = warehouse.stat().st_size / 1e6
    print(f"warehouse {warehouse} ({size_mb:,.0f} MB, {relations:,} relations)")
    batched = not args.per_query_connections
    mode = "one connection per page run" if batched else "one connection per query"
    print(f"cold: {args.cold_runs} fresh processes per page; warm: {args.warm_runs} repeats")
    print(f"connections: {mode}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<16}{'cold p50':>10}{'cold p95':>10}{'warm p50':>10}{'warm p95':>10}  (ms)")
    pages = args.pages or list(page_queries())
    for page in pages:
        cold = cold_samples(warehouse, page, args.cold_runs, batched)
        time_page(page, batched)  # settle imports and the file cache before warm samples
        warm, per_query = [], {}
        for _ in range(args.warm_runs):
            total, queries = time_page(page, batched)
            warm.append(total)
            for name, ms in queries.items():
                per_query.setdefault(name, []).append(ms)
        print(
            f"{page:<16}{percentile(cold, 0.5):>10.0f}{percentile(cold, 0.95):>10.0f}"
            f"{percentile(warm, 0.5):>10.0f}{percentile(warm, 0.95):>10.0f}"
        )
        if args.queries:
            for name, samples in per_query.items():
                print(f"    {name:<28}{statistics.median(samples):>8.1f} ms warm p50")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
