"""Publish the working warehouse for the dashboard once everything upstream succeeded."""

import dagster as dg

from orchestration.defs.dbt import dbt_models
from orchestration.defs.resources import WarehouseResource
from orchestration.warehouse.publication import publish
from orchestration.warehouse.status import record_success


@dg.asset(
    deps=list(dbt_models.keys),
    group_name="publish",
    kinds={"duckdb"},
    description="The warehouse the dashboard reads (PYRAMID_WAREHOUSE): a copy of the "
    "working warehouse, swapped in atomically after ingestion and every dbt test passed. "
    "A replay publishes to replays/<as_of>.duckdb instead, never here.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = warehouse.settings()
    path = publish(settings.build_warehouse, settings.warehouse)
    if settings.is_replay:
        # A replay's working file is made afresh from the publication each time: not kept.
        build = settings.build_warehouse
        for suffix in ("", ".wal", ".run"):
            build.with_name(f"{build.name}{suffix}").unlink(missing_ok=True)
    record_success(
        settings.warehouse,
        run_id=context.run.run_id,
        job=context.run.job_name,
        as_of=settings.as_of,
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "as_of": settings.as_of.isoformat(),
            "replay": settings.is_replay,
            "size_mb": round(path.stat().st_size / 1e6, 1),
        }
    )
