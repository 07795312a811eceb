"""`raw.public_holidays` from the `holidays` package (docs/business-rules.md section 9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import holidays
import pyarrow as pa

from orchestration.ingest.contract import SALESPERSON_COUNTRIES

RAW_SCHEMA = "raw"
RAW_TABLE = "public_holidays"
COUNTRIES = SALESPERSON_COUNTRIES

_ARROW_SCHEMA = pa.schema(
    [("country", pa.string()), ("holiday_date", pa.date32()), ("holiday_name", pa.string())]
)


def plan_years(as_of: dt.date) -> tuple[int, ...]:
    """The years a visit plan made at `as_of` can touch: its own and the next.

    A horizon is at most a quarter in practice; a plan starting in December runs into
    January. A horizon beyond the next year would find no holidays there (documented).
    """
    return (as_of.year, as_of.year + 1)


def public_holidays(
    years: Iterable[int], countries: Iterable[str] = COUNTRIES
) -> list[tuple[str, dt.date, str]]:
    """(country, date, Dutch name) of every public holiday, sorted by country and date."""
    rows = []
    for country in countries:
        calendar = holidays.country_holidays(country, years=sorted(years), language="nl")
        rows.extend((country, day, name) for day, name in calendar.items())
    return sorted(rows)


def _write(con: duckdb.DuckDBPyConnection, rows: list[tuple], create: str) -> None:
    frame = pa.Table.from_pylist(
        [dict(zip(_ARROW_SCHEMA.names, row, strict=True)) for row in rows], schema=_ARROW_SCHEMA
    )
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.register("public_holidays_frame", frame)
    try:
        con.execute(f"{create} {RAW_SCHEMA}.{RAW_TABLE} as select * from public_holidays_frame")
    finally:
        con.unregister("public_holidays_frame")


def load_public_holidays(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Replace raw.public_holidays with the holidays of `plan_years(as_of)`; the row count."""
    rows = public_holidays(plan_years(as_of))
    _write(con, rows, "create or replace table")
    return len(rows)


def ensure_raw_public_holidays(con: duckdb.DuckDBPyConnection) -> None:
    """An empty, typed raw.public_holidays where there is none; an existing one is kept."""
    _write(con, [], "create table if not exists")
