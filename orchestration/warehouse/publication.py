"""The working warehouse a refresh builds into, and its atomic publication.

The dashboard only ever opens the published file, read-only. A refresh writes into a
separate working file; when ingestion and every dbt test succeeded, the working file is
copied next to the published one and moved over it with `os.replace`, which is atomic on
one file system: a reader sees either the old or the new publication, never a mix, and
never holds a lock the writer needs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def connect_build(
    build_warehouse: Path, published: Path | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the working warehouse read-write, with DuckDB's `memory_limit` when given.

    The working file also keeps history (frozen service-level reviews, kind snapshots).
    When it is missing but a publication exists, start from the publication, so history
    survives a lost working file.
    """
    build_warehouse.parent.mkdir(parents=True, exist_ok=True)
    if not build_warehouse.exists() and published is not None and published.exists():
        shutil.copyfile(published, build_warehouse)
    config = {"memory_limit": memory_limit} if memory_limit else {}
    return duckdb.connect(str(build_warehouse), config=config)


def publish(build_warehouse: Path, published: Path) -> Path:
    """Copy the working warehouse over the published one, atomically."""
    published.parent.mkdir(parents=True, exist_ok=True)
    staging_copy = published.with_name(f".{published.name}.publishing")
    # CHECKPOINT folds the write-ahead log into the file, so the copy is complete.
    with duckdb.connect(str(build_warehouse)) as con:
        con.execute("checkpoint")
    shutil.copyfile(build_warehouse, staging_copy)
    os.replace(staging_copy, published)
    return published
