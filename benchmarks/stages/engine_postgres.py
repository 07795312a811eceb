"""Benchmark stage: the nightly dbt build on PostgreSQL, beside the DuckDB one.

Given a DuckDB warehouse whose `raw` schema was loaded by the ingestion (from the
source folder; when it has no raw tables yet, the source folder is ingested into it
first), this copies the raw tables into PostgreSQL (`orchestration.engines`) and times
the nightly `dbt build` (no unit tests, no review period) on the `postgres` target.

PostgreSQL is the server PYRAMID_PG_HOST/PORT/USER/PASSWORD/DATABASE names, or, when
PYRAMID_PG_HOST is unset, a private cluster this script starts and stops (initdb +
pg_ctl on 127.0.0.1, C collation, fsync off: a throw-away benchmark database, default
memory settings otherwise).

The work happens in the server's processes, not in the dbt client: peak_rss_mb adds the
peak of the dbt process tree and the peak proportional set size (PSS, shared memory
counted once) of the server's processes, when the server is the private one
(`peak_rss_mb_dbt` and `peak_rss_mb_server` give both parts).

    python -m benchmarks.stages.engine_postgres --source-dir data/bench/sources \\
        --warehouse data/bench/warehouse.duckdb --as-of 2026-11-23 [--work-dir D]

prints one JSON object: {"stage": "dbt_build_postgres", "seconds", "peak_rss_mb", ...}.
From Python: `measure_postgres_build(source_dir, warehouse, as_of)` returns the same dict.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import psutil

from orchestration import engines

STAGE = "dbt_build_postgres"
_POLL_SECONDS = 0.05


def _has_raw_tables(warehouse: Path) -> bool:
    if not warehouse.exists():
        return False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw'"
            ).fetchone()[0]
        )


def _ingest(source_dir: Path, warehouse: Path) -> None:
    from orchestration.ingest import find_source_file, load_table
    from orchestration.ingest.contract import SOURCE_TABLES

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        for table in SOURCE_TABLES:
            load_table(con, table, find_source_file(source_dir, table))


class _PeakMemory(threading.Thread):
    """Peak RSS of a process tree and peak PSS of the PostgreSQL server, every 50 ms."""

    def __init__(self, client_pid: int, server_pid: int | None):
        super().__init__(daemon=True)
        self.client_pid = client_pid
        self.server_pid = server_pid
        self.client_peak = 0
        self.server_peak = 0
        self._stop_event = threading.Event()

    @staticmethod
    def _tree(pid: int) -> list[psutil.Process]:
        try:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def run(self) -> None:
        while not self._stop_event.is_set():
            client = 0
            for process in self._tree(self.client_pid):
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    client += process.memory_info().rss
            server = 0
            if self.server_pid:
                for process in self._tree(self.server_pid):
                    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                        info = process.memory_full_info()
                        server += getattr(info, "pss", info.rss)
            self.client_peak = max(self.client_peak, client)
            self.server_peak = max(self.server_peak, server)
            self._stop_event.wait(_POLL_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _server_pid(pg: engines.PostgresSettings) -> int | None:
    if pg.data_dir is None:
        return None
    pid_file = Path(pg.data_dir) / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError):
        return int(pid_file.read_text().splitlines()[0])
    return None


def _timed_build(pg: engines.PostgresSettings, as_of: str, work_dir: Path) -> dict:
    import subprocess
    import sys

    args = [
        "build", "--exclude-resource-type", "unit_test",
        "--vars", json.dumps({"as_of": as_of, "review_period": ""}, sort_keys=True),
        "--target", "postgres", "--profiles-dir", str(engines.DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]  # fmt: skip
    dbt = str(Path(sys.executable).parent / "dbt")
    started = time.perf_counter()
    process = subprocess.Popen(
        [dbt, *args],
        cwd=engines.DBT_PROJECT_DIR,
        env={**os.environ, **pg.dbt_env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    poller = _PeakMemory(process.pid, _server_pid(pg))
    poller.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    poller.stop()
    if process.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-30:])
        raise RuntimeError(f"dbt build on PostgreSQL failed ({process.returncode}):\n{tail}")
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round((poller.client_peak + poller.server_peak) / 1e6, 1),
        "peak_rss_mb_dbt": round(poller.client_peak / 1e6, 1),
        "peak_rss_mb_server": round(poller.server_peak / 1e6, 1) if poller.server_pid else None,
    }


def measure_postgres_build(
    source_dir: Path, warehouse: Path, as_of: str, work_dir: Path | None = None
) -> dict:
    """Load the raw layer into PostgreSQL and time the nightly dbt build on it."""
    source_dir, warehouse = Path(source_dir), Path(warehouse)
    if not _has_raw_tables(warehouse):
        _ingest(source_dir, warehouse)
    with contextlib.ExitStack() as stack:
        if work_dir is None:
            work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pg-")))
        work_dir = Path(work_dir)
        if os.environ.get("PYRAMID_PG_HOST"):
            pg = engines.PostgresSettings.from_env()
            private = False
        else:
            pg = stack.enter_context(engines.private_postgres())
            private = True
        admin = pg.connect(database="postgres")
        try:
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'drop database if exists "{pg.database}"')
        finally:
            admin.close()
        load_started = time.perf_counter()
        counts = engines.load_raw_into_postgres(warehouse, pg)
        load_seconds = time.perf_counter() - load_started
        result = _timed_build(pg, as_of, work_dir)
    return {
        "stage": STAGE,
        **result,
        "load_raw_seconds": round(load_seconds, 2),
        "raw_rows": sum(counts.values()),
        "postgres": "private cluster" if private else f"{pg.host}:{pg.port}",
        "as_of": as_of,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, required=True)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--as-of", required=True, help="YYYY-MM-DD, as in the DuckDB build")
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure_postgres_build(args.source_dir, args.warehouse, args.as_of, args.work_dir)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
