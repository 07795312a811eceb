"""The `raw` schema: one table per source table, the two bookkeeping tables
(`raw.ingest_rejects`, `raw.ingest_runs`), and an empty `raw.decisions` and
`raw.public_holidays` until their assets fill them."""

from __future__ import annotations

import duckdb

from orchestration.ingest.contract import RAW_SQL_TYPE, SourceTable
from orchestration.sql import sql_ident

RAW_SCHEMA = "raw"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `raw` schema and the two bookkeeping tables if they do not exist."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.ingest_rejects (
            source_table varchar NOT NULL,
            source_file varchar NOT NULL,
            line_number bigint,
            column_name varchar,
            raw_value varchar,
            reason varchar NOT NULL
        )
        """
    )
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.ingest_runs (
            source_table varchar NOT NULL,
            source_file varchar NOT NULL,
            file_format varchar NOT NULL,
            delimiter varchar,
            decimal_separator varchar,
            rows_read bigint NOT NULL,
            rows_loaded bigint NOT NULL,
            rows_rejected bigint NOT NULL,
            extra_columns varchar,
            loaded_at timestamp NOT NULL,
            encoding varchar
        )
        """
    )
    # Warehouses built before the encoding was recorded keep their history of runs.
    con.execute(f"ALTER TABLE {RAW_SCHEMA}.ingest_runs ADD COLUMN IF NOT EXISTS encoding varchar")
    # dbt reads raw.decisions too: a raw layer loaded by the ingestion alone (the engine
    # tests, the benchmarks) still builds, as with an empty store. Imported here because
    # orchestration.decisions.raw imports this module.
    from orchestration.calendars import ensure_raw_public_holidays
    from orchestration.decisions.raw import ensure_raw_decisions

    ensure_raw_decisions(con)
    # The export log of campaign audiences, alike (orchestration/audiences).
    from orchestration.audiences.raw import ensure_raw_exports

    ensure_raw_exports(con)
    # The same for the holidays, which the public_holidays asset writes for the as_of.
    ensure_raw_public_holidays(con)


def _raw_table_ddl(table: SourceTable) -> str:
    columns = ",\n".join(
        f"    {sql_ident(column.name)} {RAW_SQL_TYPE[column.type]}" for column in table.columns
    )
    return (
        f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{sql_ident(table.name)} (\n{columns},\n"
        "    _source_file varchar,\n    _source_line bigint\n)"
    )
