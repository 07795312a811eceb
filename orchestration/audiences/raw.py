"""Copy the export log into the warehouse as `raw.audience_exports` and
`raw.audience_export_relations`, sources like the CRM (the campaign results read them).

Copied whole at every refresh, replacing the tables: the decisions store is the truth.
exported_at is UTC without a zone, as raw.decisions' decided_at.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from orchestration.audiences import exports
from orchestration.ingest.schema import RAW_SCHEMA

EXPORTS_TABLE = "audience_exports"
RELATIONS_TABLE = "audience_export_relations"

_SCHEMAS = {
    EXPORTS_TABLE: pa.schema(
        [
            ("export_id", pa.int64()),
            ("audience", pa.string()),
            ("audience_filters", pa.string()),
            ("file_format", pa.string()),
            ("contact_count", pa.int64()),
            ("relation_count", pa.int64()),
            ("as_of_date", pa.date32()),
            ("content_sha256", pa.string()),
            ("exported_by", pa.string()),
            ("exported_at", pa.timestamp("us")),
        ]
    ),
    RELATIONS_TABLE: pa.schema(
        [
            ("export_id", pa.int64()),
            ("relation_id", pa.string()),
            ("relation_kind", pa.string()),
            ("contact_count", pa.int64()),
        ]
    ),
}
assert _SCHEMAS[EXPORTS_TABLE].names == [c.name for c in exports.audience_exports.columns]
assert _SCHEMAS[RELATIONS_TABLE].names == [
    c.name for c in exports.audience_export_relations.columns
]


def _write(con: duckdb.DuckDBPyConnection, table: str, records: list[dict], create: str) -> None:
    frame = pa.Table.from_pylist(records, schema=_SCHEMAS[table])
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.register("export_log_frame", frame)
    try:
        con.execute(f"{create} {RAW_SCHEMA}.{table} as select * from export_log_frame")
    finally:
        con.unregister("export_log_frame")


def load_raw_exports(
    con: duckdb.DuckDBPyConnection, engine: sa.Engine | None, until: dt.date | None = None
) -> dict[str, int]:
    """Replace both raw tables with the export log, or with `until` the exports made on or
    before that day (UTC; a replay); no engine (a replay before any store) gives empty
    tables. The row counts per table."""
    header = []
    for export in exports.log(engine) if engine is not None and _has_log(engine) else []:
        record = export.as_record()
        record.pop("relation_ids")
        record["exported_at"] = record["exported_at"].astimezone(dt.UTC).replace(tzinfo=None)
        if until is None or record["exported_at"].date() <= until:
            header.append(record)
    kept = {record["export_id"] for record in header}
    relations = (
        [row for row in exports.relation_rows(engine) if row["export_id"] in kept] if header else []
    )
    _write(con, EXPORTS_TABLE, header, "create or replace table")
    _write(con, RELATIONS_TABLE, relations, "create or replace table")
    return {EXPORTS_TABLE: len(header), RELATIONS_TABLE: len(relations)}


def _has_log(engine: sa.Engine) -> bool:
    # A store opened read-only (a replay) may predate the export log's tables.
    return sa.inspect(engine).has_table(exports.audience_exports.name)


def ensure_raw_exports(con: duckdb.DuckDBPyConnection) -> None:
    """Empty, typed raw tables where there are none; existing ones are kept."""
    for table in _SCHEMAS:
        _write(con, table, [], "create table if not exists")
