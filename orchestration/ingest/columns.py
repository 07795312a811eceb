"""Where each contract column sits in a file: its header names mapped to the contract's,
case- and whitespace-insensitively. Shared by every file format."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.contract import SourceTable
from orchestration.ingest.errors import MappingError, MissingColumnError, SourceFileError
from orchestration.ingest.mapping import TableMapping


@dataclass(frozen=True)
class _ColumnLayout:
    """Where each contract column sits in the file, and what else the file holds."""

    # contract column -> 0-based field position in the file; a column that may be absent
    # and is, has none
    positions: dict[str, int]
    field_count: int
    extra_columns: tuple[str, ...]


def _normalise_name(name: str) -> str:
    return name.strip().lower()


def expected_headers(table: SourceTable, mapping: TableMapping | None) -> dict[str, str]:
    """Normalised header in the file -> contract column, after the mapping."""
    return {
        _normalise_name(mapping.header_of(name) if mapping else name): name
        for name in table.column_names
    }


def _layout(
    path: Path, table: SourceTable, names: list[str], mapping: TableMapping | None = None
) -> _ColumnLayout:
    """Map contract columns to file columns by name, case- and whitespace-insensitively,
    through the headers `mapping` gives (a column it does not map keeps its own name)."""
    positions: dict[str, int] = {}
    extras: list[str] = []
    wanted = expected_headers(table, mapping)
    for position, name in enumerate(names):
        column = wanted.get(_normalise_name(name))
        if column is not None:
            if column in positions:
                raise SourceFileError(
                    f"{path}: column {name.strip()!r} appears more than once in the header"
                )
            positions[column] = position
        else:
            extras.append(name.strip() or f"(unnamed column {position + 1})")
    if mapping is not None:
        for column, (header, line) in mapping.columns.items():
            if column not in positions:
                found = ", ".join(name.strip() for name in names)
                raise MappingError(
                    f"{mapping.where(line)}: header {header!r} (mapped to {column}) is not "
                    f"in {path} (found: {found})"
                )
    # A column that may be absent is read as empty (see `SourceTable` columns).
    missing = [
        column.name
        for column in table.columns
        if column.name not in positions and not column.may_be_absent
    ]
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
        if mapping is not None and mapping.mapping_file is not None:
            hints.append(f"map it under columns in {mapping.mapping_file}")
        raise MissingColumnError(
            message + "".join(f"; {hint}" for hint in hints), tuple(missing), tuple(extras)
        )
    return _ColumnLayout(positions, len(names), tuple(extras))
