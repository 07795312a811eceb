"""The dbt project built on PostgreSQL gives the marts of the DuckDB build."""

from __future__ import annotations

import pytest

from orchestration import engines
from tests.engines.conftest import EngineBuild, build_sequence

pytestmark = pytest.mark.engines


@pytest.fixture(scope="module")
def postgres_build(postgres, raw_warehouse, tmp_path_factory) -> EngineBuild:
    # A fresh database: the incremental review history and the snapshot start empty, as
    # in the DuckDB reference.
    admin = postgres.connect(database="postgres")
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{postgres.database}"')
    finally:
        admin.close()
    counts = engines.load_raw_into_postgres(raw_warehouse, postgres)
    assert counts["crm_relations"] > 0
    work = tmp_path_factory.mktemp("engine_postgres")
    runs = build_sequence("postgres", postgres.dbt_env(), work)
    return EngineBuild("postgres", runs, engines.read_marts("postgres", pg=postgres))


def test_raw_layer_is_copied_whole(postgres, raw_warehouse, postgres_build):
    import duckdb

    with duckdb.connect(str(raw_warehouse), read_only=True) as source:
        tables = engines.raw_table_columns(source)
        expected = {
            table: source.execute(f"select count(*) from raw.{table}").fetchone()[0]
            for table in tables
        }
    con = postgres.connect()
    try:
        with con.cursor() as cur:
            loaded = {}
            for table in tables:
                cur.execute(f"select count(*) from raw.{table}")
                loaded[table] = cur.fetchone()[0]
    finally:
        con.close()
    assert loaded == expected


def test_every_model_seed_snapshot_and_test_passes(postgres_build):
    assert len(postgres_build.runs) == len(engines.BUILD_SEQUENCE)
    assert not postgres_build.failures(), "\n".join(postgres_build.failures())


def test_the_same_nodes_ran_as_on_duckdb(postgres_build, duckdb_build):
    for reference, run in zip(duckdb_build.runs, postgres_build.runs, strict=True):
        assert run.statuses == reference.statuses


def test_marts_equal_the_duckdb_build(postgres_build, duckdb_build):
    assert set(postgres_build.marts) == set(duckdb_build.marts)
    assert "marts.service_level_reviews" in postgres_build.marts
    problems = engines.diff_marts(duckdb_build.marts, postgres_build.marts)
    assert not problems, "\n".join(problems)
