"""The dbt project built on local Spark (dbt-spark session mode) gives the marts of the
DuckDB build.

Every Spark step runs in its own process, one after the other: the Derby metastore
admits one process at a time. Loader and reader are `python -m orchestration.engines`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from orchestration import engines
from tests.engines.conftest import EngineBuild, build_sequence

pytestmark = pytest.mark.engines


def engine_step(*args: str) -> dict:
    """One `python -m orchestration.engines ...` process; its JSON output."""
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.engines", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def spark_build(raw_warehouse, tmp_path_factory) -> EngineBuild:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install -y default-jre-headless)")
    work = tmp_path_factory.mktemp("engine_spark")
    spark_dir = work / "spark"
    counts = engine_step(
        "load-spark", "--warehouse", str(raw_warehouse), "--spark-dir", str(spark_dir)
    )
    assert counts["crm_relations"] > 0
    runs = build_sequence("spark", {"PYRAMID_SPARK_DIR": str(spark_dir)}, work)
    marts_file = work / "marts.json"
    engine_step(
        "read-marts", "--engine", "spark", "--spark-dir", str(spark_dir), "--out", str(marts_file)
    )
    marts = json.loads(marts_file.read_text(encoding="utf-8"))
    return EngineBuild("spark", runs, marts)


def test_every_model_seed_snapshot_and_test_passes(spark_build):
    assert len(spark_build.runs) == len(engines.BUILD_SEQUENCE)
    assert not spark_build.failures(), "\n".join(spark_build.failures())


def test_the_same_nodes_ran_as_on_duckdb(spark_build, duckdb_build):
    for reference, run in zip(duckdb_build.runs, spark_build.runs, strict=True):
        assert run.statuses == reference.statuses


def test_marts_equal_the_duckdb_build(spark_build, duckdb_build):
    assert set(spark_build.marts) == set(duckdb_build.marts)
    assert "history.relation_kinds_history" in spark_build.marts
    problems = engines.diff_marts(duckdb_build.marts, spark_build.marts)
    assert not problems, "\n".join(problems)
