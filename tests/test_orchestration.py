"""Orchestration without running the pipeline: definitions, dbt arguments, schedules."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time

import dagster as dg
import pytest

from orchestration.dbt_manifest import ensure_manifest, manifest_outdated
from orchestration.settings import (
    DEFAULT_MEMORY_LIMIT,
    load_settings,
    parse_as_of,
)
from orchestration.warehouse.publication import connect_build
from orchestration.warehouse.review import check_not_older_than, parse_period, period_for_date
from tests.harness import run_dbt


@pytest.fixture(scope="module")
def defs():
    ensure_manifest()
    from orchestration.definitions import defs

    return defs


def test_a_manifest_is_outdated_when_missing_or_older_than_a_dbt_file(tmp_path):
    manifest = tmp_path / "manifest.json"
    assert manifest_outdated(manifest) == f"{manifest} is missing"
    manifest.write_text("{}")
    os.utime(manifest, (0, 0))
    reason = manifest_outdated(manifest)
    assert reason is not None and reason.endswith(f"changed after {manifest} was written")
    hour_ahead = time.time() + 3600
    os.utime(manifest, (hour_ahead, hour_ahead))
    assert manifest_outdated(manifest) is None


def test_definitions_load_with_every_source_and_mart(defs):
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    for source in ("crm/relations", "erp/invoice_lines", "erp/payments"):
        assert source in keys
    for mart in ("customer_pyramid", "service_level_reviews", "visit_plan"):
        assert any(key.endswith(f"/{mart}") for key in keys), mart
    assert "published_warehouse" in keys
    assert {job.name for job in defs.resolve_all_job_defs()} >= {
        "nightly_refresh",
        "segment_review",
    }


def test_dbt_tests_become_asset_checks(defs):
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(check.name.startswith("unique_relation_kinds_relation_id") for check in checks)


def test_dbt_build_args_are_one_build_with_vars():
    from orchestration.defs.dbt import dbt_build_args

    args = dbt_build_args("2027-H1")
    assert args[0] == "build"
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
    # as_of travels in the environment (PYRAMID_AS_OF): a var would re-parse every night.
    assert json.loads(args[args.index("--vars") + 1]) == {"review_period": "2027-H1"}
    assert args[args.index("--log-level-file") + 1] == "info"


def test_a_new_as_of_reaches_dbt_without_a_reparse(tmp_path):
    """The nightly run's dbt arguments stay the same from day to day, and the new date is
    read when dbt executes: dbt skips parsing, and the compiled SQL holds the new date."""
    from orchestration.defs.dbt import dbt_build_args, dbt_vars_args

    nightly = dbt_build_args()
    assert nightly[nightly.index("--vars") :][:2] == dbt_vars_args()

    def dbt(subcommand: str, as_of: str, *extra: str) -> None:
        settings = load_settings(
            {"PYRAMID_WAREHOUSE": str(tmp_path / "wh.duckdb"), "PYRAMID_AS_OF": as_of}
        )
        settings.build_warehouse.parent.mkdir(parents=True, exist_ok=True)
        run_dbt(
            [subcommand, *dbt_vars_args(), "--quiet", *extra],
            env=settings.dbt_env(),
            artifacts=tmp_path,
        )

    dbt("parse", "2026-11-23")
    (tmp_path / "logs" / "dbt.log").unlink()
    dbt("compile", "2026-11-24", "--select", "customer_abc")
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "Partial parsing enabled, no changes found, skipping parsing" in log
    compiled = next((tmp_path / "target").glob("compiled/**/customer_abc.sql")).read_text()
    assert "cast('2026-11-24' as date) as as_of_date" in compiled


def test_nightly_schedule_runs_at_two(defs):
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.job_name == "nightly_refresh"


@pytest.mark.parametrize(
    ("scheduled", "period"),
    [(dt.datetime(2027, 1, 1, 6), "2027-H1"), (dt.datetime(2027, 7, 1, 6), "2027-H2")],
)
def test_review_schedule_freezes_the_period_it_opens(defs, scheduled, period):
    schedule = defs.resolve_schedule_def("half_yearly_review_schedule")
    assert schedule.cron_schedule == "0 6 1 1,7 *"
    context = dg.build_schedule_context(scheduled_execution_time=scheduled)
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.run_config["ops"]["dbt_models"]["config"]["review_period"] == period


def test_review_periods():
    assert parse_period(" 2027-h1 ") == "2027-H1"
    with pytest.raises(ValueError, match="2027-H3"):
        parse_period("2027-H3")
    assert period_for_date(dt.date(2026, 6, 30)) == "2026-H1"
    assert period_for_date(dt.date(2026, 7, 1)) == "2026-H2"
    check_not_older_than("2027-H1", "2027-H1")
    check_not_older_than("2027-H2", "2027-H1")
    with pytest.raises(ValueError, match="older than the latest review"):
        check_not_older_than("2026-H2", "2027-H1")


def test_settings_from_environment(tmp_path):
    settings = load_settings(
        {
            "PYRAMID_SOURCE_DIR": str(tmp_path / "src"),
            "PYRAMID_WAREHOUSE": str(tmp_path / "wh.duckdb"),
            "PYRAMID_AS_OF": "2026-02-28",
        }
    )
    assert settings.source_dir == tmp_path / "src"
    assert settings.build_warehouse == tmp_path / "build" / "wh.duckdb"
    assert settings.as_of == dt.date(2026, 2, 28)
    assert parse_as_of("", today=dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    with pytest.raises(ValueError, match="PYRAMID_AS_OF"):
        parse_as_of("31-12-2026")


def test_duckdb_memory_limit_reaches_ingestion_and_dbt(tmp_path):
    """PYRAMID_DUCKDB_MEMORY_LIMIT bounds DuckDB in the pipeline's own connections and in
    dbt's (profiles.yml); a value DuckDB would not understand is refused up front."""
    assert load_settings({}).memory_limit == DEFAULT_MEMORY_LIMIT
    with pytest.raises(ValueError, match="PYRAMID_DUCKDB_MEMORY_LIMIT='lots'"):
        load_settings({"PYRAMID_DUCKDB_MEMORY_LIMIT": "lots"})
    env = {
        "PYRAMID_WAREHOUSE": str(tmp_path / "wh.duckdb"),
        "PYRAMID_AS_OF": "2026-11-23",
        "PYRAMID_DUCKDB_MEMORY_LIMIT": "1.5 GB",
    }
    settings = load_settings(env)
    assert settings.memory_limit == "1.5GB"
    assert settings.dbt_env()["PYRAMID_DUCKDB_MEMORY_LIMIT"] == "1.5GB"
    with connect_build(settings.build_warehouse, memory_limit=settings.memory_limit) as con:
        pipeline_limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    # DuckDB reports 1.5 GB (10^9 bytes) in GiB.
    assert pipeline_limit == "1.3 GiB"

    shown = run_dbt(
        [
            "show",
            "--inline",
            "select current_setting('memory_limit') as memory_limit",
            "--output",
            "json",
            "--log-format",
            "text",
        ],
        env=settings.dbt_env(),
        artifacts=tmp_path,
    ).stdout
    assert '"memory_limit": "1.3 GiB"' in shown


