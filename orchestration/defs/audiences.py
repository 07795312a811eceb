"""The export log of campaign audiences as a source: `raw.audience_exports` and
`raw.audience_export_relations`, read in at every refresh from the decisions store.

Their keys are the ones dagster-dbt gives the dbt sources decisions.audience_exports and
decisions.audience_export_relations (models/staging/decisions/_decisions__sources.yml),
so dbt runs after them. An unreachable store fails the refresh, as for the decisions.
"""

import dagster as dg

from orchestration.audiences.exports import open_log
from orchestration.audiences.raw import EXPORTS_TABLE, RELATIONS_TABLE, load_raw_exports
from orchestration.decisions.store import open_store_read_only
from orchestration.defs.resources import WarehouseResource


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey(["decisions", EXPORTS_TABLE]),
            group_name="raw",
            kinds={"duckdb"},
            description="Every mailing-list export of a campaign audience recorded in the "
            f"decisions store (PYRAMID_DECISIONS), copied whole into raw.{EXPORTS_TABLE}.",
        ),
        dg.AssetSpec(
            key=dg.AssetKey(["decisions", RELATIONS_TABLE]),
            group_name="raw",
            kinds={"duckdb"},
            description="The relations of every recorded export, copied whole into "
            f"raw.{RELATIONS_TABLE}.",
        ),
    ],
)
def audience_exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    if settings.is_replay:  # read only: the exports made on or before the replayed day
        with open_store_read_only(settings.decisions) as engine, warehouse.connect_build() as con:
            rows = load_raw_exports(con, engine, until=settings.as_of)
        context.log.info(f"replay: {rows} export-log rows on or before {settings.as_of}")
    else:
        with open_log(settings.decisions) as engine, warehouse.connect_build() as con:
            rows = load_raw_exports(con, engine)
    for table, count in rows.items():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["decisions", table]), metadata={"dagster/row_count": count}
        )
