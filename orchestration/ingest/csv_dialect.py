"""The header of a CSV export: its encoding, its dialect (delimiter and decimal separator),
and which of its columns are the contract's."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.columns import (
    _ColumnLayout,
    _layout,
    _normalise_name,
    expected_headers,
)
from orchestration.ingest.contract import SourceTable
from orchestration.ingest.encoding import _WINDOWS_1252_TABLE, UTF_8, WINDOWS_1252
from orchestration.ingest.errors import SourceFileError
from orchestration.ingest.mapping import TableMapping


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


# A header line longer than this is not a header of ours (or the file is binary).
_MAX_HEADER_BYTES = 1 << 20


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


# Delimiters other exports use: recognised only to say what is wrong with the file.
_FOREIGN_DELIMITERS = (("\t", "tabs"), ("|", "pipes '|'"), (":", "colons ':'"))


def _detect_csv_dialect(
    path: Path, table: SourceTable, mapping: TableMapping | None = None
) -> tuple[CsvDialect, _ColumnLayout, str]:
    """Pick the dialect whose delimiter splits the header into contract column names
    (the headers `mapping` gives them).

    Returns the dialect, where the columns are, and the encoding the header suggests.
    """
    header, encoding = _read_header_line(path)
    wanted = set(expected_headers(table, mapping))
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
    return dialect, _layout(path, table, names, mapping), encoding
