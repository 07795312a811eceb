"""The public holidays as a source: `raw.public_holidays`, written at every refresh.

Its key `calendars/public_holidays` is the key dagster-dbt gives the dbt source
`calendars` (models/staging/calendars/_calendars__sources.yml), so dbt runs after it. The
years follow PYRAMID_AS_OF: the as_of year and the next, what a visit plan can touch.
"""

import dagster as dg

from orchestration.calendars import RAW_TABLE, load_public_holidays, plan_years
from orchestration.defs.resources import WarehouseResource


@dg.asset(
    key=dg.AssetKey(["calendars", "public_holidays"]),
    group_name="raw",
    kinds={"duckdb", "python"},
    description="Public holidays of NL and BE from the `holidays` package, for the as_of year "
    f"and the next, into raw.{RAW_TABLE}: the days off that lower a salesperson's visit "
    "capacity.",
)
def public_holidays(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    with warehouse.connect_build() as con:
        rows = load_public_holidays(con, settings.as_of)
    years = ", ".join(str(year) for year in plan_years(settings.as_of))
    context.log.info(f"{rows} public holidays of {years}")
    return dg.MaterializeResult(metadata={"years": years, "dagster/row_count": rows})
