"""Ingestion with validation at the door: source files into the `raw` schema.

Every source table of the contract (`orchestration.contract`) arrives as one CSV or
Parquet file. `load_table` reads it with DuckDB, checks every value against the
contract and writes three things:

* `raw.<table>`: the rows that passed, typed by `RAW_SQL_TYPE`, in contract order, plus
  `_source_file` and `_source_line`;
* `raw.ingest_rejects`: one row per record that did not pass, with file, line, column,
  the offending value and the reason, so a user can fix the export;
* `raw.ingest_runs`: one row per table with the counts of the last load.

Nothing is dropped silently: every record read is either loaded or rejected, and the
load fails if those counts do not add up. File-level problems (missing file or column,
empty file, a delimiter other than ',' or ';', a file mixing encodings) raise
`SourceFileError` and leave the previous tables intact.

A file that is not UTF-8 is read as Windows-1252 (what older Excel and ERP exports
write), and a record that refers to a parent the parent's file did not deliver (an
invoice line of an unknown invoice) is rejected; see `load_table`.

All work on rows happens in SQL inside DuckDB (there is no Python loop over rows), so
the same code loads a demo file and an export of tens of millions of rows. The module knows
nothing about Dagster: an asset per table calls `find_source_file` and `load_table`.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import mmap
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from orchestration.contract import (
    PLAUSIBLE_YEARS,
    RAW_SQL_TYPE,
    SOURCE_TABLES_BY_NAME,
    Column,
    SourceTable,
)

RAW_SCHEMA = "raw"
FILE_FORMATS = ("csv", "parquet")

# Excel and ERP exports pad values with tabs, carriage returns and non-breaking spaces
# as well as plain spaces; all of them count as whitespace around a value.
_WHITESPACE = " \t\r\n\u00a0"
# A header line longer than this is not a header of ours (or the file is binary).
_MAX_HEADER_BYTES = 1 << 20
# Longer offending values are cut in `raw.ingest_rejects`: enough to find and fix them.
_MAX_RAW_VALUE_CHARS = 200
# No contract value (a name, an e-mail address, an id) comes near this: a longer one is a
# paste accident or a broken export, rejected rather than carried into every mart.
_MAX_VALUE_BYTES = 1 << 16
# DuckDB's CSV reader skips a record longer than its `max_line_size` (2 MB by default).
# A file holding one is read again with this limit, so a huge notes field in a column we
# ignore does not cost its row; longer records are rejected as malformed. The default
# stays on the fast path because the reader's buffers grow with the limit.
_LONG_LINE_BYTES = 1 << 26

UTF_8 = "utf-8"
WINDOWS_1252 = "windows-1252"
# Byte -> character as Windows decodes Windows-1252. Latin-1, which DuckDB reads, differs
# in 0x80-0x9F, where Windows-1252 has the euro sign, curly quotes and dashes. The five
# bytes the code page leaves undefined become the control character of that number.
_WINDOWS_1252_TABLE = "".join(
    bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(256)
)
# A well-formed UTF-8 sequence of two to four bytes: in a file that also has bytes which
# are not UTF-8, it means two encodings are mixed, which no single reading can fix.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_TRANSCODE_CHUNK_BYTES = 1 << 24
# Bytes of a file mapped at a time when counting its lines (a multiple of mmap's
# allocation granularity).
_COUNT_WINDOW_BYTES = 1 << 26

# Booleans as CRM and ERP exports write them; WAAR/ONWAAR is how Dutch Excel saves them.
_TRUE_WORDS = ("true", "1", "yes", "ja", "waar")
_FALSE_WORDS = ("false", "0", "no", "nee", "onwaar")

_INTEGER_PATTERN = r"[+-]?[0-9]+"
_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# Hours 00-23 only: DuckDB itself would read 24:00 as midnight of the next day.
_TIMESTAMP_PATTERN = (
    _DATE_PATTERN + r"([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?)?"
)


class SourceFileError(ValueError):
    """A problem with a whole source file that fails the run; the message names the file."""


class MissingColumnError(SourceFileError):
    """The header of a source file lacks one or more contract columns."""


class ReconciliationError(RuntimeError):
    """Rows read do not equal rows loaded plus rows rejected: a bug in ingestion itself."""


class ParentNotLoadedError(RuntimeError):
    """A table's rows cannot be checked against their parent: the parent is not loaded."""


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal_separator: str
    thousands_separator: str


