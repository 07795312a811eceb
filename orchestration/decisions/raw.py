"""Copy the decisions store into the warehouse as `raw.decisions`, a source like the CRM.

Every decision ever taken is copied, replacing the table whole: the store is the truth and
the warehouse is rebuilt from it each refresh. The models pick the decision in force
(dbt: int_service_level_overrides), so the history stays queryable in the warehouse too.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from orchestration.decisions import store
from orchestration.ingest.schema import RAW_SCHEMA

RAW_TABLE = "decisions"

# The store's columns in its order. decided_at is UTC without a zone: the warehouse's
# timestamps carry none, and PostgreSQL/Spark copies of raw read them alike
# (orchestration/engines).
_ARROW_SCHEMA = pa.schema(
    [
        ("decision_id", pa.int64()),
        ("decision_type", pa.string()),
        ("relation_id", pa.string()),
        ("review_period", pa.string()),
        ("level", pa.string()),
        ("until_date", pa.date32()),
        ("reason", pa.string()),
        ("decided_by", pa.string()),
        ("decided_at", pa.timestamp("us")),
    ]
)
assert _ARROW_SCHEMA.names == [column.name for column in store.decisions.columns]


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _write(con: duckdb.DuckDBPyConnection, records: list[dict], create: str) -> None:
    frame = pa.Table.from_pylist(records, schema=_ARROW_SCHEMA)
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.register("decisions_frame", frame)
    try:
        con.execute(f"{create} {RAW_SCHEMA}.{RAW_TABLE} as select * from decisions_frame")
    finally:
        con.unregister("decisions_frame")


def load_raw_decisions(
    con: duckdb.DuckDBPyConnection, engine: sa.Engine | None, until: dt.date | None = None
) -> int:
    """Replace raw.decisions with every decision of the store (none without a store), or
    with `until` those decided on or before that day (UTC; a replay); return the count."""
    decisions = store.history(engine) if engine is not None else []
    if until is not None:
        decisions = [d for d in decisions if _naive_utc(d.decided_at).date() <= until]
    records = [decision.as_record() for decision in decisions]
    for record in records:
        record["decided_at"] = _naive_utc(record["decided_at"])
    _write(con, records, "create or replace table")
    return len(records)


def ensure_raw_decisions(con: duckdb.DuckDBPyConnection) -> None:
    """An empty, typed raw.decisions where there is none; an existing one is kept."""
    _write(con, [], "create table if not exists")
