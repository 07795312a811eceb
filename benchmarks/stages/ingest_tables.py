"""The `ingest` stage: every source table through `orchestration.ingest.load_table`.

Run as a child process by the harness:
`python -m benchmarks.stages.ingest_tables --sources DIR --db FILE --json OUT [--profile]`.
Loads every table of the contract into a fresh DuckDB file, exactly as the Dagster
ingestion assets do (one connection per table, validation, rejects, run log), and
writes per-table seconds, rows and bytes to OUT. With `--profile`, every SQL statement
`load_table` executes is timed too (a proxy around the connection), which shows which
step of the validation costs what.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import duckdb

from orchestration.ingest import find_source_file, load_table
from orchestration.ingest.contract import SOURCE_TABLES
from orchestration.settings import load_settings
from orchestration.warehouse.publication import connect_build


class _TimedConnection:
    """Forwards to a DuckDB connection and times every `execute`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[dict]):
        self._con = con
        self._log = log

    def execute(self, sql: str, *args, **kwargs):
        started = time.perf_counter()
        result = self._con.execute(sql, *args, **kwargs)
        self._log.append({"sql": _summary(sql), "seconds": time.perf_counter() - started})
        return result

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _summary(sql: str) -> str:
    text = re.sub(r"\s+", " ", sql).strip()
    return text[:110]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    for suffix in ("", ".wal"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    tables = []
    memory_limit = load_settings().memory_limit
    started = time.perf_counter()
    for table in SOURCE_TABLES:
        path = find_source_file(args.sources, table)
        statements: list[dict] = []
        table_started = time.perf_counter()
        # One connection per table, opened as each Dagster ingestion asset opens its own
        # (with the pipeline's memory limit, PYRAMID_DUCKDB_MEMORY_LIMIT).
        with connect_build(args.db, memory_limit=memory_limit) as con:
            target = _TimedConnection(con, statements) if args.profile else con
            result = load_table(target, table, path)
        seconds = time.perf_counter() - table_started
        tables.append(
            {
                "table": table.name,
                "seconds": seconds,
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_rejected": result.rows_rejected,
                "bytes": path.stat().st_size,
                "statements": statements,
            }
        )
    total = time.perf_counter() - started
    args.json.write_text(json.dumps({"seconds": total, "tables": tables}, indent=1))
    for row in tables:
        print(f"{row['table']:<20} {row['seconds']:8.2f} s {row['rows_read']:>12,} rows")
    print(f"{'total':<20} {total:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
