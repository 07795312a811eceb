"""One load of one table, step by step: read and check every record into a staged table,
number its lines, judge parents and duplicates, and hand the staged table over as the raw
table."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from orchestration.ingest.columns import _ColumnLayout, _layout
from orchestration.ingest.contract import RAW_SQL_TYPE, SourceTable
from orchestration.ingest.csv_dialect import COMMA_DIALECT, CsvDialect
from orchestration.ingest.encoding import UTF_8, WINDOWS_1252, _transcode_windows_1252
from orchestration.ingest.errors import MappingError, ReconciliationError, SourceFileError
from orchestration.ingest.excel import ExcelSheet
from orchestration.ingest.files import _count_lines
from orchestration.ingest.mapping import TableMapping
from orchestration.ingest.schema import RAW_SCHEMA
from orchestration.ingest.validation import (
    _MAX_RAW_VALUE_CHARS,
    _WHITESPACE,
    _one_of_sql,
    _Parent,
    _parquet_value_as_text,
    _validation_sql,
)
from orchestration.sql import scalar, sql_ident, sql_str

# DuckDB's CSV reader skips a record longer than its `max_line_size` (2 MB by default).
# A file holding one is read again with this limit, so a huge notes field in a column we
# ignore does not cost its row; longer records are rejected as malformed. The default
# stays on the fast path because the reader's buffers grow with the limit.
_LONG_LINE_BYTES = 1 << 26

# The columns of the staged table that say why a record is rejected (NULL when it is not);
# dropped before the staged table becomes the raw table.
_VERDICT_COLUMNS = ("_reason", "_reject_column", "_reject_value")


def staged_table(table: SourceTable) -> str:
    """The staged table of a load of `table` (see `_Loader`), schema-qualified."""
    return f"{RAW_SCHEMA}.{sql_ident(f'_ingest_{table.name}')}"


def _first_error_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


class _Loader:
    """One load of one table.

    Every record read lands once, typed and judged, in the staged table
    `raw._ingest_<table>`: the contract's columns, `_source_file`, `_source_line`, and
    the verdict columns (`_VERDICT_COLUMNS`). It is written outside the transaction of
    the load and becomes `raw.<table>` inside it by a rename (`publish`), so the rows
    that load are written once, as a plain typed load writes them. Small helper tables
    are temporary and named after the table; all are dropped at the end.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        path: Path,
        parents: dict[str, _Parent],
        mapping: TableMapping | None = None,
    ):
        self.con = con
        self.table = table
        self.mapping = mapping
        self.path = path
        self.source_file = str(path)
        self.parents = parents
        # What DuckDB reads: the file itself, or a UTF-8 copy of a Windows-1252 file.
        self.read_path = path
        self.encoding = UTF_8
        self.max_line_size: int | None = None  # None: DuckDB's default
        self._scratch: Path | None = None
        prefix = f"_ingest_{table.name}"
        self.staged = staged_table(table)
        self.csv_errors = f"{prefix}_csv_errors"
        self.csv_scans = f"{prefix}_csv_scans"
        self.malformed = f"{prefix}_malformed"
        self.newlines = f"{prefix}_newlines"
        self.skips = f"{prefix}_skips"
        self.shifts = f"{prefix}_shifts"
        self.orphans = f"{prefix}_orphans"
        self.dups = f"{prefix}_dups"
        self.rejects = f"{prefix}_rejects"
        self.sheet = f"{prefix}_sheet"
        self.temp_tables = (
            self.sheet,
            self.csv_errors,
            self.csv_scans,
            self.malformed,
            self.newlines,
            self.skips,
            self.shifts,
            self.orphans,
            self.dups,
            self.rejects,
            f"{self.csv_errors}_again",
            f"{self.csv_scans}_again",
        )

    def _value_sql(self, column: str, expression: str) -> str:
        """The file's value of contract `column` with the mapping's codes applied."""
        if self.mapping is None:
            return expression
        return self.mapping.value_sql(column, expression)

    def drop_work_tables(self) -> None:
        for name in self.temp_tables:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.staged}")

    def remove_scratch(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def use_windows_1252(self) -> None:
        """Read the file as Windows-1252 from now on, through a UTF-8 copy.

        DuckDB reads UTF-8 and Latin-1, and Latin-1 would turn the euro sign and curly
        quotes of Windows-1252 into control characters; hence the copy, made in chunks.
        """
        self._scratch = Path(tempfile.mkdtemp(prefix="ingest-"))
        copy = self._scratch / f"{self.table.name}.utf-8.csv"
        utf8_line = _transcode_windows_1252(self.path, copy)
        if utf8_line is not None:
            raise SourceFileError(
                f"{self.path}: the file mixes encodings: it is not UTF-8, yet line "
                f"{utf8_line} holds UTF-8 text; save the whole file as 'CSV UTF-8'"
            )
        self.read_path = copy
        self.encoding = WINDOWS_1252

    # ---- reading: each fills the staged table, one row per record read

    def read_csv(self, dialect: CsvDialect, layout: _ColumnLayout) -> None:
        """Read the CSV into the staged table; read again when the file turns out to need it.

        The first reading assumes what almost every file is, UTF-8 with lines under
        DuckDB's default maximum, so those files are read once at full speed.
        """
        self._scan_csv(dialect, layout)
        if self.encoding == UTF_8 and self._reader_error_count("INVALID ENCODING"):
            # Not UTF-8: an export from an older Excel or ERP, in Windows-1252.
            self.use_windows_1252()
            self._scan_csv(dialect, layout)
        if self.max_line_size is None and self._reader_error_count("LINE SIZE OVER MAXIMUM"):
            self.max_line_size = _LONG_LINE_BYTES
            self._scan_csv(dialect, layout)

    def _reader_error_count(self, error_type: str) -> int:
        return scalar(
            self.con,
            f"SELECT count(*) FROM {self.csv_errors} WHERE error_type = {sql_str(error_type)}",
        )

    def _read_csv_sql(
        self, dialect: CsvDialect, layout: _ColumnLayout, rejects: tuple[str, str]
    ) -> str:
        """The `read_csv` call: every field as text, c0..cn; reader errors to `rejects`.

        Every field is read as text, not as the contract's type: DuckDB's typed reader
        accepts what the contract refuses (`2026-4-1` as a date, `24:00` as midnight,
        `1e3` or `0x10` as a number, `t` as a boolean) and cannot tell a value's cleaned
        text from its own reading. `rejects` names DuckDB's two temporary tables: the
        errors, and the scans.
        """
        line_size = "" if self.max_line_size is None else f"max_line_size = {self.max_line_size},"
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.field_count))
        return f"""
            read_csv(
                {sql_str(str(self.read_path))},
                header = false, skip = 1, columns = {{{columns}}},
                delim = {sql_str(dialect.delimiter)}, quote = '"', escape = '"',
                auto_detect = false, strict_mode = true, null_padding = false,
                encoding = 'utf-8', {line_size}
                store_rejects = true,
                rejects_table = {sql_str(rejects[0])},
                rejects_scan = {sql_str(rejects[1])}
            )
        """

    def _scan_csv(self, dialect: CsvDialect, layout: _ColumnLayout) -> None:
        for name in (self.csv_errors, self.csv_scans):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        values = ", ".join(
            f"{self._value_sql(name, f'c{layout.positions[name]}')} AS v{i}"
            if name in layout.positions
            else f"NULL AS v{i}"
            for i, name in enumerate(self.table.column_names)
        )
        reader = self._read_csv_sql(dialect, layout, (self.csv_errors, self.csv_scans))
        source_sql = f"SELECT NULL::bigint AS _source_line, {values} FROM {reader}"
        # Malformed records (too many or too few fields, an unterminated quote, a line
        # over the maximum size) do not fail the load: DuckDB's `store_rejects` skips
        # them and notes their line, and they become rejects like any invalid value.
        # Only problems that make the whole file suspect raise (see `check_runaway_quote`).
        self._create_staged(source_sql, dialect)

    def read_parquet(self) -> tuple[str, ...]:
        try:
            described = self.con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({sql_str(self.source_file)})"
            ).fetchall()
        except duckdb.Error as error:
            raise SourceFileError(
                f"{self.path}: cannot be read as Parquet: {_first_error_line(str(error))}"
            ) from error
        names = [row[0] for row in described]
        types = [row[1] for row in described]
        layout = _layout(self.path, self.table, names, self.mapping)
        values = []
        for i, column in enumerate(self.table.columns):
            position = layout.positions.get(column.name)
            if position is None:  # a column that may be absent, and is
                values.append(f"NULL::varchar AS v{i}")
                continue
            as_text = _parquet_value_as_text(names[position], types[position], column)
            values.append(f"{self._value_sql(column.name, as_text)} AS v{i}")
        source_sql = (
            f"SELECT NULL::bigint AS _source_line, {', '.join(values)} "
            f"FROM read_parquet({sql_str(self.source_file)})"
        )
        # Parquet values were cast to text by DuckDB, which always writes a decimal point.
        self._create_staged(source_sql, COMMA_DIALECT)
        return layout.extra_columns

    def read_xlsx(self, sheet: ExcelSheet) -> tuple[str, ...]:
        """Read the rows of an Excel sheet (`orchestration.ingest.excel`) into the staged
        table.

        The cells arrive as the text of a comma-dialect CSV, so the validation is the
        CSV's; each record keeps the row number Excel shows (the header's row and blank
        rows included), so no numbering from the file's layout is needed.
        """
        layout = _layout(self.path, self.table, sheet.header, self.mapping)
        view = f"{self.sheet}_arrow"
        self.con.register(view, sheet.table)
        try:
            self.con.execute(f"CREATE TEMP TABLE {self.sheet} AS SELECT * FROM {view}")
        finally:
            self.con.unregister(view)
        values = ", ".join(
            f"{self._value_sql(name, f'c{layout.positions[name]}')} AS v{i}"
            if name in layout.positions
            else f"NULL::varchar AS v{i}"
            for i, name in enumerate(self.table.column_names)
        )
        source_sql = f"SELECT _line AS _source_line, {values} FROM {self.sheet}"
        self._create_staged(source_sql, COMMA_DIALECT)
        return layout.extra_columns

    def _create_staged(self, source_sql: str, dialect: CsvDialect) -> None:
        """The staged table from `source_sql` (`_source_line` and text columns v0..vn):
        typed columns under the contract's names, the file, the line, and the verdict.

        The line of a CSV or Parquet record is not known yet (NULL): `number_records`
        fills it in.
        """
        typed = ", ".join(
            f"t{i}::{RAW_SQL_TYPE[column.type]} AS {sql_ident(column.name)}"
            for i, column in enumerate(self.table.columns)
        )
        validated = _validation_sql(self.table, source_sql, dialect, carry=("_source_line",))
        try:
            self.con.execute(
                f"""
                CREATE OR REPLACE TABLE {self.staged} AS
                SELECT {typed}, {sql_str(self.source_file)} AS _source_file, _source_line,
                    {", ".join(_VERDICT_COLUMNS)}
                FROM ({validated})
                """
            )
        except duckdb.Error as error:
            # Errors from the scan itself, which stop the whole file.
            message = _first_error_line(str(error))
            if "invalid state" in message:
                # What DuckDB says, without a line number, about a stray carriage return.
                message += " (often mixed line endings: some lines end in CRLF, others in LF)"
            raise SourceFileError(f"{self.path}: cannot be read: {message}") from error

    # ---- line numbers, and malformed records (CSV)

    def number_records(self, first_line: int) -> None:
        """Number the records of the staged table from `first_line` in file order.

        DuckDB keeps insertion order (`load_table` makes sure `preserve_insertion_order`
        is on) and numbers the rows of a new table consecutively, so rowid minus the first
        rowid is a record's position among the records read. (Inside a transaction the
        rowids of new rows start at a large offset, hence the subtraction.) That makes
        its line for a CSV (whose header is line 1) or a Parquet file (whose first record
        is row 1), until `number_csv_lines` corrects it for records the reader skipped
        or that span lines.

        Not `row_number() OVER ()` in the query that reads the file: DuckDB runs it, and
        so the whole reading and validation, in one thread. Not a copy of the table with
        the numbers either: one UPDATE of one column costs a fraction of that.
        """
        first, last, count = self.con.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {self.staged}"
        ).fetchone()
        if count == 0:
            return
        if last - first + 1 != count:
            raise ReconciliationError(
                f"{self.path}: staged rows are not numbered consecutively; "
                "cannot tell their line numbers"
            )
        self.con.execute(f"UPDATE {self.staged} SET _source_line = rowid - {first} + {first_line}")

    def collect_malformed(self) -> int:
        """Gather the records DuckDB's CSV reader skipped, one row per line; return the count.

        `line` counts records, not physical lines, until `number_csv_lines` corrects it.
        """
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.malformed} AS
            SELECT
                line,
                min_by(error_type, byte_position) AS error_type,
                min_by(error_message, byte_position) AS error_message,
                min_by(csv_line, byte_position) AS csv_line
            FROM {self.csv_errors}
            GROUP BY line
            """
        )
        return scalar(self.con, f"SELECT count(*) FROM {self.malformed}")

    def check_runaway_quote(self) -> None:
        runaway_quote = scalar(
            self.con,
            f"""
            SELECT min(line) FROM {self.malformed}
            WHERE error_type = 'UNQUOTED VALUE'
              AND contains(trim(csv_line, {sql_str(_WHITESPACE)}), chr(10))
            """,
        )
        if runaway_quote is not None:
            # An opening quote that is never closed swallows every following line into one
            # "record": as a single reject that would hide all of them.
            raise SourceFileError(
                f"{self.path}: line {runaway_quote} opens a quoted value that is not closed "
                "on that line; the rest of the file cannot be read reliably"
            )

    def number_csv_lines(self, dialect: CsvDialect, layout: _ColumnLayout, malformed: int) -> None:
        """Make `_source_line` the physical line of every record, and so `line` of every
        malformed one.

        `number_records` numbered the n-th record read n + 1. That is its line unless the
        reader skipped malformed records before it, or a quoted value before it holds
        line breaks. A file with neither, almost every file, costs a scan for a quote
        character, and a count of its lines if it holds one. The others are numbered
        again from two small tables of steps, one row per skipped record and per record
        holding line breaks; only the records whose line moves are updated.

        Blank lines, which DuckDB skips without a trace, still shift later numbers.
        """
        records = scalar(self.con, f"SELECT count(*) FROM {self.staged}") + malformed
        multi_line = _count_lines(self.read_path, quoted_only=True) not in (None, records + 1)
        if malformed == 0 and not multi_line:
            return
        # Steps of records skipped: the k-th skipped record (by line) comes before the
        # kept records numbered line_k - k + 1 and later.
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.skips} AS
            SELECT line - k + 1 AS from_line, max(k) AS skipped
            FROM (SELECT line, row_number() OVER (ORDER BY line) AS k FROM {self.malformed})
            GROUP BY ALL
            """
        )
        # Steps of line breaks: each record moves down by the line breaks inside the
        # records before it, malformed ones included. Lines here count records.
        if multi_line:
            breaks = " + ".join(
                f"coalesce(strlen(c{i}) - strlen(replace(c{i}, chr(10), '')), 0)"
                for i in range(layout.field_count)
            )
            again = (f"{self.csv_errors}_again", f"{self.csv_scans}_again")
            self.con.execute(
                f"""
                CREATE TEMP TABLE {self.newlines} AS
                SELECT * FROM (
                    SELECT row_number() OVER () + 1 AS kept_line, {breaks} AS breaks
                    FROM {self._read_csv_sql(dialect, layout, again)}
                ) WHERE breaks > 0
                """
            )
        else:
            self.con.execute(f"CREATE TEMP TABLE {self.newlines} (kept_line bigint, breaks bigint)")
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.shifts} AS
            SELECT record_line, (sum(breaks) OVER (ORDER BY record_line))::bigint AS shift
            FROM (
                SELECT n.kept_line + coalesce(s.skipped, 0) AS record_line, n.breaks
                FROM {self.newlines} AS n
                ASOF LEFT JOIN {self.skips} AS s ON n.kept_line >= s.from_line
                UNION ALL
                SELECT line, strlen(csv_line) - strlen(replace(csv_line, chr(10), ''))
                FROM {self.malformed}
            )
            """
        )
        if malformed:
            self.con.execute(
                f"""
                UPDATE {self.malformed} AS m SET line = m.line + coalesce((
                    SELECT max(s.shift) FROM {self.shifts} AS s WHERE s.record_line < m.line
                ), 0)
                """
            )
        self.con.execute(
            f"""
            UPDATE {self.staged} AS t SET _source_line = n.line
            FROM (
                SELECT r.kept_line, r.record_line + coalesce(b.shift, 0) AS line
                FROM (
                    SELECT k._source_line AS kept_line,
                        k._source_line + coalesce(s.skipped, 0) AS record_line
                    FROM {self.staged} AS k
                    ASOF LEFT JOIN {self.skips} AS s ON k._source_line >= s.from_line
                ) AS r
                ASOF LEFT JOIN {self.shifts} AS b ON r.record_line > b.record_line
            ) AS n
            WHERE t._source_line = n.kept_line AND n.line <> n.kept_line
            """
        )

    # ---- parents, duplicates, mapped codes: on the valid records of the staged table

    def reject_orphans(self) -> None:
        """Reject the records whose parent is unknown.

        Only records valid so far are checked, so a record reports its own bad value
        first. The first unknown parent in contract order wins.
        """
        if not self.parents:
            return
        # The parent's key is required, so the list holds no NULL and NOT IN is plain
        # set membership, one hash join.
        unknown = [
            (k, sql_ident(column), column, parent)
            for k, (column, parent) in enumerate(self.parents.items())
        ]
        tests = ", ".join(
            f"{c}, {c} NOT IN ({p.keys_sql}) AS _unknown{k}" for k, c, _, p in unknown
        )
        reason = " ".join(f"WHEN _unknown{k} THEN {sql_str(p.reason)}" for k, _, _, p in unknown)
        column = " ".join(f"WHEN _unknown{k} THEN {sql_str(name)}" for k, _, name, _ in unknown)
        value = " ".join(f"WHEN _unknown{k} THEN {c}::varchar" for k, c, _, _ in unknown)
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.orphans} AS
            SELECT
                _source_line,
                CASE {reason} END AS _reason,
                CASE {column} END AS _reject_column,
                left(CASE {value} END, {_MAX_RAW_VALUE_CHARS}) AS _reject_value
            FROM (SELECT _source_line, {tests} FROM {self.staged} WHERE _reason IS NULL)
            WHERE {" OR ".join(f"_unknown{k}" for k, *_ in unknown)}
            """
        )
        self._judge(self.orphans)

    def judge_duplicates(self) -> None:
        """Reject every later occurrence of a key.

        The first occurrence of a key by line is kept. Only records whose values are valid
        take part, so a broken first occurrence does not cost the valid second one its
        place.
        """
        keys = [sql_ident(name) for name in self.table.key]
        key_list = ", ".join(keys)
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.dups} AS
            SELECT {key_list}, min(_source_line) AS _first_line
            FROM {self.staged}
            WHERE _reason IS NULL
            GROUP BY ALL
            HAVING count(*) > 1
            """
        )
        if scalar(self.con, f"SELECT count(*) FROM {self.dups}") == 0:
            return  # the common case: nothing joins the staged table
        on = " AND ".join(f"t.{key} = d.{key}" for key in keys)
        key_values = ", ".join(f"t.{key}::varchar" for key in keys)
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {self.dups} AS
            SELECT
                t._source_line,
                'duplicate key' AS _reason,
                {sql_str(", ".join(self.table.key))} AS _reject_column,
                left(concat_ws(', ', {key_values}), {_MAX_RAW_VALUE_CHARS}) AS _reject_value
            FROM {self.staged} AS t
            JOIN {self.dups} AS d ON {on}
            WHERE t._reason IS NULL AND t._source_line > d._first_line
            """
        )
        self._judge(self.dups)

    def _judge(self, verdicts: str) -> None:
        """Write `verdicts` (`_source_line` and the verdict columns) into the staged table."""
        if scalar(self.con, f"SELECT count(*) FROM {verdicts}") == 0:
            return
        assignments = ", ".join(f"{name} = v.{name}" for name in _VERDICT_COLUMNS)
        self.con.execute(
            f"UPDATE {self.staged} AS t SET {assignments} FROM {verdicts} AS v "
            "WHERE t._source_line = v._source_line"
        )

    def check_unmapped_values(self) -> None:
        """A coded column the mapping gives codes for must have every file value mapped.

        A value that is neither in the mapping nor a contract value is a gap in the
        mapping, not a bad row: the load fails naming the mapping line and the file.
        """
        if self.mapping is None:
            return
        problems = []
        for column, values in self.mapping.values.items():
            accepted = self.table.column(column).accepted_values
            if accepted is None:
                continue
            typed = sql_ident(column)
            rows = self.con.execute(
                f"""
                SELECT {typed}, count(*), min(_source_line)
                FROM {self.staged}
                WHERE {typed} IS NOT NULL AND NOT {_one_of_sql(typed, accepted)}
                GROUP BY ALL
                ORDER BY min(_source_line)
                LIMIT 10
                """
            ).fetchall()
            if rows:
                listed = ", ".join(
                    f"{value!r} ({count} rows, first on line {line})" for value, count, line in rows
                )
                problems.append(
                    f"{self.mapping.where(values.line)}: values.{column} does not map "
                    f"{listed} in {self.path}; add them (expected one of "
                    f"{', '.join(accepted)})"
                )
        if problems:
            raise MappingError("; ".join(problems))

    # ---- the verdict out of the staged table, and the staged table in as the raw table

    def set_rejects_aside(self, malformed: int) -> int:
        """Move the rejected records out of the staged table into a temporary table
        (line, column, value, reason), leaving the rows that load; return the records read.
        """
        records = scalar(self.con, f"SELECT count(*) FROM {self.staged}")
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.rejects} AS
            SELECT _source_line AS line, _reject_column AS column_name,
                _reject_value AS raw_value, _reason AS reason
            FROM {self.staged}
            WHERE _reason IS NOT NULL
            """
        )
        if malformed:
            self.con.execute(
                f"""
                INSERT INTO {self.rejects}
                SELECT
                    line, NULL,
                    left(trim(csv_line, {sql_str(_WHITESPACE)}), {_MAX_RAW_VALUE_CHARS}),
                    'malformed row: ' || lower(error_type) || ' (' || error_message || ')'
                FROM {self.malformed}
                """
            )
        if scalar(self.con, f"SELECT count(*) FROM {self.rejects}") > malformed:
            self.con.execute(f"DELETE FROM {self.staged} WHERE _reason IS NOT NULL")
        for name in _VERDICT_COLUMNS:
            self.con.execute(f"ALTER TABLE {self.staged} DROP COLUMN {name}")
        return records + malformed

    def publish(self) -> None:
        """The staged table becomes `raw.<table>`, with the table's rejects; runs inside
        the caller's transaction."""
        self.con.execute(f"DROP TABLE IF EXISTS {RAW_SCHEMA}.{sql_ident(self.table.name)}")
        self.con.execute(f"ALTER TABLE {self.staged} RENAME TO {sql_ident(self.table.name)}")
        self.con.execute(
            f"DELETE FROM {RAW_SCHEMA}.ingest_rejects "
            f"WHERE source_table = {sql_str(self.table.name)}"
        )
        self.con.execute(
            f"""
            INSERT INTO {RAW_SCHEMA}.ingest_rejects
            SELECT {sql_str(self.table.name)}, {sql_str(self.source_file)}, line,
                column_name, raw_value, reason
            FROM {self.rejects}
            """
        )
