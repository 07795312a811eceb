"""The `scan_floor` stage: every source file scanned once by DuckDB's typed CSV reader.

Run as a child process by the harness:
`python -m benchmarks.stages.scan_files --sources DIR --json OUT`.
Per table, `SELECT count(*) FROM read_csv(...)` with the contract's types (the limit's
reader, `limit_duckdb.typed_read_csv_sql`) in one in-memory connection: the disk and the
CSV parser, nothing stored. Writes per-table seconds, rows and bytes to OUT.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

from benchmarks.stages.limit_duckdb import typed_read_csv_sql
from orchestration.ingest import find_source_file
from orchestration.ingest.contract import SOURCE_TABLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)

    tables = []
    started = time.perf_counter()
    with duckdb.connect() as con:
        for table in SOURCE_TABLES:
            path = find_source_file(args.sources, table)
            table_started = time.perf_counter()
            rows = con.execute(
                f"SELECT count(*) FROM {typed_read_csv_sql(path, table)}"
            ).fetchone()[0]
            tables.append(
                {
                    "table": table.name,
                    "seconds": time.perf_counter() - table_started,
                    "rows": rows,
                    "bytes": path.stat().st_size,
                }
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"seconds": time.perf_counter() - started, "tables": tables}, indent=1)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
