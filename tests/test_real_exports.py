"""The test demo export in the forms real companies deliver, through the whole pipeline:
as Excel workbooks, and as a Dutch export (Dutch file names, headers and codes, KvK
numbers typed with spaces, dots and a BE prefix) read through the shipped example
mapping. Both must give the marts of the CSV form, and pass every segmentation check of
test_marts (the marts against an independent reading of the rules).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.defs.jobs import review_run_config
from orchestration.ingest.contract import SOURCE_TABLES
from tests.exports import to_dutch, to_xlsx
from tests.harness import AS_OF, pipeline_env, run_job
from tests.test_marts import Rules, assert_marts_match, compute_expected, read_raw

pytestmark = pytest.mark.slow

# Marts computed from the sources alone (no file names, no run times): equal row for row.
COMPARED_MARTS = (
    "relation_kinds",
    "customer_abc",
    "customer_pyramid",
    "customer_scores",
    "customer_score_components",
    "service_levels",
    "service_level_proposals",
    "salesperson_portfolio",
    "visit_plan",
    "legal_entities",
    "dq_ambiguous_kvk",
)


def build(sources: Path, workdir: Path) -> Path:
    """The warehouse a review run (as the CSV form's `built_warehouse`) publishes."""
    env = pipeline_env(sources, workdir)
    result = run_job(env, "segment_review", review_run_config("2026-H2"))
    assert result.success, "the run on the converted export failed"
    return Path(env["PYRAMID_WAREHOUSE"])


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def assert_same_marts(built: Path, baseline: Path) -> None:
    with (
        duckdb.connect(str(built), read_only=True) as con,
        duckdb.connect(str(baseline), read_only=True) as base,
    ):
        for mart in COMPARED_MARTS:
            sql = f"SELECT * FROM marts.{mart}"
            got, expected = rows(con, sql), rows(base, sql)
            assert expected or mart == "dq_ambiguous_kvk", f"{mart} is empty in the CSV form"
            assert got == expected, f"marts.{mart} differs from the CSV form's"
        raw = read_raw(con)
        assert_marts_match(con, compute_expected(raw, AS_OF, Rules.read(con)))


def test_the_export_as_excel_workbooks_gives_the_same_marts(
    demo_sources, built_warehouse, tmp_path
):
    sources = tmp_path / "xlsx"
    to_xlsx(demo_sources, sources)
    built = build(sources, tmp_path / "run")
    assert_same_marts(built, built_warehouse)
    # The raw layer is the same too, rejects and their row numbers included (the header
    # is row 1 of each sheet, as it is line 1 of each CSV).
    with (
        duckdb.connect(str(built), read_only=True) as con,
        duckdb.connect(str(built_warehouse), read_only=True) as base,
    ):
        for table in SOURCE_TABLES:
            sql = f"SELECT * EXCLUDE (_source_file) FROM raw.{table.name}"
            assert rows(con, sql) == rows(base, sql), table.name
        sql = "SELECT * EXCLUDE (source_file) FROM raw.ingest_rejects"
        assert rows(con, sql) == rows(base, sql)
        formats = con.execute("SELECT DISTINCT file_format FROM raw.ingest_runs").fetchall()
        assert formats == [("xlsx",)]


def test_the_dutch_export_with_the_example_mapping_gives_the_same_marts(
    demo_sources, built_warehouse, tmp_path
):
    sources = tmp_path / "dutch"
    to_dutch(demo_sources, sources)
    assert not (sources / "crm").exists() and (sources / "CRM" / "Relaties.xlsx").exists()
    built = build(sources, tmp_path / "run")
    assert_same_marts(built, built_warehouse)
    with duckdb.connect(str(built), read_only=True) as con:
        # The KvK numbers arrived as typed ("3012 3456", "BE 0123.456.789"), and link.
        typed = con.execute(
            "SELECT count(*) FROM raw.crm_relations WHERE kvk_number LIKE '% %' "
            "OR kvk_number LIKE '%.%'"
        ).fetchone()[0]
        assert typed > 0
        linked_by_kvk = con.execute(
            "SELECT count(*) FROM intermediate.int_erp_customers_linked "
            "WHERE link_method = 'kvk_number'"
        ).fetchone()[0]
        assert linked_by_kvk > 0
