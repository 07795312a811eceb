"""The single Dagster code location of customer-pyramid."""

import dagster as dg

from orchestration.defs.audiences import audience_exports
from orchestration.defs.calendars import public_holidays
from orchestration.defs.dbt import dbt_models
from orchestration.defs.dbt_resource import PipelineDbtCliResource
from orchestration.defs.decisions import decisions
from orchestration.defs.ingestion import ingestion_assets
from orchestration.defs.jobs import nightly_refresh, replay, segment_review
from orchestration.defs.project import dbt_project
from orchestration.defs.publish import published_warehouse
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.schedules import half_yearly_review_schedule, nightly_schedule
from orchestration.defs.sensors import source_arrival_sensor
from orchestration.settings import DBT_EXECUTABLE

defs = dg.Definitions(
    assets=[
        *ingestion_assets,
        decisions,
        audience_exports,
        public_holidays,
        dbt_models,
        published_warehouse,
    ],
    jobs=[nightly_refresh, segment_review, replay],
    schedules=[nightly_schedule, half_yearly_review_schedule],
    sensors=[source_arrival_sensor],
    resources={
        "dbt": PipelineDbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
        "warehouse": WarehouseResource(),
    },
)
