"""The raw layer of a DuckDB warehouse, as every other engine receives it."""

from __future__ import annotations

import duckdb

from orchestration.ingest.schema import RAW_SCHEMA


def raw_table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every table of the raw schema of a DuckDB warehouse: its columns and their types."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_schema = ?
        order by table_name, ordinal_position
        """,
        [RAW_SCHEMA],
    ).fetchall():
        tables.setdefault(table, []).append((column, data_type))
    if not tables:
        raise ValueError("the DuckDB warehouse has no raw tables: run the ingestion first")
    return tables
