"""Shared fixtures: a demo company and a warehouse built from it by a real Dagster run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import (
    AS_OF,
    PLANNING_MODELS,
    pipeline_env,
    private_copy,
    rebuild_planning,
    run_job,
)

DEMO_SCALE = 400
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory) -> Path:
    from orchestration.demo import generate

    out = tmp_path_factory.mktemp("demo_sources")
    generate(out, scale=DEMO_SCALE, seed=DEMO_SEED, end_date=AS_OF)
    return out


@pytest.fixture(scope="session")
def built_warehouse(demo_sources, tmp_path_factory) -> Path:
    """The published warehouse after one nightly refresh and a first review (2026-H2)."""
    from orchestration.defs.jobs import review_run_config

    workdir = tmp_path_factory.mktemp("pipeline")
    env = pipeline_env(demo_sources, workdir)
    result = run_job(env, "segment_review", review_run_config("2026-H2"))
    assert result.success, "the review run through Dagster failed"
    return Path(env["PYRAMID_WAREHOUSE"])


@pytest.fixture(scope="session")
def short_horizon(built_warehouse, tmp_path_factory) -> Path:
    """The demo's plan over 3 weeks instead of 13: the backlog no longer fits, so visits
    roll forward through full weeks and some end over capacity. One dbt run shared by the
    plan's tests and the visit-planning page's."""
    workdir = tmp_path_factory.mktemp("visit_plan_short")
    warehouse = private_copy(built_warehouse, workdir / "warehouse")
    models = [*PLANNING_MODELS, "salesperson_portfolio"]
    rebuild_planning(warehouse, workdir, AS_OF, models, planning_horizon_weeks=3)
    return warehouse
