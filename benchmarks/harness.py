"""Where the benchmark keeps its files and how it starts its child processes.

Shared by `benchmarks.run`, its stages and `benchmarks.experiments`: the scales, the
default reference date and seed, the folders under data/bench, the log line, copying a
DuckDB file with its WAL, the dbt manifest Dagster needs, and the bytecode mode of every
child process.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from benchmarks.measure import run_measured
from orchestration.settings import REPO_ROOT

SCALES = {"small": 10_000, "medium": 100_000, "large": 1_000_000}
DEFAULT_AS_OF = "2026-11-23"
DEFAULT_SEED = 42
BENCH_DIR = REPO_ROOT / "data" / "bench"
RESULTS_FILE = REPO_ROOT / "benchmarks" / "results" / "latest.json"
PYTHON = sys.executable


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def remove_db(path: Path) -> None:
    for suffix in ("", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> None:
    remove_db(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if Path(f"{source}.wal").exists():
        shutil.copyfile(f"{source}.wal", f"{target}.wal")


def configure_bytecode(mode: str) -> dict:
    """Set how child processes get compiled bytecode; warm the cache once (untimed)."""
    inherited = os.environ.get("PYTHONDONTWRITEBYTECODE")
    if mode == "cache":
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / "pycache")
        log("warming the bytecode cache data/bench/pycache (untimed)")
        run_measured(
            [
                PYTHON,
                "-c",
                "import orchestration.definitions, orchestration.cli, orchestration.demo, "
                "benchmarks.stages.peer_pandas, benchmarks.stages.limit_duckdb, "
                "benchmarks.stages.ingest_tables, "
                "dbt.cli.main, dbt.adapters.duckdb, dagster_dbt",
            ],
            cwd=REPO_ROOT,
            label="bytecode warm-up",
        )
    elif inherited:
        log("note: PYTHONDONTWRITEBYTECODE is set: every process compiles its imports")
    return {
        "mode": mode,
        "inherited_PYTHONDONTWRITEBYTECODE": inherited,
        "pycache_prefix": os.environ.get("PYTHONPYCACHEPREFIX"),
    }
