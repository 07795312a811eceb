"""The demo generator's command line: `python -m orchestration.demo --out DIR --scale N
--seed S [--end-date D] [--format csv|parquet] [--dialect comma|semicolon]`."""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from orchestration.demo.generate import (
    DEFAULT_SCALE,
    DEFAULT_SEED,
    DIALECTS,
    FILE_FORMATS,
    generate,
)


def _keep_freed_memory() -> None:
    """Let glibc reuse freed memory instead of returning it to the OS (CLI only).

    Each chunk allocates and frees hundreds of MB of numpy temporaries. By default glibc
    hands large blocks back to the kernel and every new array pays page faults again,
    which costs a third of the run time on a VM. Raising the mmap and trim thresholds
    keeps the memory in the heap: the footprint stays flat at the size of one chunk.
    Process-wide, so only the command line (its own process) does it.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # glibc's upper limit
    libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.demo",
        description="Write a deterministic demo company (CRM and ERP exports) into a folder.",
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument(
        "--scale",
        type=int,
        default=DEFAULT_SCALE,
        help="number of CRM relations (default %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=None,
        help="last date of the history, YYYY-MM-DD (default today)",
    )
    parser.add_argument("--format", choices=FILE_FORMATS, default="csv", dest="file_format")
    parser.add_argument("--dialect", choices=DIALECTS, default="comma", help="CSV dialect")
    args = parser.parse_args(argv)

    _keep_freed_memory()
    started = time.perf_counter()
    counts = generate(
        args.out,
        scale=args.scale,
        seed=args.seed,
        end_date=args.end_date,
        file_format=args.file_format,
        dialect=args.dialect,
    )
    elapsed = time.perf_counter() - started
    for name, rows in counts.items():
        print(f"{name:<20} {rows:>14,} rows")
    total = sum(counts.values())
    lines = counts["erp_invoice_lines"]
    print(f"{'total':<20} {total:>14,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")
    print(f"invoice lines: {lines / elapsed:,.0f} per second of wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
