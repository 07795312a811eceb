"""End to end: every asset materialised through Dagster into a temporary warehouse."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import SOURCE_TABLES
from tests.harness import AS_OF, pipeline_env, run_job

pytestmark = pytest.mark.slow

MARTS = [
    "relation_kinds",
    "customer_abc",
    "customer_pyramid",
    "customer_scores",
    "customer_score_components",
    "prospect_scores",
    "prospect_score_components",
    "service_levels",
    "service_level_reviews",
    "service_level_decisions",
    "service_level_migrations",
    "visit_plan",
    "visit_capacity",
    "salesperson_portfolio",
    "dq_unlinked_erp_customers",
    "dq_relations_without_salesperson",
    "dq_ingest_rejects",
    "dq_ingest_runs",
    "rule_parameters",
]


def error_chain(error) -> str:
    """The messages of a Dagster error and every error that caused it."""
    messages = []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


def count_csv_records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_raw_row_counts_match_the_source_files(built_warehouse, demo_sources):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for table in SOURCE_TABLES:
            expected = count_csv_records(demo_sources / f"{table.relative_path}.csv")
            loaded = con.execute(f"select count(*) from raw.{table.name}").fetchone()[0]
            rejected = con.execute(
                "select count(*) from raw.ingest_rejects where source_table = ?", [table.name]
            ).fetchone()[0]
            assert expected > 0, f"{table.name}: the demo file is empty"
            assert loaded + rejected == expected, table.name
            assert rejected == 0, f"{table.name}: demo data should load without rejects"


def test_every_mart_is_published(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        assert set(MARTS) <= tables, set(MARTS) - tables
        relations = con.execute("select count(*) from raw.crm_relations").fetchone()[0]
        assert con.execute("select count(*) from marts.customer_pyramid").fetchone()[0] == relations
        as_of = con.execute("select max(as_of_date) from marts.relation_kinds").fetchone()[0]
        assert as_of == AS_OF


def test_refresh_is_idempotent(demo_sources, tmp_path):
    env = pipeline_env(demo_sources, tmp_path)
    snapshots = []
    for _ in range(2):
        assert run_job(env).success
        with duckdb.connect(env["PYRAMID_WAREHOUSE"], read_only=True) as con:
            snapshots.append(
                {
                    table: con.execute(f"select * from {table} order by all").fetchall()
                    for table in (
                        "raw.crm_relations",
                        "raw.erp_invoice_lines",
                        "raw.ingest_rejects",
                        "marts.customer_pyramid",
                        "marts.customer_abc",
                        "marts.service_levels",
                    )
                }
            )
    assert snapshots[0] == snapshots[1]


def test_a_missing_required_column_fails_the_run_and_keeps_the_publication(demo_sources, tmp_path):
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(demo_sources, sources)
    env = pipeline_env(sources, tmp_path / "run")
    assert run_job(env).success
    published = Path(env["PYRAMID_WAREHOUSE"])
    before = published.stat().st_mtime_ns

    relations = sources / "crm" / "relations.csv"
    rows = list(csv.reader(relations.open(newline="", encoding="utf-8")))
    drop = rows[0].index("created_at")
    with relations.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([row[:drop] + row[drop + 1 :] for row in rows])

    result = run_job(env)
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    message = error_chain(failure.step_failure_data.error)
    assert "relations.csv" in message and "created_at" in message
    assert published.stat().st_mtime_ns == before, "a failed refresh must not publish"