def test_dbt_resource_skips_the_version_subprocess_and_the_adapter(defs, monkeypatch):
    """PipelineDbtCliResource overrides two private methods of dagster-dbt: if an upgrade
    renames them, the overrides silently stop saving start-up time; this test says so."""

    from dagster_dbt import DbtCliResource

    from orchestration.defs.dbt_resource import PipelineDbtCliResource

    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hasattr(DbtCliResource, name), f"dagster-dbt no longer has {name}"
    resource = defs.resources["dbt"]
    assert isinstance(resource, PipelineDbtCliResource)

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dbt --version was run: {args}")

    monkeypatch.setattr(subprocess, "check_output", no_subprocess)
    import dagster_dbt.core.resource as dagster_dbt_resource

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    assert resource._cli_version.major == 1
    assert resource._initialize_dbt_core_adapter([]) is None


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers():
    yield dg.Output([1, 2, 3])
    yield dg.AssetCheckResult(check_name="positive", passed=True)


def test_dagster_home_keeps_the_event_log_connections_open_and_readable(tmp_path, monkeypatch):
    """ensure_dagster_home configures PooledSqliteEventLogStorage; what it writes reads back
    with Dagster's own SqliteEventLogStorage (same files), and open engines stay bounded."""
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from orchestration.cli import DAGSTER_CONFIG, ensure_dagster_home
    from orchestration.defs.event_log import MAX_OPEN_SHARDS, PooledSqliteEventLogStorage

    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # what 0.x wrote
    assert ensure_dagster_home() == home
    assert (home / "dagster.yaml").read_text() == DAGSTER_CONFIG

    job = dg.define_asset_job("numbers_job", selection=[numbers])
    defs = dg.Definitions(assets=[numbers], jobs=[job])
    run_ids = []
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        for _ in range(MAX_OPEN_SHARDS + 2):
            result = defs.resolve_job_def("numbers_job").execute_in_process(instance=instance)
            assert result.success
            run_ids.append(result.run_id)
        assert len(storage._engines) <= MAX_OPEN_SHARDS + 1  # the runs' files + the index
        pooled_events = [len(instance.all_logs(run_id)) for run_id in run_ids]

    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    assert [len(plain.get_logs_for_run(run_id)) for run_id in run_ids] == pooled_events
    assert min(pooled_events) > 10
    key = dg.AssetKey("numbers")
    assert plain.get_latest_materialization_events([key])[key].run_id == run_ids[-1]
    check = dg.AssetCheckKey(key, "positive")
    executions = plain.get_asset_check_execution_history(check, limit=100)
    assert {execution.run_id for execution in executions} == set(run_ids)


def test_dagster_home_leaves_a_users_own_dagster_yaml(tmp_path, monkeypatch):
    from orchestration.cli import ensure_dagster_home

    home = tmp_path / "dagster_home"
    home.mkdir()
    own = "telemetry:\n  enabled: true\nstorage:\n  postgres:\n    postgres_url: postgresql://x\n"
    (home / "dagster.yaml").write_text(own)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home()
    assert (home / "dagster.yaml").read_text() == own
