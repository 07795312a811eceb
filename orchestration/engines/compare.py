"""The marts of every engine, read and normalised so they compare across engines, and the
differences between two engines."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from orchestration.engines.postgres import PostgresSettings
from orchestration.engines.spark import default_spark_dir, spark_session
from orchestration.sql import sql_ident

COMPARED_SCHEMAS = ("marts", "history")
# Snapshot bookkeeping that records when a build ran, not what it found.
RUN_TIME_COLUMNS = ("dbt_valid_from", "dbt_updated_at", "dbt_scd_id")
CENT = Decimal("0.01")


def normalise_value(value):
    """One value in a form that is equal across engines: numbers to the cent (as text),
    dates and timestamps as ISO text (no time zone), booleans and text as they are."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Decimal):
        rounded = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        return str(rounded + 0)  # + 0 turns -0.00 into 0.00
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def normalise_relation(columns: list[str], rows: list[tuple]) -> dict:
    """A relation as {columns, rows}: columns sorted by name, rows sorted.

    The snapshot's run-time columns are left out and dbt_valid_to becomes whether the
    version is current: the engines ran at different moments, not on different data.
    """
    names = [name.lower() for name in columns]
    keep = sorted((name, index) for index, name in enumerate(names) if name not in RUN_TIME_COLUMNS)
    normalised = []
    for row in rows:
        values = []
        for name, index in keep:
            value = row[index]
            if name == "dbt_valid_to":
                value = "current" if value is None else "closed"
            values.append(normalise_value(value))
        normalised.append(values)
    normalised.sort(key=lambda values: [(value is None, str(value)) for value in values])
    return {"columns": [name for name, _ in keep], "rows": normalised}


def _read_duckdb(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {COMPARED_SCHEMAS} and table_type = 'BASE TABLE'"
        ).fetchall()
        result = {}
        for schema, table in relations:
            cursor = con.execute(f"select * from {schema}.{sql_ident(table)}")
            columns = [description[0] for description in cursor.description]
            result[f"{schema}.{table}"] = normalise_relation(columns, cursor.fetchall())
        return result


def _read_postgres(pg: PostgresSettings) -> dict[str, dict]:
    con = pg.connect()
    try:
        with con.cursor() as cur:
            cur.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema = any(%s) and table_type = 'BASE TABLE'",
                [list(COMPARED_SCHEMAS)],
            )
            relations = cur.fetchall()
            result = {}
            for schema, table in relations:
                cur.execute(f"select * from {schema}.{sql_ident(table)}")
                columns = [description[0] for description in cur.description]
                result[f"{schema}.{table}"] = normalise_relation(columns, cur.fetchall())
            return result
    finally:
        con.close()


def _read_spark(spark_dir: Path) -> dict[str, dict]:
    spark = spark_session(spark_dir)
    try:
        existing = {row[0] for row in spark.sql("show databases").collect()}
        result = {}
        for schema in COMPARED_SCHEMAS:
            if schema not in existing:
                continue
            for row in spark.sql(f"show tables in {schema}").collect():
                if row.isTemporary:
                    continue
                frame = spark.table(f"{schema}.{row.tableName}")
                rows = [tuple(record) for record in frame.collect()]
                result[f"{schema}.{row.tableName}"] = normalise_relation(frame.columns, rows)
        return result
    finally:
        spark.stop()


def read_marts(
    engine: str,
    *,
    warehouse: Path | None = None,
    pg: PostgresSettings | None = None,
    spark_dir: Path | None = None,
) -> dict[str, dict]:
    """Every table in the marts and history schemas of one engine, normalised."""
    if engine == "duckdb":
        return _read_duckdb(Path(warehouse))
    if engine == "postgres":
        return _read_postgres(pg or PostgresSettings.from_env())
    if engine == "spark":
        return _read_spark(Path(spark_dir or default_spark_dir()))
    raise ValueError(f"unknown engine {engine!r}: duckdb, postgres or spark")


def diff_marts(reference: dict[str, dict], other: dict[str, dict]) -> list[str]:
    """What differs between two `read_marts` results, one line per relation (empty: equal)."""
    problems = []
    for name in sorted(set(reference) | set(other)):
        if name not in other:
            problems.append(f"{name}: missing")
            continue
        if name not in reference:
            problems.append(f"{name}: not in the reference")
            continue
        expected, actual = reference[name], other[name]
        if expected["columns"] != actual["columns"]:
            only_expected = sorted(set(expected["columns"]) - set(actual["columns"]))
            only_actual = sorted(set(actual["columns"]) - set(expected["columns"]))
            problems.append(
                f"{name}: columns differ, only in the reference {only_expected}, "
                f"only here {only_actual}"
            )
            continue
        expected_rows = [tuple(row) for row in expected["rows"]]
        actual_rows = [tuple(row) for row in actual["rows"]]
        if expected_rows != actual_rows:
            missing = sorted(set(expected_rows) - set(actual_rows), key=str)
            extra = sorted(set(actual_rows) - set(expected_rows), key=str)
            detail = ""
            if missing and extra:
                pairs = zip(expected["columns"], missing[0], extra[0], strict=True)
                detail = "; first difference: " + ", ".join(
                    f"{column}: {want!r} != {got!r}" for column, want, got in pairs if want != got
                )
            problems.append(
                f"{name}: {len(expected_rows)} rows in the reference, {len(actual_rows)} here, "
                f"{len(missing)} missing, {len(extra)} not in the reference{detail}"
            )
    return problems
