"""The single Dagster code location of customer-pyramid."""

import sys
from pathlib import Path

import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.ingestion import ingestion_assets
from orchestration.assets.publish import published_warehouse
from orchestration.dbt_resource import PipelineDbtCliResource
from orchestration.jobs import (
    half_yearly_review_schedule,
    nightly_refresh,
    nightly_schedule,
    segment_review,
)
from orchestration.project import dbt_project
from orchestration.resources import WarehouseResource

defs = dg.Definitions(
    assets=[*ingestion_assets, dbt_models, published_warehouse],
    jobs=[nightly_refresh, segment_review],
    schedules=[nightly_schedule, half_yearly_review_schedule],
    resources={
        # The dbt of this environment, also when .venv/bin is not on PATH (make, cron).
        "dbt": PipelineDbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
        ),
        "warehouse": WarehouseResource(),
    },
)
