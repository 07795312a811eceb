"""`load_table`: one source file into `raw.<table>`, its rejects and its run row, in one
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingest.columns import _ColumnLayout, expected_headers
from orchestration.ingest.contract import SourceTable
from orchestration.ingest.csv_dialect import CsvDialect, _detect_csv_dialect
from orchestration.ingest.encoding import WINDOWS_1252
from orchestration.ingest.errors import ReconciliationError, SourceFileError
from orchestration.ingest.excel import ExcelSheet, read_sheet
from orchestration.ingest.files import _file_format
from orchestration.ingest.loader import _Loader
from orchestration.ingest.mapping import TableMapping
from orchestration.ingest.schema import RAW_SCHEMA, _raw_table_ddl, ensure_raw_schema
from orchestration.ingest.validation import _parents
from orchestration.sql import scalar, sql_ident, sql_literal, sql_str


@dataclass(frozen=True)
class LoadResult:
    table: str
    source_file: str
    file_format: str  # 'csv' | 'parquet' | 'xlsx'
    delimiter: str | None
    decimal_separator: str | None
    encoding: str | None  # 'utf-8' | 'windows-1252' for CSV; None for Parquet and xlsx
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    extra_columns: tuple[str, ...]
    loaded_at: datetime
    # Keyed by the kind of reason (`unknown value`, not `unknown value 'x' (...)`), so
    # a column full of different bad values does not blow up the dictionary.
    rejects_by_reason: dict[str, int]
    # The sheet read, for an Excel file.
    sheet: str | None = None
    # Excel: cells of the records that were date or date-time cells.
    date_cells: int | None = None


def load_table(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    path: Path,
    loaded_at: datetime | None = None,
    *,
    check_parents: bool = True,
    mapping: TableMapping | None = None,
) -> LoadResult:
    """Load one source file into `raw.<table.name>`, recording rejects and the run.

    Replaces the raw table, the table's rejects and its run row in one transaction, so
    a load that fails (a `SourceFileError`, or anything else) leaves the previous
    tables as they were. Loading the same file twice gives identical tables.

    A CSV file is read as UTF-8; when it turns out not to be, it is read again as
    Windows-1252 (`LoadResult.encoding`). With `check_parents`, a record whose parent
    column (`SourceTable.parent_references`) names a key its parent table does not hold
    as loaded in `raw` is rejected, so parents must be loaded first
    (`ParentNotLoadedError` otherwise); a parent record that was itself rejected leaves
    its children without parent too. Without it, the file is checked on its own.

    An `.xlsx` file is read with python-calamine (`orchestration.ingest.excel`): its
    cells become the text a CSV would hold and go through the same validation, with
    Excel's row numbers. `mapping` (`orchestration.ingest.mapping`) gives the file's
    own headers, sheet and codes; a gap in it raises `MappingError`.
    """
    path = Path(path)
    file_format = _file_format(path)
    if not path.is_file():
        raise SourceFileError(f"{path}: source file not found")
    if path.stat().st_size == 0:
        raise SourceFileError(f"{path}: the file is empty (0 bytes); expected at least a header")
    loaded_at = loaded_at or datetime.now(UTC)

    dialect: CsvDialect | None = None
    layout: _ColumnLayout | None = None
    encoding = None
    sheet: ExcelSheet | None = None
    if file_format == "csv":
        # Header problems are found before any transaction starts.
        dialect, layout, encoding = _detect_csv_dialect(path, table, mapping)
    elif file_format == "xlsx":
        sheet = read_sheet(
            path,
            mapping.sheet if mapping else None,
            wanted=set(expected_headers(table, mapping)),
            sheet_where=mapping.where(mapping.sheet_line) if mapping else None,
        )
    parents = _parents(con, table) if check_parents else {}

    loader = _Loader(con, table, path, parents, mapping)
    # Line numbers and "first occurrence wins" rely on rows keeping file order.
    keep_order = scalar(con, "SELECT current_setting('preserve_insertion_order')")
    con.execute("SET preserve_insertion_order = true")
    try:
        if encoding == WINDOWS_1252:
            loader.use_windows_1252()
        # Reading and checking fill temporary tables only, outside the transaction: DuckDB
        # scans a table created in the running transaction about half as fast (measured:
        # the INSERT of 10.9M invoice lines 10.7 s inside, 5-6 s outside).
        checked = _check(loader, dialect, layout, sheet)
        con.begin()
        try:
            counts = _write(loader, checked)
            _record_run(con, table, loader, file_format, dialect, counts, loaded_at)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        loader.drop_temp_tables()
        loader.remove_scratch()
        con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")

    return LoadResult(
        table=table.name,
        source_file=loader.source_file,
        file_format=file_format,
        delimiter=dialect.delimiter if dialect else None,
        decimal_separator=dialect.decimal_separator if dialect else None,
        encoding=loader.encoding if dialect else None,
        rows_read=counts.rows_read,
        rows_loaded=counts.rows_loaded,
        rows_rejected=counts.rows_rejected,
        extra_columns=counts.extra_columns,
        loaded_at=loaded_at,
        rejects_by_reason=counts.rejects_by_reason,
        sheet=sheet.sheet if sheet else None,
        date_cells=sheet.date_cells if sheet else None,
    )


def load_no_file(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    source_dir: Path,
    loaded_at: datetime | None = None,
) -> LoadResult:
    """An optional table (`SourceTable.optional`) whose file is not there: an empty
    `raw.<table>`, no rejects, and a run row that says no file was read."""
    if not table.optional:
        raise SourceFileError(f"{table.name}: the file is required; it cannot be left out")
    loaded_at = loaded_at or datetime.now(UTC)
    source_file = f"{Path(source_dir) / table.relative_path}.csv (not present)"
    counts = _Counts(0, 0, 0, (), {})
    ensure_raw_schema(con)
    con.begin()
    try:
        con.execute(_raw_table_ddl(table))
        con.execute(
            f"DELETE FROM {RAW_SCHEMA}.ingest_rejects WHERE source_table = {sql_str(table.name)}"
        )
        _record_run_row(con, table, source_file, "none", None, None, counts, loaded_at)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LoadResult(
        table=table.name,
        source_file=source_file,
        file_format="none",
        delimiter=None,
        decimal_separator=None,
        encoding=None,
        rows_read=0,
        rows_loaded=0,
        rows_rejected=0,
        extra_columns=(),
        loaded_at=loaded_at,
        rejects_by_reason={},
    )


@dataclass(frozen=True)
class _Counts:
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    extra_columns: tuple[str, ...]
    rejects_by_reason: dict[str, int]


@dataclass(frozen=True)
class _Checked:
    """What `_check` found: every record with its verdict (`final_sql`), and the records
    the CSV reader could not split into fields."""

    final_sql: str
    malformed: int
    extra_columns: tuple[str, ...]


def _check(
    loader: _Loader,
    dialect: CsvDialect | None,
    layout: _ColumnLayout | None,
    sheet: ExcelSheet | None = None,
) -> _Checked:
    """Read and check one table into temporary tables; writes nothing else."""
    loader.drop_temp_tables()
    malformed = 0
    if sheet is not None:
        extra_columns = loader.read_xlsx(sheet)
        # Records carry the row number Excel shows (the header's row and blank rows
        # included), so no numbering from the file's layout is needed.
        numbered_sql = loader.number_xlsx_rows()
    elif dialect is not None and layout is not None:
        loader.read_csv(dialect, layout)
        malformed = loader.collect_malformed()
        extra_columns = layout.extra_columns
        numbered_sql = loader.physical_lines(
            loader.number_rows(2, malformed),  # line 1 is the header
            dialect,
            layout,
            malformed,
        )
        loader.check_runaway_quote()
    else:
        extra_columns = loader.read_parquet()
        # Parquet has no header line: the first record is row 1.
        numbered_sql = loader.number_rows(1, malformed)
    final_sql = loader.judge_duplicates(loader.reject_orphans(numbered_sql))
    loader.check_unmapped_values(final_sql)
    return _Checked(final_sql, malformed, extra_columns)


def _write(loader: _Loader, checked: _Checked) -> _Counts:
    """Write the raw table and the rejects; runs inside the caller's transaction."""
    con, table, malformed = loader.con, loader.table, checked.malformed
    ensure_raw_schema(con)
    loader.write_raw_table(checked.final_sql)
    loader.write_rejects(checked.final_sql)
    if malformed:
        loader.write_malformed_rejects()

    rows_read = scalar(con, f"SELECT count(*) FROM {loader.checked}") + malformed
    rows_loaded = scalar(con, f"SELECT count(*) FROM {RAW_SCHEMA}.{sql_ident(table.name)}")
    this_table = f"source_table = {sql_str(table.name)}"
    rows_rejected = scalar(
        con, f"SELECT count(*) FROM {RAW_SCHEMA}.ingest_rejects WHERE {this_table}"
    )
    if rows_read != rows_loaded + rows_rejected:
        raise ReconciliationError(
            f"{loader.path}: read {rows_read} records but loaded {rows_loaded} and rejected "
            f"{rows_rejected}; nothing was written"
        )
    # Group by the kind of reason: the text before any detail (':' or a quoted value).
    rejects_by_reason = dict(
        con.execute(
            f"""
            SELECT trim(regexp_extract(reason, '^[^:'']*')) AS kind, count(*)
            FROM {RAW_SCHEMA}.ingest_rejects
            WHERE {this_table}
            GROUP BY kind
            ORDER BY kind
            """
        ).fetchall()
    )
    return _Counts(rows_read, rows_loaded, rows_rejected, checked.extra_columns, rejects_by_reason)


