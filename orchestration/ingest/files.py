"""Finding the source file of a table, and counting the lines of a file."""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from orchestration.ingest.contract import SourceTable
from orchestration.ingest.errors import SourceFileError

FILE_FORMATS = ("csv", "parquet")


# Bytes of a file mapped at a time when counting its lines (a multiple of mmap's
# allocation granularity).
_COUNT_WINDOW_BYTES = 1 << 26


def find_source_file(source_dir: Path, table: SourceTable) -> Path:
    """The file of `table`, which must be there (see `find_optional_source_file`)."""
    path = find_optional_source_file(source_dir, table)
    if path is None:
        expected = " or ".join(f"{table.relative_path}.{fmt}" for fmt in FILE_FORMATS)
        raise SourceFileError(
            f"{table.name}: source file not found: expected {expected} under {source_dir}"
        )
    return path


def find_optional_source_file(source_dir: Path, table: SourceTable) -> Path | None:
    """The CSV or Parquet file of `table` under `source_dir`, e.g. `crm/relations.csv`.

    The extension is matched case-insensitively (Windows exports `.CSV`); more than
    one candidate is an error rather than a guess; none is None.
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
        return None
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
