"""Finding the source file of a table (by the contract's name or the mapping's), and
counting the lines of a file."""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from orchestration.ingest.contract import SourceTable
from orchestration.ingest.errors import MappingError, SourceFileError
from orchestration.ingest.mapping import TableMapping

FILE_FORMATS = ("csv", "parquet", "xlsx")


# Bytes of a file mapped at a time when counting its lines (a multiple of mmap's
# allocation granularity).
_COUNT_WINDOW_BYTES = 1 << 26


def find_source_file(
    source_dir: Path, table: SourceTable, mapping: TableMapping | None = None
) -> Path:
    """The file of `table`, which must be there (see `find_optional_source_file`)."""
    path = find_optional_source_file(source_dir, table, mapping)
    if path is None:
        expected = " or ".join(f"{table.relative_path}.{fmt}" for fmt in FILE_FORMATS)
        raise SourceFileError(
            f"{table.name}: source file not found: expected {expected} under {source_dir}"
        )
    return path


def find_optional_source_file(
    source_dir: Path, table: SourceTable, mapping: TableMapping | None = None
) -> Path | None:
    """The CSV, Excel or Parquet file of `table` under `source_dir`, e.g.
    `crm/relations.csv`, or the file `mapping` names for it.

    The extension is matched case-insensitively (Windows exports `.CSV`); more than
    one candidate is an error rather than a guess; none is None. A file the mapping
    names must be there, also for an optional table.
    """
    if mapping is not None and mapping.file is not None:
        return _mapped_file(Path(source_dir), mapping)
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
        return None
    if len(candidates) > 1:
        found = ", ".join(str(path.relative_to(source_dir)) for path in candidates)
        raise SourceFileError(
            f"{table.name}: more than one source file under {source_dir} ({found}); "
            f"keep exactly one of {expected}"
        )
    return candidates[0]


def _mapped_file(source_dir: Path, mapping: TableMapping) -> Path:
    assert mapping.file is not None
    path = source_dir / mapping.file
    if path.is_file():
        return path
    # Windows file names are case-insensitive: Facturen.CSV is the facturen.csv mapped.
    if path.parent.is_dir():
        same = [
            other
            for other in path.parent.iterdir()
            if other.is_file() and other.name.lower() == path.name.lower()
        ]
        if len(same) == 1:
            return same[0]
    raise MappingError(
        f"{mapping.where(mapping.file_line)}: file {mapping.file!r} of "
        f"{mapping.table.system}.{mapping.table.entity} not found under {source_dir}"
    )


def _file_format(path: Path) -> str:
    file_format = path.suffix.lower().lstrip(".")
    if file_format not in FILE_FORMATS:
        raise SourceFileError(f"{path}: unsupported file type; expected .csv, .xlsx or .parquet")
    return file_format


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