def _record_run(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    loader: _Loader,
    file_format: str,
    dialect: CsvDialect | None,
    counts: _Counts,
    loaded_at: datetime,
) -> None:
    _record_run_row(
        con,
        table,
        loader.source_file,
        file_format,
        dialect,
        loader.encoding if dialect else None,
        counts,
        loaded_at,
    )


def _record_run_row(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    source_file: str,
    file_format: str,
    dialect: CsvDialect | None,
    encoding: str | None,
    counts: _Counts,
    loaded_at: datetime,
) -> None:
    # ingest_runs.loaded_at is a plain timestamp: store aware datetimes as UTC.
    if loaded_at.tzinfo is not None:
        loaded_at = loaded_at.astimezone(UTC).replace(tzinfo=None)
    values = [
        table.name,
        source_file,
        file_format,
        dialect.delimiter if dialect else None,
        dialect.decimal_separator if dialect else None,
        counts.rows_read,
        counts.rows_loaded,
        counts.rows_rejected,
        ",".join(counts.extra_columns),
        loaded_at,
        encoding,
    ]
    con.execute(f"DELETE FROM {RAW_SCHEMA}.ingest_runs WHERE source_table = {sql_str(table.name)}")
    con.execute(
        f"""
        INSERT INTO {RAW_SCHEMA}.ingest_runs (
            source_table, source_file, file_format, delimiter, decimal_separator, rows_read,
            rows_loaded, rows_rejected, extra_columns, loaded_at, encoding
        ) VALUES ({", ".join(sql_literal(value) for value in values)})
        """
    )
