"""The dbt project on PostgreSQL and Spark against its DuckDB build (make test-engines).

One small demo company (ENGINE_SCALE relations) is ingested into DuckDB by the real
ingestion code; its raw tables are what every engine builds from. The DuckDB build of the
same input, through the same `orchestration.engines.BUILD_SEQUENCE`, is the reference every
other engine's marts must equal. These tests need the `engines` extra
(`uv sync --extra engines`), PostgreSQL server binaries and Java; `make test` skips them
(marker `engines`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration import engines

ENGINE_SCALE = 400
ENGINE_SEED = 42
END_DATE = dt.date(2026, 11, 23)
LOADED_AT = dt.datetime(2026, 11, 23, 5, 0)


@dataclass
class EngineBuild:
    engine: str
    runs: list[engines.DbtRun]
    marts: dict[str, dict]

    def failures(self) -> list[str]:
        """Every dbt run that failed, and every node that did not pass, with the log tail."""
        problems = []
        for run in self.runs:
            bad = {
                node: status
                for node, status in run.statuses.items()
                if status not in ("success", "pass", "no-op")
            }
            if run.returncode or bad:
                problems.append(
                    f"{self.engine}: {' '.join(run.args[1:4])} exited {run.returncode}, "
                    f"not passing: {bad}\n{run.log[-4000:]}"
                )
        return problems


def build_sequence(engine: str, env: dict[str, str], work_dir: Path) -> list[engines.DbtRun]:
    """The engine's dbt builds, stopping at the first that fails."""
    runs = []
    for as_of, review_period, unit_tests in engines.BUILD_SEQUENCE:
        run = engines.run_dbt(
            engine, engines.build_args(as_of, review_period, unit_tests), env, work_dir
        )
        runs.append(run)
        if run.returncode:
            break
    return runs


@pytest.fixture(scope="session")
def engine_sources(tmp_path_factory) -> Path:
    from orchestration.demo import generate

    out = tmp_path_factory.mktemp("engine_sources")
    generate(out, scale=ENGINE_SCALE, seed=ENGINE_SEED, end_date=END_DATE)
    return out


@pytest.fixture(scope="session")
def raw_warehouse(engine_sources, tmp_path_factory) -> Path:
    """A DuckDB file holding only the raw layer, loaded by the ingestion code."""
    from orchestration.calendars import load_public_holidays
    from orchestration.ingest import find_source_file, load_table
    from orchestration.ingest.contract import SOURCE_TABLES

    path = tmp_path_factory.mktemp("engine_raw") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for table in SOURCE_TABLES:
            load_table(con, table, find_source_file(engine_sources, table), loaded_at=LOADED_AT)
        # What the public_holidays asset writes: the years of both builds' horizons.
        load_public_holidays(con, END_DATE)
    return path


@pytest.fixture(scope="session")
def duckdb_build(raw_warehouse, tmp_path_factory) -> EngineBuild:
    """The reference: the same builds on DuckDB, from the same raw tables."""
    work = tmp_path_factory.mktemp("engine_duckdb")
    warehouse = work / "warehouse.duckdb"
    shutil.copyfile(raw_warehouse, warehouse)
    runs = build_sequence("duckdb", {"PYRAMID_BUILD_WAREHOUSE": str(warehouse)}, work)
    build = EngineBuild("duckdb", runs, engines.read_marts("duckdb", warehouse=warehouse))
    assert not build.failures(), "\n".join(build.failures())
    return build


@pytest.fixture(scope="session")
def postgres() -> engines.PostgresSettings:
    """A private cluster (initdb + pg_ctl on 127.0.0.1), or the server PYRAMID_PG_HOST names;
    one for the session, each test module in a database of its own."""
    pytest.importorskip("psycopg2")
    if os.environ.get("PYRAMID_PG_HOST"):
        yield engines.PostgresSettings.from_env()
        return
    with engines.private_postgres() as settings:
        yield settings