# The two dialects we meet: international CSV, and Dutch/Flemish Excel, which writes
# semicolons because the comma is its decimal separator.
COMMA_DIALECT = CsvDialect(delimiter=",", decimal_separator=".", thousands_separator=",")
SEMICOLON_DIALECT = CsvDialect(delimiter=";", decimal_separator=",", thousands_separator=".")
_DIALECTS = (COMMA_DIALECT, SEMICOLON_DIALECT)


@dataclass(frozen=True)
class LoadResult:
    table: str
    source_file: str
    file_format: str  # 'csv' | 'parquet'
    delimiter: str | None
    decimal_separator: str | None
    encoding: str | None  # 'utf-8' | 'windows-1252' for CSV; None for Parquet
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    extra_columns: tuple[str, ...]
    loaded_at: datetime
    # Keyed by the kind of reason (`unknown value`, not `unknown value 'x' (...)`), so
    # a column full of different bad values does not blow up the dictionary.
    rejects_by_reason: dict[str, int]


@dataclass(frozen=True)
class _ColumnLayout:
    """Where each contract column sits in the file, and what else the file holds."""

    positions: dict[str, int]  # contract column -> 0-based field position in the file
    field_count: int
    extra_columns: tuple[str, ...]


# --------------------------------------------------------------------------- files


def find_source_file(source_dir: Path, table: SourceTable) -> Path:
    """The CSV or Parquet file of `table` under `source_dir`, e.g. `crm/relations.csv`.

    The extension is matched case-insensitively (Windows exports `.CSV`); more than
    one candidate is an error rather than a guess.
    """
    folder = Path(source_dir) / table.system
    expected = " or ".join(f"{table.relative_path}.{fmt}" for fmt in FILE_FORMATS)
    candidates = []
    if folder.is_dir():
        candidates = sorted(
            path
            for path in folder.iterdir()
            if path.is_file()
            and path.stem == table.entity
            and path.suffix.lower().lstrip(".") in FILE_FORMATS
        )
    if not candidates:
        raise SourceFileError(
            f"{table.name}: source file not found: expected {expected} under {source_dir}"
        )
    if len(candidates) > 1:
        found = ", ".join(str(path.relative_to(source_dir)) for path in candidates)
        raise SourceFileError(
            f"{table.name}: more than one source file under {source_dir} ({found}); "
            f"keep exactly one of {expected}"
        )
    return candidates[0]


def _file_format(path: Path) -> str:
    file_format = path.suffix.lower().lstrip(".")
    if file_format not in FILE_FORMATS:
        raise SourceFileError(f"{path}: unsupported file type; expected .csv or .parquet")
    return file_format


