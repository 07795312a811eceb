"""The decisions store as a source: `raw.decisions`, read in at every refresh.

Its key `decisions/decisions` is the key dagster-dbt gives the dbt source `decisions`
(models/staging/decisions/_decisions__sources.yml), so dbt runs after it, as after the
ingestion assets. An unreachable store fails the refresh: building without it would
silently drop every override.
"""

import dagster as dg

from orchestration.decisions.raw import RAW_TABLE, load_raw_decisions
from orchestration.decisions.seed import SEED_PATH, import_seed
from orchestration.decisions.store import open_store, open_store_read_only
from orchestration.defs.resources import WarehouseResource


@dg.asset(
    key=dg.AssetKey(["decisions", "decisions"]),
    group_name="raw",
    kinds={"duckdb"},
    description="Every decision of the decisions store (PYRAMID_DECISIONS): overrides and "
    f"postponements, copied whole into raw.{RAW_TABLE}. First appends the rows of "
    "seeds/service_level_overrides.csv the store does not hold yet. A replay only reads "
    "the store (the decisions taken on or before its date) and imports nothing.",
)
def decisions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    if settings.is_replay:
        with open_store_read_only(settings.decisions) as engine, warehouse.connect_build() as con:
            rows = load_raw_decisions(con, engine, until=settings.as_of)
        context.log.info(f"replay: {rows} decisions taken on or before {settings.as_of}")
        return dg.MaterializeResult(metadata={"seed_rows_imported": 0, "dagster/row_count": rows})
    with open_store(settings.decisions) as engine:
        imported = import_seed(engine)
        if imported:
            context.log.info(f"{SEED_PATH}: {len(imported)} overrides imported into the store")
        with warehouse.connect_build() as con:
            rows = load_raw_decisions(con, engine)
    return dg.MaterializeResult(
        metadata={"seed_rows_imported": len(imported), "dagster/row_count": rows}
    )
