"""An `.xlsx` export as rows of text, the form the CSV reader gives validation.

The sheet is read with python-calamine (no Excel needed). Its header is the row, among
the first twenty that hold anything, with the most contract column names (a title above
it is skipped); every later non-empty row is a record, numbered as Excel shows it (row 1
is the top of the sheet, blank rows included). Each cell becomes the text a CSV export in
the comma dialect would hold, so one validation serves both formats:

* a date cell -> `2026-01-05`, a date-time cell -> `2026-01-05 13:30:00`;
* a number cell -> plain digits with a decimal point, never scientific notation, and
  without `.0` when whole (a KvK number typed as a number, 30123456.0, -> `30123456`);
* a boolean cell -> `true` / `false`; a text cell as it is (a date typed as text must be
  ISO `YYYY-MM-DD`, as in a CSV); an empty cell -> NULL.

The rows go to DuckDB as an Arrow table of text columns `c0..cn` plus `_line`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import python_calamine

from orchestration.ingest.errors import MappingError, SourceFileError

# Rows converted before they are handed to Arrow as one batch (bounds Python memory).
_BATCH_ROWS = 100_000


@dataclass(frozen=True)
class ExcelSheet:
    path: Path
    sheet: str
    header: list[str]
    header_row: int  # as Excel numbers rows (1-based)
    table: pa.Table  # _line (int64), c0..cn (string)
    date_cells: int  # cells that were Excel dates or date-times
    rows: int


def cell_text(value: object) -> str | None:
    """One calamine cell value as the text a CSV export would hold (None when empty)."""
    if isinstance(value, str):
        return value if value != "" else None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def _open(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for a file that is no xlsx
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SourceFileError(
            f"{path}: cannot be read as an Excel workbook (.xlsx): {first}"
        ) from error


# The header is looked for among the first rows that hold anything: a title or an export
# date above the header is common in workbooks.
_HEADER_SEARCH_ROWS = 20


def read_sheet(
    path: Path,
    sheet: str | None = None,
    *,
    wanted: set[str] | frozenset[str] = frozenset(),
    sheet_where: str | None = None,
) -> ExcelSheet:
    """The records of `sheet` (the first sheet when None) as text columns.

    The header is the row, among the first non-empty ones, holding the most of the
    `wanted` column names (lower case, trimmed); the first non-empty row when none
    holds any. Rows above it (a title) are ignored. `sheet_where` names the mapping line
    that chose the sheet, for the error when the workbook has no sheet of that name.
    """
    workbook = _open(path)
    names = list(workbook.sheet_names)
    if not names:
        raise SourceFileError(f"{path}: the workbook has no sheets")
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise MappingError(
            f"{sheet_where or path}: sheet {sheet!r} not in {path} (its sheets: {', '.join(names)})"
        )
    reader = _SheetReader()
    try:
        candidates: list[tuple[int, list]] = []
        for index, row in enumerate(workbook.get_sheet_by_name(sheet).iter_rows(), start=1):
            if reader.header is not None:
                reader.add(index, row)
                continue
            if not any(cell_text(value) is not None for value in row):
                continue
            candidates.append((index, row))
            if len(candidates) == _HEADER_SEARCH_ROWS:
                reader.start(candidates, wanted)
        if reader.header is None and candidates:
            reader.start(candidates, wanted)
    except SourceFileError:
        raise
    except Exception as error:
        raise SourceFileError(f"{path}: sheet {sheet!r} cannot be read: {error}") from error
    if reader.header is None:
        raise SourceFileError(f"{path}: sheet {sheet!r} is empty; expected at least a header")
    table = pa.Table.from_batches([*reader.batches, reader.batch()])
    return ExcelSheet(
        path, sheet, reader.header, reader.header_row, table, reader.date_cells, reader.rows
    )


class _SheetReader:
    """The rows of a sheet gathered into Arrow batches once the header is known."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.header_row = 0
        self.width = 0
        self.lines: list[int] = []
        self.columns: list[list[str | None]] = []
        self.batches: list[pa.RecordBatch] = []
        self.date_cells = 0
        self.rows = 0

    def start(self, candidates: list[tuple[int, list]], wanted: set[str] | frozenset[str]) -> None:
        def matches(row: list) -> int:
            return sum((text or "").strip().lower() in wanted for text in map(cell_text, row))

        best = max(range(len(candidates)), key=lambda k: (matches(candidates[k][1]), -k))
        index, row = candidates[best]
        texts = [cell_text(value) for value in row]
        # The header ends at its last named cell; an unnamed cell in between stays, as
        # an unnamed (ignored) column.
        while texts and (texts[-1] is None or not texts[-1].strip()):
            texts.pop()
        self.header = [text or "" for text in texts]
        self.header_row, self.width = index, len(self.header)
        self.columns = [[] for _ in range(self.width)]
        for later_index, later_row in candidates[best + 1 :]:
            self.add(later_index, later_row)

    def add(self, index: int, row: list) -> None:
        values = row[: self.width]
        texts = [cell_text(value) for value in values]
        if all(text is None for text in texts):
            return  # a blank row: Excel users leave them, they hold no record
        self.date_cells += sum(isinstance(value, dt.date) for value in values)
        texts += [None] * (self.width - len(texts))
        self.lines.append(index)
        for column, text in zip(self.columns, texts, strict=True):
            column.append(text)
        self.rows += 1
        if len(self.lines) >= _BATCH_ROWS:
            self.batches.append(self.batch())
            self.lines, self.columns = [], [[] for _ in range(self.width)]

    def batch(self) -> pa.RecordBatch:
        return _batch(self.lines, self.columns)


def _batch(lines: list[int], columns: list[list[str | None]]) -> pa.RecordBatch:
    arrays = [pa.array(lines, type=pa.int64())]
    arrays += [pa.array(column, type=pa.string()) for column in columns]
    names = ["_line", *(f"c{i}" for i in range(len(columns)))]
    return pa.RecordBatch.from_arrays(arrays, names=names)
