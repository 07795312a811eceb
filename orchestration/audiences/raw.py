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


def load_raw_exports(con: duckdb.DuckDBPyConnection, engine: sa.Engine) -> dict[str, int]:
    """Replace both raw tables with the whole export log; the row counts per table."""
    header = []
    for export in exports.log(engine):
        record = export.as_record()
        record.pop("relation_ids")
        record["exported_at"] = record["exported_at"].astimezone(dt.UTC).replace(tzinfo=None)
        header.append(record)
    relations = exports.relation_rows(engine)
    _write(con, EXPORTS_TABLE, header, "create or replace table")
    _write(con, RELATIONS_TABLE, relations, "create or replace table")
    return {EXPORTS_TABLE: len(header), RELATIONS_TABLE: len(relations)}


def ensure_raw_exports(con: duckdb.DuckDBPyConnection) -> None:
    """Empty, typed raw tables where there are none; existing ones are kept."""
    for table in _SCHEMAS:
        _write(con, table, [], "create table if not exists")
