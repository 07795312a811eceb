"""Where each contract column sits in a file: its header names mapped to the contract's,
case- and whitespace-insensitively. Shared by every file format."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.contract import SourceTable
from orchestration.ingest.errors import MissingColumnError, SourceFileError


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
        raise MissingColumnError(message + "".join(f"; {hint}" for hint in hints))
    return _ColumnLayout(positions, len(names), tuple(extras))
