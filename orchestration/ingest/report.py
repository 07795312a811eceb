"""What a load found in one source file, as a report a person can act on: the file, its
rows, how it was read (delimiter, encoding, dates), the columns mapped, missing and
unknown, values outside the contract's code lists, a sample of the rejected rows, and
whether a refresh gets past it.

One implementation for two readers: `python -m orchestration.inspect` (`make inspect`)
loads the source folder into an in-memory DuckDB and reports, writing nothing; the
refresh's ingestion assets report the load they just did into
`<warehouse>.sources/<table>.json` beside the published warehouse, which the
Datakwaliteit page shows (also after a failed refresh, which publishes nothing).

Only the standard library and DuckDB are used, so the dashboard can read reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.ingest.contract import CONTACTS, SourceTable
from orchestration.ingest.errors import MissingColumnError
from orchestration.sql import sql_str

if TYPE_CHECKING:
    import duckdb

    from orchestration.ingest.load import LoadResult
    from orchestration.ingest.mapping import TableMapping

SAMPLE_ROWS = 10
# Contact persons' rows are personal data: a stored report must not keep what `make
# forget` erases from the warehouse, so their sample shows only the keys' values.
_PERSONAL_TABLE_KEYS = {CONTACTS.name: ("contact_id", "relation_id")}
_WITHHELD = "(personal data: see raw.ingest_rejects)"
UNKNOWN_VALUES = 20

# Date forms people type, recognised in rejected values to say what the file holds.
_DATE_FORMS = (
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}"), "day-month-year (31-12-2026)"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}"), "day/month/year or month/day/year (31/12/2026)"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}"), "day.month.year (31.12.2026)"),
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}"), "year-month-day, not a valid ISO date"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}"), "year/month/day (2026/12/31)"),
)


@dataclass
class TableReport:
    table: str  # the contract's name, e.g. crm/relations
    raw_table: str  # e.g. crm_relations
    file: str | None = None
    file_format: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    decimal_separator: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_rejected: int | None = None
    columns_mapped: dict[str, str] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    unknown_values: list[dict] = field(default_factory=list)
    rejected_sample: list[dict] = field(default_factory=list)
    error: str | None = None
    note: str | None = None
    checked_at: str = ""

    @property
    def ok(self) -> bool:
        """True when a refresh gets past this table (rejected rows do not stop it)."""
        return self.error is None

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _base(table: SourceTable, mapping: TableMapping | None) -> TableReport:
    mapped = {
        column: header for column, (header, _) in (mapping.columns if mapping else {}).items()
    }
    return TableReport(
        table=table.relative_path, raw_table=table.name, columns_mapped=mapped, checked_at=_now()
    )


def report_after_load(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    result: LoadResult,
    mapping: TableMapping | None = None,
) -> TableReport:
    """The report of a load that went through, read from `raw.ingest_rejects` on `con`."""
    report = _base(table, mapping)
    report.file = result.source_file
    report.file_format = result.file_format
    report.sheet = result.sheet
    report.delimiter = result.delimiter
    report.decimal_separator = result.decimal_separator
    report.encoding = result.encoding
    report.rows_read = result.rows_read
    report.rows_loaded = result.rows_loaded
    report.rows_rejected = result.rows_rejected
    report.unknown_columns = list(result.extra_columns)
    if result.file_format == "none":
        report.note = "no file: the table is optional, so no rows"
        return report
    # Values go in as literals, not parameters: binding one makes DuckDB's client import
    # pandas and pyarrow (see orchestration.sql.scalar).
    this_table = sql_str(table.name)
    report.unknown_values = [
        {"column": column, "value": value, "rows": rows}
        for column, value, rows in con.execute(
            f"""
            SELECT column_name, raw_value, count(*) AS n
            FROM raw.ingest_rejects
            WHERE source_table = {this_table} AND reason LIKE 'unknown value%'
            GROUP BY ALL ORDER BY n DESC, raw_value LIMIT {UNKNOWN_VALUES}
            """
        ).fetchall()
    ]
    keys = _PERSONAL_TABLE_KEYS.get(table.name)
    report.rejected_sample = [
        {
            "line": line,
            "column": column,
            "value": value if keys is None or column in keys else _WITHHELD,
            "reason": reason,
        }
        for line, column, value, reason in con.execute(
            f"""
            SELECT line_number, column_name, raw_value, reason
            FROM raw.ingest_rejects WHERE source_table = {this_table}
            ORDER BY line_number LIMIT {SAMPLE_ROWS}
            """
        ).fetchall()
    ]
    report.date_format = _date_format(con, table, result)
    return report


def _date_format(con: duckdb.DuckDBPyConnection, table: SourceTable, result: LoadResult) -> str:
    """How the file writes its dates: what was accepted, and what people typed instead."""
    if not any(column.type in ("date", "timestamp") for column in table.columns):
        return "no date columns"
    if result.file_format == "xlsx":
        accepted = f"Excel date cells ({result.date_cells or 0}) and ISO text (YYYY-MM-DD)"
    elif result.file_format == "parquet":
        accepted = "Parquet dates"
    else:
        accepted = "ISO 8601 (YYYY-MM-DD)"
    values = [
        value
        for (value,) in con.execute(
            f"SELECT raw_value FROM raw.ingest_rejects WHERE source_table = {sql_str(table.name)} "
            "AND (reason LIKE 'not an ISO%' OR reason = 'implausible date') LIMIT 1000"
        ).fetchall()
        if value
    ]
    if not values:
        return accepted
    forms: dict[str, int] = {}
    for value in values:
        form = next((name for pattern, name in _DATE_FORMS if pattern.match(value)), "other")
        forms[form] = forms.get(form, 0) + 1
    found = ", ".join(f"{name}: {count}" for name, count in sorted(forms.items()))
    return f"{accepted}; rejected dates written as {found}"


def report_of_error(
    table: SourceTable,
    error: Exception,
    path: Path | None = None,
    mapping: TableMapping | None = None,
) -> TableReport:
    """The report of a table whose file stops the refresh."""
    report = _base(table, mapping)
    report.file = str(path) if path is not None else None
    if path is not None:
        report.file_format = path.suffix.lower().lstrip(".") or None
    report.error = str(error)
    if isinstance(error, MissingColumnError):
        report.missing_columns = list(error.missing)
        report.unknown_columns = list(error.extra)
    return report


# ---- stored beside the warehouse by the refresh


def report_folder(warehouse: Path) -> Path:
    """`data/warehouse.duckdb` -> `data/warehouse.sources/`."""
    return warehouse.with_name(f"{warehouse.name.removesuffix('.duckdb')}.sources")


def write_report(warehouse: Path, report: TableReport, run_id: str | None = None) -> Path:
    folder = report_folder(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report.raw_table}.json"
    temporary = folder / f".{report.raw_table}.json.{os.getpid()}"
    temporary.write_text(
        json.dumps({**report.as_dict(), "run_id": run_id}, indent=2, default=str),
        encoding="utf-8",
    )
    os.replace(temporary, path)  # a reader sees the old report or the new one
    return path


def read_reports(warehouse: Path) -> list[dict]:
    """Every stored table report, in contract order; unreadable ones are skipped."""
    from orchestration.ingest.contract import SOURCE_TABLES

    folder = report_folder(warehouse)
    reports = []
    for table in SOURCE_TABLES:
        try:
            reports.append(json.loads((folder / f"{table.name}.json").read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            continue
    return reports
