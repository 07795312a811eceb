"""Arrival: a refresh as soon as new exports are complete in the source folder, instead of
waiting for the night.

`source_arrival_sensor` is off by default (turn it on in the Dagster UI, Automation). Every
`ARRIVAL_INTERVAL_SECONDS` it takes a fingerprint of the source folder: the name, size
and modification time of every file (Excel's lock files `~$...` and hidden files left
out), plus the mapping file when `PYRAMID_SOURCE_MAPPING` points elsewhere. It starts
`nightly_refresh` when

* the fingerprint differs from the one it last started a refresh for,
* it is the same as at the previous evaluation (nothing is still being written: an export
  copied in over a minute is seen twice with different sizes and waits), and
* every required table has its file (an optional one may be missing) and no refresh is
  running.

The first evaluation after it is turned on only records the folder as it is: what was
there before is the nightly refresh's business. A refresh that fails is not retried for
the same files; a new export (any change) is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import nightly_refresh
from orchestration.ingest import SourceFileError, find_source_file, load_source_mapping
from orchestration.ingest.contract import SOURCE_TABLES
from orchestration.ingest.mapping import mapping_path
from orchestration.settings import load_settings

ARRIVAL_INTERVAL_SECONDS = 60
_RUNNING = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def _ignored(path: Path) -> bool:
    return path.name.startswith(("~$", ".")) or path.suffix.lower() in (".tmp", ".part")


def source_fingerprint(source_dir: Path) -> str:
    """A digest of the name, size and modification time of every file of the folder."""
    source_dir = Path(source_dir)
    entries = []
    files = [p for p in sorted(source_dir.rglob("*")) if p.is_file() and not _ignored(p)]
    mapping = mapping_path(source_dir)
    if mapping is not None and source_dir not in mapping.parents:
        files.append(mapping)
    for path in files:
        stat = path.stat()
        name = str(path.relative_to(source_dir)) if source_dir in path.parents else str(path)
        entries.append([name, stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def _missing_file(source_dir: Path) -> str | None:
    """Why the exports are not complete yet, or None."""
    try:
        mapping = load_source_mapping(source_dir)
    except SourceFileError as error:
        return str(error)
    for table in SOURCE_TABLES:
        if table.optional:
            continue
        try:
            find_source_file(source_dir, table, mapping.for_table(table))
        except SourceFileError as error:
            return str(error)
    return None


@dg.sensor(
    name="source_arrival_sensor",
    job=nightly_refresh,
    minimum_interval_seconds=ARRIVAL_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts the refresh when the exports in the source folder changed and have "
    "stopped changing (off by default).",
)
def source_arrival_sensor(context: dg.SensorEvaluationContext):
    source_dir = load_settings().source_dir
    cursor = json.loads(context.cursor) if context.cursor else {}
    if not Path(source_dir).is_dir():
        return dg.SkipReason(f"source folder {source_dir} not found")
    fingerprint = source_fingerprint(source_dir)
    previous = cursor.get("seen")
    started = cursor.get("started")
    cursor["seen"] = fingerprint
    if previous is None:
        # Turned on: the folder as it is now is the starting point.
        cursor["started"] = fingerprint
        context.update_cursor(json.dumps(cursor))
        return dg.SkipReason("first look at the source folder: recorded as it is")
    if fingerprint == started:
        context.update_cursor(json.dumps(cursor))
        return dg.SkipReason("no new exports since the last refresh it started")
    if fingerprint != previous:
        context.update_cursor(json.dumps(cursor))
        return dg.SkipReason("exports are changing: waiting until they stop")
    missing = _missing_file(Path(source_dir))
    if missing is not None:
        context.update_cursor(json.dumps(cursor))
        return dg.SkipReason(f"exports not complete: {missing}")
    running = context.instance.get_run_records(
        filters=dg.RunsFilter(job_name=nightly_refresh.name, statuses=_RUNNING), limit=1
    )
    if running:
        context.update_cursor(json.dumps(cursor))
        return dg.SkipReason("a refresh is running: the new exports wait for the next look")
    cursor["started"] = fingerprint
    context.update_cursor(json.dumps(cursor))
    return dg.RunRequest(run_key=f"arrival-{fingerprint}", tags={"trigger": "source_arrival"})
