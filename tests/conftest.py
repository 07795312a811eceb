"""Shared fixtures: a demo company and a warehouse built from it by a real Dagster run."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

AS_OF = dt.date(2026, 11, 23)
DEMO_SCALE = 400
DEMO_SEED = 7


def ensure_dbt_manifest() -> None:
    """Dagster's dbt assets need the manifest before definitions are imported."""
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        subprocess.run(
            [str(REPO_ROOT / ".venv" / "bin" / "dbt"), "parse", "--quiet"],
            cwd=DBT_PROJECT_DIR,
            check=True,
        )


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory) -> Path:
    from orchestration.demo import generate

    out = tmp_path_factory.mktemp("demo_sources")
    generate(out, scale=DEMO_SCALE, seed=DEMO_SEED, end_date=AS_OF)
    return out


def pipeline_env(sources: Path, workdir: Path, as_of: dt.date = AS_OF) -> dict[str, str]:
    return {
        "PYRAMID_SOURCE_DIR": str(sources),
        "PYRAMID_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "PYRAMID_BUILD_WAREHOUSE": str(workdir / "build" / "warehouse.duckdb"),
        "PYRAMID_AS_OF": as_of.isoformat(),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
    }


def run_job(env: dict[str, str], job_name: str = "nightly_refresh", run_config=None):
    """Run a Dagster job in this process with `env` applied, restoring the environment."""
    import dagster as dg

    ensure_dbt_manifest()
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    try:
        from orchestration.definitions import defs

        job = defs.resolve_job_def(job_name)
        with dg.DagsterInstance.ephemeral() as instance:
            return job.execute_in_process(
                run_config=run_config or {}, instance=instance, raise_on_error=False
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def built_warehouse(demo_sources, tmp_path_factory) -> Path:
    """The published warehouse after one nightly refresh and a first review (2026-H2)."""
    from orchestration.defs.jobs import review_run_config

    workdir = tmp_path_factory.mktemp("pipeline")
    env = pipeline_env(demo_sources, workdir)
    result = run_job(env, "segment_review", review_run_config("2026-H2"))
    assert result.success, "the review run through Dagster failed"
    return Path(env["PYRAMID_WAREHOUSE"])
