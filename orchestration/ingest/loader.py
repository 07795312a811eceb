"""One load of one table, step by step, in temporary tables: read, number the lines,
judge parents and duplicates, write."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from orchestration.ingest.columns import _ColumnLayout, _layout
from orchestration.ingest.contract import SourceTable
from orchestration.ingest.csv_dialect import COMMA_DIALECT, CsvDialect
from orchestration.ingest.encoding import UTF_8, WINDOWS_1252, _transcode_windows_1252
from orchestration.ingest.errors import MappingError, ReconciliationError, SourceFileError
from orchestration.ingest.excel import ExcelSheet
from orchestration.ingest.files import _count_lines
from orchestration.ingest.mapping import TableMapping
from orchestration.ingest.schema import RAW_SCHEMA, _raw_table_ddl
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


def _first_error_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


class _Loader:
    """One load of one table; temporary tables are named after it and dropped at the end."""

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
        self.checked = f"{prefix}_checked"
        self.numbered = f"{prefix}_numbered"
        self.final = f"{prefix}_final"
        self.dups = f"{prefix}_dups"
        self.csv_errors = f"{prefix}_csv_errors"
        self.csv_scans = f"{prefix}_csv_scans"
        self.malformed = f"{prefix}_malformed"
        self.newlines = f"{prefix}_newlines"
        self.shifts = f"{prefix}_shifts"
        self.lined = f"{prefix}_lined"
        self.orphans = f"{prefix}_orphans"
        self.adopted = f"{prefix}_adopted"
        self.sheet = f"{prefix}_sheet"
        self.temp_tables = (
            self.sheet,
            self.checked,
            self.numbered,
            self.final,
            self.dups,
            self.csv_errors,
            self.csv_scans,
            self.malformed,
            self.newlines,
            self.shifts,
            self.lined,
            self.orphans,
            self.adopted,
            f"{self.csv_errors}_again",
            f"{self.csv_scans}_again",
        )

    def _value_sql(self, column: str, expression: str) -> str:
        """The file's value of contract `column` with the mapping's codes applied."""
        if self.mapping is None:
            return expression
        return self.mapping.value_sql(column, expression)

    def drop_temp_tables(self) -> None:
        for name in self.temp_tables:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")

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

    # ---- reading: each produces the table `checked`, one row per record in file order

    def read_csv(self, dialect: CsvDialect, layout: _ColumnLayout) -> None:
        """Read the CSV into `checked`; read again when the file turns out to need it.

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

        `rejects` names DuckDB's two temporary tables: the errors, and the scans.
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
        for name in (self.checked, self.csv_errors, self.csv_scans):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        values = ", ".join(
            f"{self._value_sql(name, f'c{layout.positions[name]}')} AS v{i}"
            if name in layout.positions
            else f"NULL AS v{i}"
            for i, name in enumerate(self.table.column_names)
        )
        reader = self._read_csv_sql(dialect, layout, (self.csv_errors, self.csv_scans))
        source_sql = f"SELECT {values} FROM {reader}"
        # Malformed records (too many or too few fields, an unterminated quote, a line
        # over the maximum size) do not fail the load: DuckDB's `store_rejects` skips
        # them and notes their line, and they become rejects like any invalid value.
        # Only problems that make the whole file suspect raise (see `collect_malformed`).
        self._create_checked(source_sql, dialect)

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
        source_sql = f"SELECT {', '.join(values)} FROM read_parquet({sql_str(self.source_file)})"
        # Parquet values were cast to text by DuckDB, which always writes a decimal point.
        self._create_checked(source_sql, COMMA_DIALECT)
        return layout.extra_columns

    def read_xlsx(self, sheet: ExcelSheet) -> tuple[str, ...]:
        """Read the rows of an Excel sheet (`orchestration.ingest.excel`) into `checked`.

        The cells arrive as the text of a comma-dialect CSV, so the validation is the
        CSV's; each record keeps the row number Excel shows (`_xlsx_line`).
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
        source_sql = f"SELECT _line AS _xlsx_line, {values} FROM {self.sheet}"
        self._create_checked(source_sql, COMMA_DIALECT, carry=("_xlsx_line",))
        return layout.extra_columns

    def number_xlsx_rows(self) -> str:
        """SQL for `checked` with `_line`, the Excel row number each record came from."""
        return (
            f"SELECT * EXCLUDE (_xlsx_line), rowid AS _row, _xlsx_line AS _line FROM {self.checked}"
        )

    def check_unmapped_values(self, final_sql: str) -> None:
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
            typed = f"t{self.table.column_names.index(column)}"
            rows = self.con.execute(
                f"""
                SELECT {typed}, count(*), min(_line)
                FROM ({final_sql})
                WHERE {typed} IS NOT NULL AND NOT {_one_of_sql(typed, accepted)}
                GROUP BY ALL
                ORDER BY min(_line)
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

    def _create_checked(
        self, source_sql: str, dialect: CsvDialect, carry: tuple[str, ...] = ()
    ) -> None:
        try:
            self.con.execute(
                f"CREATE TEMP TABLE {self.checked} AS "
                + _validation_sql(self.table, source_sql, dialect, carry)
            )
        except duckdb.Error as error:
            # Errors from the scan itself, which stop the whole file.
            message = _first_error_line(str(error))
            if "invalid state" in message:
                # What DuckDB says, without a line number, about a stray carriage return.
                message += " (often mixed line endings: some lines end in CRLF, others in LF)"
            raise SourceFileError(f"{self.path}: cannot be read: {message}") from error

    def collect_malformed(self) -> int:
        """Gather the records DuckDB's CSV reader skipped, one row per line; return the count."""
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

    # ---- line numbers, duplicates, and the final verdict per record

    def number_rows(self, first_line: int, malformed: int) -> str:
        """SQL for `checked` with `_line`, the line number of each record in the file.

        DuckDB keeps insertion order (`load_table` makes sure `preserve_insertion_order`
        is on) and numbers the rows of a new table consecutively, so rowid minus the first
        rowid is the record's position among the records the reader kept. (Inside a
        transaction the rowids of new rows start at a large offset, hence the subtraction;
        `_row_base` checks they are consecutive.) For a CSV the header is line 1, so the
        line is that position + 2, plus the number of malformed records the reader skipped
        before it. For Parquet it is the 1-based row number.

        `row_number() OVER ()` would give the position too, but DuckDB evaluates it in a
        single thread, which halves the load speed.

        This counts records, not physical lines: `physical_lines` corrects the numbers
        when a quoted value spans lines. `_row` is the rowid in `checked`.
        """
        offset = first_line - self._row_base()
        if malformed == 0:
            return f"SELECT *, rowid AS _row, rowid + {offset} AS _line FROM {self.checked}"
        # The k-th skipped record (by line) comes after the kept records with a rowid of
        # at least line_k - 1 - k. An ASOF join finds, for each kept record, how many
        # skipped ones precede it. Materialised once: three statements read it.
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.numbered} AS
            SELECT c.*, c.rowid AS _row, c.rowid + {offset} + coalesce(s.skipped, 0) AS _line
            FROM {self.checked} AS c
            ASOF LEFT JOIN (
                SELECT line - 1 - k AS from_row, max(k) AS skipped
                FROM (SELECT line, row_number() OVER (ORDER BY line) AS k FROM {self.malformed})
                GROUP BY ALL
            ) AS s ON c.rowid + {offset - first_line} >= s.from_row
            """
        )
        return f"SELECT * FROM {self.numbered}"

    def physical_lines(
        self, numbered_sql: str, dialect: CsvDialect, layout: _ColumnLayout, malformed: int
    ) -> str:
        """`numbered_sql` with physical line numbers, also for files with multi-line values.

        A quoted value holding line breaks makes its record span several lines, and the
        record numbers of every later record fall behind. Those files are found by
        comparing the lines of the file with the records read; only they pay for reading
        the file again to count the line breaks inside each record. The numbers of
        malformed records (`malformed`) are corrected in place.

        Blank lines, which DuckDB skips without a trace, still shift later numbers.
        """
        records = scalar(self.con, f"SELECT count(*) FROM {self.checked}") + malformed
        if _count_lines(self.read_path, quoted_only=True) in (None, records + 1):
            return numbered_sql
        breaks = " + ".join(
            f"coalesce(strlen(c{i}) - strlen(replace(c{i}, chr(10), '')), 0)"
            for i in range(layout.field_count)
        )
        again = (f"{self.csv_errors}_again", f"{self.csv_scans}_again")
        self.con.execute(
            f"CREATE TEMP TABLE {self.newlines} AS SELECT {breaks} AS breaks "
            f"FROM {self._read_csv_sql(dialect, layout, again)}"
        )
        newlines_base = self._row_base(self.newlines)
        # Each record moves down by the line breaks inside the records before it.
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.shifts} AS
            SELECT
                record_line,
                coalesce(sum(breaks) OVER (
                    ORDER BY record_line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ), 0) AS shift
            FROM (
                SELECT n._line AS record_line, w.breaks
                FROM ({numbered_sql}) AS n
                JOIN {self.newlines} AS w
                    ON n._row - {self._row_base()} = w.rowid - {newlines_base}
                UNION ALL
                SELECT line, strlen(csv_line) - strlen(replace(csv_line, chr(10), ''))
                FROM {self.malformed}
            )
            """
        )
        if malformed:
            self.con.execute(
                f"UPDATE {self.malformed} SET line = line + s.shift FROM {self.shifts} AS s "
                f"WHERE {self.malformed}.line = s.record_line"
            )
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.lined} AS
            SELECT n.* REPLACE (n._line + s.shift AS _line)
            FROM ({numbered_sql}) AS n
            JOIN {self.shifts} AS s ON n._line = s.record_line
            """
        )
        return f"SELECT * FROM {self.lined}"

    def _row_base(self, table: str | None = None) -> int:
        """The first rowid of `table` (`checked`), after checking rowids are consecutive."""
        first, last, count = self.con.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {table or self.checked}"
        ).fetchone()
        if count == 0:
            return 0
        if last - first + 1 != count:
            raise ReconciliationError(
                f"{self.path}: staged rows are not numbered consecutively; "
                "cannot tell their line numbers"
            )
        return first

    def reject_orphans(self, numbered_sql: str) -> str:
        """`numbered_sql` with the records whose parent is unknown rejected.

        Only records valid so far are checked, so a record reports its own bad value
        first. Runs after numbering because the check is a join, which would lose the
        file order of the first reading.
        """
        if not self.parents:
            return numbered_sql
        # The parent's key is required, so the list holds no NULL and NOT IN is plain
        # set membership, one hash join. The first unknown parent in contract order wins.
        unknown = [
            (k, f"t{self.table.column_names.index(column)}", column, parent)
            for k, (column, parent) in enumerate(self.parents.items())
        ]
        tests = ", ".join(
            f"{t}, {t} NOT IN ({p.keys_sql}) AS _unknown{k}" for k, t, _, p in unknown
        )
        reason = " ".join(f"WHEN _unknown{k} THEN {sql_str(p.reason)}" for k, _, _, p in unknown)
        column = " ".join(f"WHEN _unknown{k} THEN {sql_str(name)}" for k, _, name, _ in unknown)
        value = " ".join(f"WHEN _unknown{k} THEN {t}::varchar" for k, t, _, _ in unknown)
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.orphans} AS
            SELECT
                _row,
                CASE {reason} END AS _reason,
                CASE {column} END AS _reject_column,
                left(CASE {value} END, {_MAX_RAW_VALUE_CHARS}) AS _reject_value
            FROM (SELECT _row, {tests} FROM ({numbered_sql}) WHERE _reason IS NULL)
            WHERE {" OR ".join(f"_unknown{k}" for k, *_ in unknown)}
            """
        )
        if scalar(self.con, f"SELECT count(*) FROM {self.orphans}") == 0:
            return numbered_sql
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.adopted} AS
            SELECT n.* REPLACE (
                coalesce(o._reason, n._reason) AS _reason,
                coalesce(o._reject_column, n._reject_column) AS _reject_column,
                coalesce(o._reject_value, n._reject_value) AS _reject_value
            )
            FROM ({numbered_sql}) AS n
            LEFT JOIN {self.orphans} AS o ON n._row = o._row
            """
        )
        return f"SELECT * FROM {self.adopted}"

    def judge_duplicates(self, numbered_sql: str) -> str:
        """SQL for every record with its line and final verdict (`_reason`, `_duplicate`).

        The first occurrence of a key by line is kept, later ones are rejected. Only
        records whose values are valid take part, so a broken first occurrence does not
        cost the valid second one its place.
        """
        keys = [self.table.column_names.index(name) for name in self.table.key]
        key_list = ", ".join(f"t{i}" for i in keys)
        # Grouping by one 64-bit hash of the key is about twice as fast as grouping by
        # the key's texts (a table of 10.9M invoice lines, one run each: 1.9 s against
        # 3.4 s). Equal keys have equal hashes, so no repeated hash means no duplicate:
        # the common case ends here. Otherwise only the records of a repeated hash are
        # grouped by their key.
        repeated = f"""
            SELECT hash({key_list}) AS _key_hash
            FROM ({numbered_sql})
            WHERE _reason IS NULL
            GROUP BY ALL
            HAVING count(*) > 1
        """
        no_duplicates = f"SELECT *, false AS _duplicate FROM ({numbered_sql})"
        if scalar(self.con, f"SELECT count(*) FROM ({repeated})") == 0:
            # No join, and no copy of what may be tens of millions of rows.
            return no_duplicates
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.dups} AS
            SELECT {key_list}, min(_line) AS _first_line
            FROM ({numbered_sql})
            WHERE _reason IS NULL AND hash({key_list}) IN ({repeated})
            GROUP BY ALL
            HAVING count(*) > 1
            """
        )
        if scalar(self.con, f"SELECT count(*) FROM {self.dups}") == 0:  # hashes collided
            return no_duplicates
        on = " AND ".join(f"r.t{i} = d.t{i}" for i in keys)
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.final} AS
            SELECT
                r.* EXCLUDE (_reason),
                coalesce(
                    r._reason,
                    CASE WHEN r._line > d._first_line THEN 'duplicate key' END
                ) AS _reason,
                r._reason IS NULL AND coalesce(r._line > d._first_line, false) AS _duplicate
            FROM ({numbered_sql}) AS r
            LEFT JOIN {self.dups} AS d ON {on}
            """
        )
        return f"SELECT * FROM {self.final}"

    # ---- writing

    def write_raw_table(self, final_sql: str) -> None:
        self.con.execute(_raw_table_ddl(self.table))
        typed = ", ".join(f"t{i}" for i in range(len(self.table.columns)))
        self.con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{sql_ident(self.table.name)} "
            f"SELECT {typed}, {sql_str(self.source_file)}, _line FROM ({final_sql}) "
            "WHERE _reason IS NULL"
        )

    def write_rejects(self, final_sql: str) -> None:
        self.con.execute(
            f"DELETE FROM {RAW_SCHEMA}.ingest_rejects "
            f"WHERE source_table = {sql_str(self.table.name)}"
        )
        key_names = ", ".join(self.table.key)
        key_values = ", ".join(
            f"t{self.table.column_names.index(name)}::varchar" for name in self.table.key
        )
        self.con.execute(
            f"""
            INSERT INTO {RAW_SCHEMA}.ingest_rejects
            SELECT
                {sql_str(self.table.name)}, {sql_str(self.source_file)}, _line,
                CASE WHEN _duplicate THEN {sql_str(key_names)} ELSE _reject_column END,
                CASE WHEN _duplicate
                    THEN left(concat_ws(', ', {key_values}), {_MAX_RAW_VALUE_CHARS})
                    ELSE _reject_value END,
                _reason
            FROM ({final_sql})
            WHERE _reason IS NOT NULL
            """
        )

    def write_malformed_rejects(self) -> None:
        whitespace = sql_str(_WHITESPACE)
        self.con.execute(
            f"""
            INSERT INTO {RAW_SCHEMA}.ingest_rejects
            SELECT
                {sql_str(self.table.name)}, {sql_str(self.source_file)}, line, NULL,
                left(trim(csv_line, {whitespace}), {_MAX_RAW_VALUE_CHARS}),
                'malformed row: ' || lower(error_type) || ' (' || error_message || ')'
            FROM {self.malformed}
            """
        )
