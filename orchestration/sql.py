"""SQL text built in Python: quoted literals and identifiers, and one-value queries."""

from __future__ import annotations

from datetime import datetime

import duckdb


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_literal(value: str | int | datetime | None) -> str:
    """`value` as a SQL literal: text, a whole number, a naive timestamp or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"TIMESTAMP {sql_str(value.isoformat(sep=' '))}"
    if isinstance(value, int):
        return str(int(value))
    return sql_str(value)


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    # Values go into the SQL as literals (`sql_str`), never as parameters: the first
    # parameter a process binds makes DuckDB's Python client import pandas and pyarrow,
    # seconds that each ingestion process would pay for nothing.
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]
