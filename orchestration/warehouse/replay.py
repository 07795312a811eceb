"""Replays of a past date, and the refusal to publish one over the present.

A refresh evaluates every rule at `as_of` (PYRAMID_AS_OF) and publishes over the
warehouse; its history (segment_history, the kind history, the frozen reviews) grows by
that date. Publishing an earlier date over a later one would put the past in place of
the present and write it into the history as if it were new. So:

- A refresh or review whose as_of is earlier than that of the published warehouse is
  refused (`check_not_earlier`), with a message pointing to `make replay`, unless forced
  (`--force-earlier`, or PYRAMID_FORCE_EARLIER=1). A warehouse not yet published may
  start at any date.
- A replay (`make replay AS_OF=2026-05-01`, `python -m orchestration.cli replay --as-of
  ...`, or the Dagster job `replay` with config `as_of`) builds the warehouse for that
  date into `<published folder>/replays/<date>.duckdb` and nothing else. It builds in its
  own working file (`replays/build/<date>.duckdb`), started from a copy of the published
  warehouse with the history cut back to that date (`prepare_replay_build`): the frozen
  reviews, segment_history and the kind history as they stood then, and the erasure
  register whole (an erased person stays erased in every replay). It reads the decisions
  store read-only, only decisions taken on or before the date
  (orchestration/defs/decisions.py), and writes its status beside its own file. The
  published file, its history and the decisions store stay byte for byte as they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import duckdb

from orchestration.settings import Settings

FORCE_EARLIER_ENV = "PYRAMID_FORCE_EARLIER"
REPLAYS_FOLDER = "replays"
_REPLAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.duckdb$")


class EarlierAsOf(ValueError):
    """A refresh would publish an as_of earlier than the published warehouse's."""


# --- where replays live ---------------------------------------------------------------------
def replays_dir(warehouse: Path) -> Path:
    return warehouse.parent / REPLAYS_FOLDER


def replay_path(warehouse: Path, as_of: dt.date) -> Path:
    return replays_dir(warehouse) / f"{as_of.isoformat()}.duckdb"


def list_replays(warehouse: Path) -> list[tuple[dt.date, Path]]:
    """The replays beside a published warehouse, newest date first."""
    found = []
    folder = replays_dir(warehouse)
    if folder.is_dir():
        for path in folder.iterdir():
            match = _REPLAY_FILE.match(path.name)
            if match and path.is_file():
                try:
                    found.append((dt.date.fromisoformat(match.group(1)), path))
                except ValueError:
                    continue
    return sorted(found, reverse=True)


def replay_settings(settings: Settings, as_of: dt.date) -> Settings:
    """The settings of a replay at `as_of` beside the published warehouse of `settings`."""
    folder = replays_dir(settings.warehouse)
    return dataclasses.replace(
        settings,
        warehouse=folder / f"{as_of.isoformat()}.duckdb",
        build_warehouse=folder / "build" / f"{as_of.isoformat()}.duckdb",
        as_of=as_of,
        replay_of=settings.warehouse,
    )


# --- the refusal ----------------------------------------------------------------------------
def published_as_of(warehouse: Path) -> dt.date | None:
    """The as_of of the published warehouse; None when there is none (or no marts yet)."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'relation_kinds'"
        ).fetchone()[0]
        if not found:
            return None
        return con.execute("select max(as_of_date) from marts.relation_kinds").fetchone()[0]


def force_earlier(environ: dict[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(FORCE_EARLIER_ENV, "")
    return value.strip().lower() in ("1", "true", "yes")


def check_not_earlier(settings: Settings, force: bool | None = None) -> None:
    """Refuse to publish an as_of earlier than the published one (see the module doc)."""
    if settings.is_replay:
        return
    force = force_earlier() if force is None else force
    current = published_as_of(settings.warehouse)
    if current is None or settings.as_of >= current or force:
        return
    raise EarlierAsOf(
        f"as_of {settings.as_of} is earlier than the published warehouse's {current} "
        f"({settings.warehouse}); a refresh would put the past in place of the present.\n"
        f"To see the situation on {settings.as_of}, build a replay beside it: "
        f"make replay AS_OF={settings.as_of}\n"
        f"To publish it anyway: --force-earlier (or {FORCE_EARLIER_ENV}=1)."
    )


# --- the replay's working file --------------------------------------------------------------
def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def cut_history(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, int]:
    """Cut the kept history of a warehouse copy back to what was known on `as_of`; return
    the rows removed per table.

    Frozen reviews: those run at a later as_of go. segment_history: later dates go. Kind
    history (a dbt snapshot): versions first seen after as_of go, and each relation's
    latest remaining version is open again (dbt_valid_to empty); the replay's own snapshot
    run then closes what changed by as_of.
    """
    removed = {}
    day = as_of.isoformat()
    for schema, table, column in (
        ("marts", "service_level_reviews", "as_of_date"),
        ("marts", "segment_history", "snapshot_date"),
        ("history", "relation_kinds_history", "as_of_date"),
    ):
        if not _exists(con, schema, table):
            continue
        removed[f"{schema}.{table}"] = con.execute(
            f"delete from {schema}.{table} where {column} > cast(? as date)", [day]
        ).fetchone()[0]
    if _exists(con, "history", "relation_kinds_history"):
        con.execute(
            """
            update history.relation_kinds_history as kept
            set dbt_valid_to = null
            where kept.dbt_valid_to is not null
              and kept.dbt_valid_from = (
                select max(latest.dbt_valid_from) from history.relation_kinds_history as latest
                where latest.relation_id = kept.relation_id
              )
            """
        )
    return removed


def prepare_replay_build(settings: Settings) -> dict[str, int]:
    """A fresh working file for the replay: a copy of the published warehouse (when there
    is one) with its history cut back to the replay's date. The published file is only
    read (copied); any earlier working file of this date is replaced."""
    assert settings.replay_of is not None, "not a replay"
    build = settings.build_warehouse
    build.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (build, build.with_name(f"{build.name}.wal")):
        leftover.unlink(missing_ok=True)
    if not settings.replay_of.exists():
        return {}
    # The published file is written only by os.replace of a checkpointed copy: copying it
    # reads one whole publication, and takes no lock a reader or writer needs.
    copy = build.with_name(f".{build.name}.copy")
    shutil.copyfile(settings.replay_of, copy)
    os.replace(copy, build)
    with duckdb.connect(str(build)) as con:
        return cut_history(con, settings.as_of)
