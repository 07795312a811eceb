"""Runtime settings, read from environment variables (documented in the README).

Every path is made absolute here, so dbt, Dagster and the dashboard, whatever their
working directory, agree on the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
"""The dbt of this Python environment (whatever its folder), also when it is not on PATH
(make, cron, a second environment for another Python version)."""

DEFAULT_MEMORY_LIMIT = "4GB"
"""DuckDB's memory limit in the pipeline's connections and dbt's. DuckDB's own default is
80% of RAM; a refresh of a million relations then holds ~12 GB. With a limit DuckDB
spills to disk instead (`<warehouse>.tmp`)."""

DEFAULT_DECISIONS = DATA_DIR / "decisions.sqlite"
"""The decisions store when `PYRAMID_DECISIONS` is not set: the one file a refresh cannot
rebuild (overrides and postponements people entered), so back it up."""

_MEMORY_LIMIT = re.compile(r"^\s*[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.I)


@dataclass(frozen=True)
class Settings:
    source_dir: Path
    """Folder holding the `crm/` and `erp/` exports."""
    warehouse: Path
    """The published DuckDB file the dashboard reads."""
    build_warehouse: Path
    """The working DuckDB file every refresh builds into before it is published."""
    as_of: dt.date
    """Reference date at which every rule is evaluated."""
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    """DuckDB's memory limit for ingestion and dbt (`PYRAMID_DUCKDB_MEMORY_LIMIT`)."""
    decisions: str = f"sqlite:///{DEFAULT_DECISIONS}"
    """SQLAlchemy URL of the decisions store (`PYRAMID_DECISIONS`, orchestration/decisions):
    kept apart from the warehouse, which every refresh replaces."""
    replay_of: Path | None = None
    """Set for a replay (orchestration/warehouse/replay.py): the published warehouse it
    reads its history from and must leave alone. `warehouse` is then the replay's own file
    under `replays/`, and the decisions store is only read."""

    @property
    def is_replay(self) -> bool:
        return self.replay_of is not None

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts of the pipeline's runs (run_results.json, partial parse), kept
        beside the working warehouse: two pipelines on different files never share it."""
        return self.build_warehouse.parent / "dbt_target"

    def dbt_env(self) -> dict[str, str]:
        """Environment a dbt process needs to build into the working warehouse."""
        return {
            "PYRAMID_WAREHOUSE": str(self.warehouse),
            "PYRAMID_BUILD_WAREHOUSE": str(self.build_warehouse),
            "PYRAMID_AS_OF": self.as_of.isoformat(),
            "PYRAMID_DUCKDB_MEMORY_LIMIT": self.memory_limit,
        }


def parse_as_of(value: str | None, today: dt.date | None = None) -> dt.date:
    """`PYRAMID_AS_OF` as a date; empty means today."""
    if not value:
        return today or dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(
            f"PYRAMID_AS_OF={value!r} is not an ISO date (YYYY-MM-DD), e.g. 2026-11-23"
        ) from error


def parse_memory_limit(value: str | None) -> str:
    """`PYRAMID_DUCKDB_MEMORY_LIMIT` as DuckDB reads it (e.g. 4GB, 512MB); empty: default."""
    if not value or not value.strip():
        return DEFAULT_MEMORY_LIMIT
    if not _MEMORY_LIMIT.match(value):
        raise ValueError(
            f"PYRAMID_DUCKDB_MEMORY_LIMIT={value!r} is not a size DuckDB understands; "
            "write a number and a unit, e.g. 4GB or 512MB"
        )
    return value.strip().replace(" ", "")


def parse_decisions(value: str | None) -> str:
    """`PYRAMID_DECISIONS` as a SQLAlchemy URL: a file path (SQLite, made absolute) or a
    `postgresql://user:password@host:port/database` URL; empty: data/decisions.sqlite."""
    if not value or not value.strip():
        return f"sqlite:///{DEFAULT_DECISIONS}"
    value = value.strip()
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    if not re.match(r"^postgresql(\+\w+)?://", value):
        raise ValueError(
            "PYRAMID_DECISIONS must be a SQLite file path or a postgresql:// URL, "
            f"not {value.split('://')[0]}://..."
        )
    return value


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    source_dir = Path(env.get("PYRAMID_SOURCE_DIR") or DATA_DIR / "demo").resolve()
    warehouse = Path(env.get("PYRAMID_WAREHOUSE") or DATA_DIR / "warehouse.duckdb").resolve()
    build_warehouse = Path(
        env.get("PYRAMID_BUILD_WAREHOUSE") or warehouse.parent / "build" / warehouse.name
    ).resolve()
    return Settings(
        source_dir=source_dir,
        warehouse=warehouse,
        build_warehouse=build_warehouse,
        as_of=parse_as_of(env.get("PYRAMID_AS_OF")),
        memory_limit=parse_memory_limit(env.get("PYRAMID_DUCKDB_MEMORY_LIMIT")),
        decisions=parse_decisions(env.get("PYRAMID_DECISIONS")),
    )