def _read_header_line(path: Path) -> tuple[str, str]:
    """The first line of a CSV file as text, without BOM and line ending, and its encoding.

    A header that is not UTF-8 makes the whole file Windows-1252; otherwise the file is
    taken for UTF-8 until the reader finds a line that is not.
    """
    with path.open("rb") as file:
        head = file.read(_MAX_HEADER_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceFileError(
            f"{path}: the file is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8'"
        )
    end = head.find(b"\n")
    if end < 0 and len(head) == _MAX_HEADER_BYTES:
        raise SourceFileError(f"{path}: no header line found in the first 1 MB")
    line = head if end < 0 else head[:end]
    try:
        # utf-8-sig drops the BOM Excel writes, so the first column name still matches.
        text, encoding = line.decode("utf-8-sig"), UTF_8
    except UnicodeDecodeError:
        text, encoding = codecs.charmap_decode(line, "strict", _WINDOWS_1252_TABLE)[0], WINDOWS_1252
    text = text.rstrip("\r")
    if not text.strip():
        raise SourceFileError(f"{path}: the header line is empty")
    return text, encoding


def _normalise_name(name: str) -> str:
    return name.strip().lower()


def _layout(path: Path, table: SourceTable, names: list[str]) -> _ColumnLayout:
    """Map contract columns to file columns by name, case- and whitespace-insensitively."""
    positions: dict[str, int] = {}
    extras: list[str] = []
    wanted = set(table.column_names)
    for position, name in enumerate(names):
        normalised = _normalise_name(name)
        if normalised in wanted:
            if normalised in positions:
                raise SourceFileError(
                    f"{path}: column {normalised!r} appears more than once in the header"
                )
            positions[normalised] = position
        else:
            extras.append(name.strip() or f"(unnamed column {position + 1})")
    missing = [name for name in table.column_names if name not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        listed = ", ".join(repr(name) for name in missing)
        found = ", ".join(name.strip() for name in names)
        message = f"{path}: missing required column{plural} {listed} (found: {found})"
        # A renamed column is the usual cause: point at the extra column it probably is.
        by_normalised = {_normalise_name(extra): extra for extra in extras}
        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, list(by_normalised), n=1, cutoff=0.5)
            if close:
                hints.append(f"is {by_normalised[close[0]]!r} the column {name!r} renamed?")
        raise MissingColumnError(message + "".join(f"; {hint}" for hint in hints))
    return _ColumnLayout(positions, len(names), tuple(extras))


# Delimiters other exports use: recognised only to say what is wrong with the file.
_FOREIGN_DELIMITERS = (("\t", "tabs"), ("|", "pipes '|'"), (":", "colons ':'"))


def _detect_csv_dialect(path: Path, table: SourceTable) -> tuple[CsvDialect, _ColumnLayout, str]:
    """Pick the dialect whose delimiter splits the header into contract column names.

    Returns the dialect, where the columns are, and the encoding the header suggests.
    """
    header, encoding = _read_header_line(path)
    wanted = set(table.column_names)
    best: tuple[int, CsvDialect, list[str]] | None = None
    for dialect in _DIALECTS:
        names = next(csv.reader([header], delimiter=dialect.delimiter, quotechar='"'))
        matched = len(wanted & {_normalise_name(name) for name in names})
        # On a tie the comma dialect, listed first, wins.
        if best is None or matched > best[0]:
            best = (matched, dialect, names)
    assert best is not None
    matched, dialect, names = best
    if matched == 0:
        for delimiter, what in _FOREIGN_DELIMITERS:
            split = next(csv.reader([header], delimiter=delimiter, quotechar='"'))
            if wanted & {_normalise_name(name) for name in split}:
                raise SourceFileError(
                    f"{path}: wrong delimiter: the header separates its columns with {what}; "
                    "expected ',' (with a decimal point) or ';' (with a decimal comma): "
                    "export the file as comma- or semicolon-separated CSV"
                )
        raise SourceFileError(
            f"{path}: unreadable header: no contract column of {table.name} found with "
            f"',' or ';' as delimiter (header: {header[:200]!r})"
        )
    return dialect, _layout(path, table, names), encoding


# --------------------------------------------------------------------------- SQL helpers


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_literal(value: str | int | datetime | None) -> str:
    """`value` as a SQL literal: text, a whole number, a naive timestamp or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"TIMESTAMP {_sql_str(value.isoformat(sep=' '))}"
    if isinstance(value, int):
        return str(int(value))
    return _sql_str(value)


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_number(value: float) -> str:
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def _regex_ok(value: str, pattern: str) -> str:
    return f"regexp_full_match({value}, {_sql_str(pattern)})"


def _one_of_sql(value: str, options: tuple[str, ...]) -> str:
    """SQL: `value` equals one of `options`.

    Not `value IN (...)`: DuckDB rewrites a list of constants into a join, and a join in
    the query that reads the file loses the file order the line numbers rely on.
    """
    return "(" + " OR ".join(f"{value} = {_sql_str(option)}" for option in options) + ")"


def _decimal_forms(value: str, dialect: CsvDialect) -> list[tuple[str, str]]:
    """The accepted forms of a decimal in `dialect`: (format check, text DuckDB can cast).

    Plain digits (`-1234.5`, or `-1234,5` in the decimal-comma dialect), or digits grouped
    by thousands separators as Excel formats amounts (`1,234.5`, `1.234,5`). Plain comes
    first: it is what almost every value looks like, and its check and cast are cheaper.
    """
    dec = _sql_str(dialect.decimal_separator)
    thousands = _sql_str(dialect.thousands_separator)
    fraction = rf"(\{dialect.decimal_separator}[0-9]+)?"
    plain = rf"[+-]?[0-9]+{fraction}"
    grouped = rf"[+-]?[0-9]{{1,3}}(\{dialect.thousands_separator}[0-9]{{3}})+{fraction}"
    ungrouped = f"replace({value}, {thousands}, '')"
    if dialect.decimal_separator == ".":
        return [(_regex_ok(value, plain), value), (_regex_ok(value, grouped), ungrouped)]
    return [
        (_regex_ok(value, plain), f"replace({value}, {dec}, '.')"),
        (_regex_ok(value, grouped), f"replace({ungrouped}, {dec}, '.')"),
    ]


def _typed_sql(column: Column, value: str, dialect: CsvDialect) -> str:
    """SQL turning the cleaned text `value` into the raw type; NULL when it does not parse.

    Each cast sits behind a strict format check, because DuckDB's own casts are lenient
    (they accept `2026-1-5`, a decimal point in a decimal-comma file, and so on).
    """
    kind = column.type
    if kind in ("id", "text"):
        return value
    if kind == "integer":
        return (
            f"CASE WHEN {_regex_ok(value, _INTEGER_PATTERN)} THEN try_cast({value} AS bigint) END"
        )
    if kind == "decimal":
        decimal_type = RAW_SQL_TYPE["decimal"]
        branches = " ".join(
            f"WHEN {format_ok} THEN try_cast({text} AS {decimal_type})"
            for format_ok, text in _decimal_forms(value, dialect)
        )
        return f"CASE {branches} END"
    if kind == "boolean":
        lowered = f"lower({value})"
        return (
            f"CASE WHEN {_one_of_sql(lowered, _TRUE_WORDS)} THEN true "
            f"WHEN {_one_of_sql(lowered, _FALSE_WORDS)} THEN false END"
        )
    if kind == "date":
        return f"CASE WHEN {_regex_ok(value, _DATE_PATTERN)} THEN try_cast({value} AS date) END"
    if kind == "timestamp":
        return (
            f"CASE WHEN {_regex_ok(value, _TIMESTAMP_PATTERN)} "
            f"THEN try_cast({value} AS timestamp) END"
        )
    raise ValueError(f"unknown contract type {kind!r} of column {column.name}")


def _reason_sql(column: Column, value: str, typed: str, dialect: CsvDialect) -> str:
    """SQL giving the reason `value` is rejected, or NULL when it is fine."""
    kind = column.type
    when_missing = "NULL" if column.nullable else "'missing value'"
    branches = [f"WHEN {value} IS NULL THEN {when_missing}"]
    if kind in ("id", "text"):
        # strlen counts bytes without scanning the string: free for every normal value.
        branches.append(
            f"WHEN strlen({value}) > {_MAX_VALUE_BYTES} THEN 'value too long: ' || "
            f"strlen({value}) || ' bytes, at most {_MAX_VALUE_BYTES}'"
        )

    # The value is present but did not parse: tell a format error from an overflow.
    if kind == "integer":
        too_big = _regex_ok(value, _INTEGER_PATTERN)
        branches.append(
            f"WHEN {typed} IS NULL THEN "
            f"CASE WHEN {too_big} THEN 'out of range' ELSE 'not an integer' END"
        )
    elif kind == "decimal":
        too_big = " OR ".join(format_ok for format_ok, _ in _decimal_forms(value, dialect))
        branches.append(
            f"WHEN {typed} IS NULL THEN "
            f"CASE WHEN {too_big} THEN 'out of range' ELSE 'not a number' END"
        )
    elif kind == "boolean":
        branches.append(f"WHEN {typed} IS NULL THEN 'not a boolean'")
    elif kind == "date":
        branches.append(f"WHEN {typed} IS NULL THEN 'not an ISO date (YYYY-MM-DD)'")
    elif kind == "timestamp":
        branches.append(f"WHEN {typed} IS NULL THEN 'not an ISO timestamp'")

    if kind in ("date", "timestamp"):
        # Future dates are fine (invoices are dated ahead); year 0001 or 9999 is a typo.
        first_year, last_year = PLAUSIBLE_YEARS
        branches.append(
            f"WHEN year({typed}) NOT BETWEEN {first_year} AND {last_year} THEN 'implausible date'"
        )
    if column.accepted_values is not None:
        expected = _sql_str(f"' (expected one of {', '.join(column.accepted_values)})")
        branches.append(
            f"WHEN NOT {_one_of_sql(value, column.accepted_values)} THEN "
            f"'unknown value ''' || left({value}, {_MAX_RAW_VALUE_CHARS}) || {expected}"
        )
    if column.min_value is not None:
        branches.append(f"WHEN {typed} < {_sql_number(column.min_value)} THEN 'out of range'")
    if column.max_value is not None:
        branches.append(f"WHEN {typed} > {_sql_number(column.max_value)} THEN 'out of range'")
    return "CASE " + " ".join(branches) + " END"


def _cleaned_sql(value: str) -> str:
    """SQL for `value` without surrounding whitespace, NULL when nothing is left."""
    # DuckDB's trim with a character list is about four times slower than a check of
    # the first and last character, and almost no value needs trimming. The last
    # character is checked with `ends_with`, a byte comparison: `right(v, 1)` counts the
    # characters of the whole value and cost as much as the rest of the validation. A
    # value starting with another control character takes the trim branch for nothing.
    # The first character is checked by its code point (`ord`, computed once for all
    # comparisons): cheaper than a `starts_with` per whitespace character above 32.
    first = [f"ord({value}) <= 32"] + [
        f"ord({value}) = {ord(char)}" for char in _WHITESPACE if ord(char) > 32
    ]
    last = [f"ends_with({value}, {_sql_str(char)})" for char in _WHITESPACE]
    return (
        f"CASE WHEN {' OR '.join(first + last)} "
        f"THEN nullif(trim({value}, {_sql_str(_WHITESPACE)}), '') ELSE nullif({value}, '') END"
    )


@dataclass(frozen=True)
class _Parent:
    """The parent a column must refer to: its loaded keys, and the reason when it does not."""

    keys_sql: str
    reason: str


def _parents(con: duckdb.DuckDBPyConnection, table: SourceTable) -> dict[str, _Parent]:
    """The parent of each parent column of `table`, as loaded in raw; raise if not loaded."""
    parents = {}
    for column, parent_name, parent_column in table.parent_references:
        parent = SOURCE_TABLES_BY_NAME[parent_name]
        loaded = _scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
            f"current_database() AND table_schema = {_sql_str(RAW_SCHEMA)} "
            f"AND table_name = {_sql_str(parent_name)}",
        )
        if not loaded:
            raise ParentNotLoadedError(
                f"{table.name}: cannot check {column} against {parent.relative_path}: "
                f"{RAW_SCHEMA}.{parent_name} is not loaded; load {parent.relative_path} first"
            )
        parents[column] = _Parent(
            keys_sql=f"SELECT {_sql_ident(parent_column)} FROM {RAW_SCHEMA}."
            f"{_sql_ident(parent_name)} WHERE {_sql_ident(parent_column)} IS NOT NULL",
            reason=f"unknown {column}: not in {parent.relative_path}",
        )
    return parents


def _validation_sql(table: SourceTable, source_sql: str, dialect: CsvDialect) -> str:
    """SELECT over `source_sql` (text columns v0..vn in contract order) that types and checks.

    Output: typed columns t0..tn, `_reason` (NULL when the row is valid), `_reject_column`
    (the first failing column in contract order) and `_reject_value` (its raw text).
    Built in layers so each cleaned and typed value is computed once per row. Nothing in
    it may join (see `_one_of_sql`): line numbers come from the order rows are stored in.
    """
    indexes = range(len(table.columns))
    cleaned = ", ".join(f"v{i}, {_cleaned_sql(f'v{i}')} AS n{i}" for i in indexes)
    typed = ", ".join(
        f"v{i}, n{i}, {_typed_sql(column, f'n{i}', dialect)} AS t{i}"
        for i, column in enumerate(table.columns)
    )
    reasons = ", ".join(
        f"v{i}, t{i}, {_reason_sql(column, f'n{i}', f't{i}', dialect)} AS r{i}"
        for i, column in enumerate(table.columns)
    )
    first_column = " ".join(
        f"WHEN r{i} IS NOT NULL THEN {_sql_str(column.name)}"
        for i, column in enumerate(table.columns)
    )
    first_value = " ".join(f"WHEN r{i} IS NOT NULL THEN v{i}" for i in indexes)
    return f"""
        SELECT
            {", ".join(f"t{i}" for i in indexes)},
            coalesce({", ".join(f"r{i}" for i in indexes)}) AS _reason,
            CASE {first_column} END AS _reject_column,
            left(CASE {first_value} END, {_MAX_RAW_VALUE_CHARS}) AS _reject_value
        FROM (SELECT {reasons}
            FROM (SELECT {typed}
                FROM (SELECT {cleaned}
                    FROM ({source_sql}))))
    """


def _parquet_value_as_text(name: str, parquet_type: str, column: Column) -> str:
    """A Parquet value as the text a CSV export would hold, for the shared validation.

    A plain cast to varchar is right for most types; these adjustments keep typed
    Parquet files (as pandas writes them) from being rejected for their encoding.
    """
    value = _sql_ident(name)
    upper = parquet_type.upper()
    if upper in ("FLOAT", "DOUBLE", "REAL"):
        # pandas stores integer columns with gaps as float64 (5.0) and DuckDB prints
        # small floats in scientific notation (1e-05): render them as plain decimals.
        return (
            f"CASE WHEN NOT isfinite({value}) OR abs({value}) >= 1e27 THEN {value}::varchar "
            f"WHEN {value} = trunc({value}) THEN {value}::decimal(38, 0)::varchar "
            f"ELSE {value}::decimal(38, 10)::varchar END"
        )
    if upper.startswith("TIMESTAMP WITH TIME ZONE"):
        # The raw layer has no time zones: store the local wall-clock time of the
        # Netherlands and Belgium, so a midnight stays on its own date.
        value = f"timezone('Europe/Amsterdam', {value})"
        upper = "TIMESTAMP"
    if upper.startswith("TIMESTAMP") and column.type == "date":
        # pandas writes dates as timestamps at midnight.
        return (
            f"CASE WHEN {value} = date_trunc('day', {value}) "
            f"THEN {value}::date::varchar ELSE {value}::varchar END"
        )
    return f"{value}::varchar"


# --------------------------------------------------------------------------- schema


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `raw` schema and the two bookkeeping tables if they do not exist."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.ingest_rejects (
            source_table varchar NOT NULL,
            source_file varchar NOT NULL,
            line_number bigint,
            column_name varchar,
            raw_value varchar,
            reason varchar NOT NULL
        )
        """
    )
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.ingest_runs (
            source_table varchar NOT NULL,
            source_file varchar NOT NULL,
            file_format varchar NOT NULL,
            delimiter varchar,
            decimal_separator varchar,
            rows_read bigint NOT NULL,
            rows_loaded bigint NOT NULL,
            rows_rejected bigint NOT NULL,
            extra_columns varchar,
            loaded_at timestamp NOT NULL,
            encoding varchar
        )
        """
    )
    # Warehouses built before the encoding was recorded keep their history of runs.
    con.execute(f"ALTER TABLE {RAW_SCHEMA}.ingest_runs ADD COLUMN IF NOT EXISTS encoding varchar")


def _raw_table_ddl(table: SourceTable) -> str:
    columns = ",\n".join(
        f"    {_sql_ident(column.name)} {RAW_SQL_TYPE[column.type]}" for column in table.columns
    )
    return (
        f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{_sql_ident(table.name)} (\n{columns},\n"
        "    _source_file varchar,\n    _source_line bigint\n)"
    )


# --------------------------------------------------------------------------- loading


def _count_lines(path: Path, *, quoted_only: bool = False) -> int | None:
    """The number of lines of `path`, the last one with or without a line break.

    With `quoted_only`, None for a file without any quote character, where no value can
    span lines (a memchr-fast scan), so most files need no count.
    """
    if path.stat().st_size == 0:
        return 0
    if quoted_only and not any(window.find(b'"') >= 0 for window in _mapped_windows(path)):
        return None
    breaks = 0
    for window in _mapped_windows(path):
        view = np.frombuffer(window, dtype=np.uint8)
        breaks += int(np.count_nonzero(view == 10))
        ends_open = view[-1] != 10
        del view  # the window cannot close while numpy still points into it
    return breaks + int(ends_open)


def _mapped_windows(path: Path) -> Iterator[mmap.mmap]:
    """`path` as consecutive memory-mapped windows, each unmapped before the next.

    Not the whole file at once: mapped pages count as the process's resident memory,
    and a 6 GB export would add 6 GB to the peak memory of a refresh.
    """
    size = path.stat().st_size
    with path.open("rb") as file:
        for offset in range(0, size, _COUNT_WINDOW_BYTES):
            length = min(_COUNT_WINDOW_BYTES, size - offset)
            with mmap.mmap(file.fileno(), length, offset=offset, access=mmap.ACCESS_READ) as window:
                yield window


def _transcode_windows_1252(source: Path, target: Path) -> int | None:
    """Copy `source`, read as Windows-1252, to `target` as UTF-8, in chunks.

    Returns None, or the first line of `source` that holds a well-formed multi-byte
    UTF-8 sequence, where it stops: a file with such a line besides bytes that are not
    UTF-8 mixes two encodings. (A sequence split across two chunks goes unnoticed.)
    """
    lines_before = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(_TRANSCODE_CHUNK_BYTES):
            if match := _UTF8_MULTIBYTE.search(chunk):
                return lines_before + chunk.count(b"\n", 0, match.start()) + 1
            lines_before += chunk.count(b"\n")
            text, _ = codecs.charmap_decode(chunk, "strict", _WINDOWS_1252_TABLE)
            writer.write(text.encode("utf-8"))
    return None


def _scalar(con: duckdb.DuckDBPyConnection, sql: str):
    # Values go into the SQL as literals (`_sql_str`), never as parameters: the first
    # parameter a process binds makes DuckDB's Python client import pandas and pyarrow,
    # seconds that each ingestion process would pay for nothing.
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]


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
    ):
        self.con = con
        self.table = table
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
        self.temp_tables = (
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
        return _scalar(
            self.con,
            f"SELECT count(*) FROM {self.csv_errors} WHERE error_type = {_sql_str(error_type)}",
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
                {_sql_str(str(self.read_path))},
                header = false, skip = 1, columns = {{{columns}}},
                delim = {_sql_str(dialect.delimiter)}, quote = '"', escape = '"',
                auto_detect = false, strict_mode = true, null_padding = false,
                encoding = 'utf-8', {line_size}
                store_rejects = true,
                rejects_table = {_sql_str(rejects[0])},
                rejects_scan = {_sql_str(rejects[1])}
            )
        """

    def _scan_csv(self, dialect: CsvDialect, layout: _ColumnLayout) -> None:
        for name in (self.checked, self.csv_errors, self.csv_scans):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        values = ", ".join(
            f"c{layout.positions[name]} AS v{i}" for i, name in enumerate(self.table.column_names)
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
                f"DESCRIBE SELECT * FROM read_parquet({_sql_str(self.source_file)})"
            ).fetchall()
        except duckdb.Error as error:
            raise SourceFileError(
                f"{self.path}: cannot be read as Parquet: {_first_error_line(str(error))}"
            ) from error
        names = [row[0] for row in described]
        types = [row[1] for row in described]
        layout = _layout(self.path, self.table, names)
        values = []
        for i, column in enumerate(self.table.columns):
            position = layout.positions[column.name]
            as_text = _parquet_value_as_text(names[position], types[position], column)
            values.append(f"{as_text} AS v{i}")
        source_sql = f"SELECT {', '.join(values)} FROM read_parquet({_sql_str(self.source_file)})"
        # Parquet values were cast to text by DuckDB, which always writes a decimal point.
        self._create_checked(source_sql, COMMA_DIALECT)
        return layout.extra_columns

    def _create_checked(self, source_sql: str, dialect: CsvDialect) -> None:
        try:
            self.con.execute(
                f"CREATE TEMP TABLE {self.checked} AS "
                + _validation_sql(self.table, source_sql, dialect)
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
        return _scalar(self.con, f"SELECT count(*) FROM {self.malformed}")

    def check_runaway_quote(self) -> None:
        runaway_quote = _scalar(
            self.con,
            f"""
            SELECT min(line) FROM {self.malformed}
            WHERE error_type = 'UNQUOTED VALUE'
              AND contains(trim(csv_line, {_sql_str(_WHITESPACE)}), chr(10))
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
        records = _scalar(self.con, f"SELECT count(*) FROM {self.checked}") + malformed
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
        reason = " ".join(f"WHEN _unknown{k} THEN {_sql_str(p.reason)}" for k, _, _, p in unknown)
        column = " ".join(f"WHEN _unknown{k} THEN {_sql_str(name)}" for k, _, name, _ in unknown)
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
        if _scalar(self.con, f"SELECT count(*) FROM {self.orphans}") == 0:
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
        self.con.execute(
            f"""
            CREATE TEMP TABLE {self.dups} AS
            SELECT {key_list}, min(_line) AS _first_line
            FROM ({numbered_sql})
            WHERE _reason IS NULL
            GROUP BY ALL
            HAVING count(*) > 1
            """
        )
        if _scalar(self.con, f"SELECT count(*) FROM {self.dups}") == 0:
            # The common case: no join, and no copy of what may be tens of millions of rows.
            return f"SELECT *, false AS _duplicate FROM ({numbered_sql})"
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
            f"INSERT INTO {RAW_SCHEMA}.{_sql_ident(self.table.name)} "
            f"SELECT {typed}, {_sql_str(self.source_file)}, _line FROM ({final_sql}) "
            "WHERE _reason IS NULL"
        )

    def write_rejects(self, final_sql: str) -> None:
        self.con.execute(
            f"DELETE FROM {RAW_SCHEMA}.ingest_rejects "
            f"WHERE source_table = {_sql_str(self.table.name)}"
        )
        key_names = ", ".join(self.table.key)
        key_values = ", ".join(
            f"t{self.table.column_names.index(name)}::varchar" for name in self.table.key
        )
        self.con.execute(
            f"""
            INSERT INTO {RAW_SCHEMA}.ingest_rejects
            SELECT
                {_sql_str(self.table.name)}, {_sql_str(self.source_file)}, _line,
                CASE WHEN _duplicate THEN {_sql_str(key_names)} ELSE _reject_column END,
                CASE WHEN _duplicate
                    THEN left(concat_ws(', ', {key_values}), {_MAX_RAW_VALUE_CHARS})
                    ELSE _reject_value END,
                _reason
            FROM ({final_sql})
            WHERE _reason IS NOT NULL
            """
        )

    def write_malformed_rejects(self) -> None:
        whitespace = _sql_str(_WHITESPACE)
        self.con.execute(
            f"""
            INSERT INTO {RAW_SCHEMA}.ingest_rejects
            SELECT
                {_sql_str(self.table.name)}, {_sql_str(self.source_file)}, line, NULL,
                left(trim(csv_line, {whitespace}), {_MAX_RAW_VALUE_CHARS}),
                'malformed row: ' || lower(error_type) || ' (' || error_message || ')'
            FROM {self.malformed}
            """
        )


def load_table(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    path: Path,
    loaded_at: datetime | None = None,
    *,
    check_parents: bool = True,
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
    if file_format == "csv":
        # Header problems are found before any transaction starts.
        dialect, layout, encoding = _detect_csv_dialect(path, table)
    parents = _parents(con, table) if check_parents else {}

    loader = _Loader(con, table, path, parents)
    # Line numbers and "first occurrence wins" rely on rows keeping file order.
    keep_order = _scalar(con, "SELECT current_setting('preserve_insertion_order')")
    con.execute("SET preserve_insertion_order = true")
    try:
        if encoding == WINDOWS_1252:
            loader.use_windows_1252()
        # Reading and checking fill temporary tables only, outside the transaction: DuckDB
        # scans a table created in the running transaction about half as fast (measured:
        # the INSERT of 10.9M invoice lines 10.7 s inside, 5-6 s outside).
        checked = _check(loader, dialect, layout)
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


def _check(loader: _Loader, dialect: CsvDialect | None, layout: _ColumnLayout | None) -> _Checked:
    """Read and check one table into temporary tables; writes nothing else."""
    loader.drop_temp_tables()
    malformed = 0
    if dialect is not None and layout is not None:
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
    return _Checked(final_sql, malformed, extra_columns)


def _write(loader: _Loader, checked: _Checked) -> _Counts:
    """Write the raw table and the rejects; runs inside the caller's transaction."""
    con, table, malformed = loader.con, loader.table, checked.malformed
    ensure_raw_schema(con)
    loader.write_raw_table(checked.final_sql)
    loader.write_rejects(checked.final_sql)
    if malformed:
        loader.write_malformed_rejects()

    rows_read = _scalar(con, f"SELECT count(*) FROM {loader.checked}") + malformed
    rows_loaded = _scalar(con, f"SELECT count(*) FROM {RAW_SCHEMA}.{_sql_ident(table.name)}")
    this_table = f"source_table = {_sql_str(table.name)}"
    rows_rejected = _scalar(
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
    # ingest_runs.loaded_at is a plain timestamp: store aware datetimes as UTC.
    if loaded_at.tzinfo is not None:
        loaded_at = loaded_at.astimezone(UTC).replace(tzinfo=None)
    values = [
        table.name,
        loader.source_file,
        file_format,
        dialect.delimiter if dialect else None,
        dialect.decimal_separator if dialect else None,
        counts.rows_read,
        counts.rows_loaded,
        counts.rows_rejected,
        ",".join(counts.extra_columns),
        loaded_at,
        loader.encoding if dialect else None,
    ]
    con.execute(f"DELETE FROM {RAW_SCHEMA}.ingest_runs WHERE source_table = {_sql_str(table.name)}")
    con.execute(
        f"""
        INSERT INTO {RAW_SCHEMA}.ingest_runs (
            source_table, source_file, file_format, delimiter, decimal_separator, rows_read,
            rows_loaded, rows_rejected, extra_columns, loaded_at, encoding
        ) VALUES ({", ".join(_sql_literal(value) for value in values)})
        """
    )
