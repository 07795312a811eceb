"""Safe publishing: the dashboard never sees a half-built, mixed or locked warehouse.

Real parts throughout: refreshes are `python -m orchestration.cli` processes (Dagster,
dbt, DuckDB files), the reader is a separate process calling the dashboard's own data
functions (app/data/), and kills are SIGKILLs of the refresh's whole process group.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_manifest import MANIFEST, ensure_manifest, manifest_outdated
from orchestration.settings import REPO_ROOT
from orchestration.warehouse.status import failing_dbt_nodes, read_status, status_path
from tests.harness import AS_OF, app_test, pipeline_env

pytestmark = pytest.mark.slow

# Columns that record when something ran, not what the data say.
RUN_TIME_COLUMNS = {"loaded_at", "ingested_at", "published_at"}

# What one page view of the dashboard sees: several marts through its own data functions,
# in one batch (one connection), as a page does. Mixed publications would show up as a
# combination that no single publication has.
FINGERPRINT = r"""
import json
from app.data import abc, pyramid, relation_kinds, scope, service_levels, shell

scope.set_caching(False)


def fingerprint():
    with scope.batch():
        fresh = shell.freshness()
        levels = pyramid.pyramid_levels()
        kinds = relation_kinds.kind_counts()
        classes = abc.abc_classes()
        service = service_levels.service_mix()
    return {
        "as_of": str(fresh["as_of_date"]),
        "relations": int(kinds["relations"].sum()),
        "pyramid": {row.pyramid_level: int(row.relations) for row in levels.itertuples()},
        "kinds": {row.relation_kind: int(row.relations) for row in kinds.itertuples()},
        "revenue": round(float(kinds["revenue_12m"].sum()), 2),
        "abc": {row.abc_class: int(row.customers) for row in classes.itertuples()},
        "service": sorted(
            [row.basis, row.service_level, int(row.customers)] for row in service.itertuples()
        ),
    }
"""

# The reader: page views in a loop until told to stop, one line per view.
READER = (
    FINGERPRINT
    + r"""
import sys, traceback
from pathlib import Path

out, stop = open(sys.argv[1], "a", encoding="utf-8"), Path(sys.argv[2])
while not stop.exists():
    try:
        out.write(json.dumps(fingerprint()) + "\n")
    except Exception:
        out.write(json.dumps({"error": traceback.format_exc()}) + "\n")
    out.flush()
"""
)


def refresh_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", *args]


def run_refresh(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        refresh_command(*(args or ("refresh",))),
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def fingerprint_of(warehouse: Path) -> dict:
    """What the reader sees on this publication (while no refresh runs)."""
    done = subprocess.run(
        [sys.executable, "-c", FINGERPRINT + "\nprint(json.dumps(fingerprint()))"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYRAMID_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def contents(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table in marts and history, minus columns that hold run times."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'history') and table_type = 'BASE TABLE' "
            "order by all"
        ).fetchall()
        result = {}
        for schema, table in tables:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if row[0] not in RUN_TIME_COLUMNS
            ]
            select = ", ".join(f'"{column}"' for column in columns)
            result[f"{schema}.{table}"] = con.execute(
                f'select {select} from "{schema}"."{table}" order by all'
            ).fetchall()
        return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- tests


def test_rerun_on_unchanged_input_gives_identical_marts(demo_sources, tmp_path):
    env = pipeline_env(demo_sources, tmp_path)
    published = Path(env["PYRAMID_WAREHOUSE"])
    first = run_refresh(env)
    assert first.returncode == 0, first.stderr[-3000:]
    before = contents(published)
    second = run_refresh(env)
    assert second.returncode == 0, second.stderr[-3000:]
    after = contents(published)
    assert set(before) == set(after)
    assert len(before) >= 13 and sum(len(rows) for rows in before.values()) > 1000
    for table in before:
        assert before[table] == after[table], f"{table} changed on a re-run of the same input"


def test_a_refresh_parses_an_outdated_dbt_manifest_again_before_it_runs(demo_sources, tmp_path):
    # A manifest older than the dbt files (a model added, and no `make manifest`) used to
    # end the run in dagster-dbt with a bare KeyError once dbt ran the new node.
    env = pipeline_env(demo_sources, tmp_path)
    ensure_manifest()
    assert manifest_outdated() is None
    os.utime(MANIFEST, (0, 0))  # written in 1970: older than every dbt file
    assert "changed after dbt_project/target/manifest.json was written" in manifest_outdated()
    done = run_refresh(env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "was written: dbt parse" in done.stderr
    assert manifest_outdated() is None  # so the next refresh parses nothing


def test_reader_sees_old_or_new_publication_while_three_refreshes_run(demo_sources, tmp_path):
    """Three refreshes (the second fails part-way, after ingestion rewrote the working
    warehouse) while another process reads through the dashboard's data functions."""
    ensure_manifest()
    dates = [AS_OF, AS_OF + dt.timedelta(days=10), AS_OF + dt.timedelta(days=20)]
    env = pipeline_env(demo_sources, tmp_path, as_of=AS_OF)
    published = Path(env["PYRAMID_WAREHOUSE"])
    # Publication A, with a review for 2026-H2, before the reader starts.
    initial = run_refresh(env, "review", "--period", "2026-H2")
    assert initial.returncode == 0, initial.stderr[-3000:]
    expected = [fingerprint_of(published)]

    log, stop = tmp_path / "reads.jsonl", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(log), str(stop)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYRAMID_WAREHOUSE": str(published)},
    )
    try:
        time.sleep(2)
        # 1: nightly refresh at a later as_of -> publication B.
        done = run_refresh({**env, "PYRAMID_AS_OF": dates[1].isoformat()})
        assert done.returncode == 0, done.stderr[-3000:]
        expected.append(fingerprint_of(published))
        # 2: a review for a period older than the frozen one: ingestion runs, then the
        # dbt step refuses. The working file is half new; the publication must stay B.
        failed = run_refresh(
            {**env, "PYRAMID_AS_OF": dates[2].isoformat()}, "review", "--period", "2020-H1"
        )
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert fingerprint_of(published) == expected[-1]
        # 3: nightly refresh at the last as_of -> publication C.
        done = run_refresh({**env, "PYRAMID_AS_OF": dates[2].isoformat()})
        assert done.returncode == 0, done.stderr[-3000:]
        expected.append(fingerprint_of(published))
        time.sleep(2)
    finally:
        stop.touch()
        reader.wait(timeout=60)

    reads = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    errors = [read["error"] for read in reads if "error" in read]
    assert not errors, errors[0]
    assert len({json.dumps(e, sort_keys=True) for e in expected}) == 3, "publications alike"
    for publication in expected:
        assert publication["relations"] > 0 and publication["pyramid"], publication
    seen = [expected.index(read) if read in expected else None for read in reads]
    assert None not in seen, reads[seen.index(None)]  # empty or mixed
    assert len(reads) > 20, f"the reader only managed {len(reads)} reads"
    # Publications appear in order and each read is one of them: A.., B.., C..
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 2, sorted(set(seen))

    status = read_status(published)
    assert status["last_success"]["as_of"] == dates[2].isoformat()
    failure = status["last_failure"]
    assert failure["step"] == "dbt_models" and "2020-H1" in failure["reason"], failure
    assert failure["job"] == "segment_review"


def _wal_bytes(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _written_since(folder: Path, since: float, name_part: str = "") -> bool:
    return any(
        path.stat().st_mtime > since
        for path in folder.rglob("*.sql")
        if name_part in path.name and path.is_file()
    )


# Where to kill, told by what the run leaves on disk (Dagster logs step starts only at
# DEBUG): (name, predicate(workdir, started), seconds to wait after it holds).
KILL_POINTS = [
    ("ingestion", lambda work, t: _wal_bytes(work / "build" / "warehouse.duckdb.wal") > 0, 0.2),
    ("the dbt models", lambda work, t: _written_since(work / "build" / "dbt_target", t), 1.0),
    (
        "the dbt tests",
        lambda work, t: _written_since(work / "build" / "dbt_target", t, "not_null_"),
        0.5,
    ),
    ("publication", lambda work, t: (work / ".warehouse.duckdb.publishing").exists(), 0.0),
]


def start_and_kill(env: dict[str, str], workdir: Path, reached, delay: float) -> bool:
    """Start a refresh and SIGKILL its whole process group `delay` s after `reached`
    holds. False when the run finished before the kill landed."""
    started = time.time()
    process = subprocess.Popen(
        refresh_command("refresh"),
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # dbt runs as a child: kill the group, as a crash would
    )
    while process.poll() is None and not reached(workdir, started):
        time.sleep(0.01)
    time.sleep(delay)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return killed


def test_sigkill_at_any_point_keeps_the_publication_and_the_next_refresh_succeeds(
    demo_sources, tmp_path
):
    env = pipeline_env(demo_sources, tmp_path)
    published = Path(env["PYRAMID_WAREHOUSE"])
    first = run_refresh(env)
    assert first.returncode == 0, first.stderr[-3000:]
    good, good_contents = sha256(published), contents(published)
    good_status = read_status(published)["last_success"]

    kills = 0
    for point, reached, delay in KILL_POINTS:
        killed = start_and_kill(env, tmp_path, reached, delay)
        kills += killed
        if sha256(published) == good:  # the old publication, byte for byte
            if killed:
                assert read_status(published)["last_success"] == good_status, point
            continue
        # Otherwise the swap happened before the kill landed (the process may still have
        # been recording its success): then it must be a whole, correct publication.
        assert point == "publication" or not killed, f"killed during {point}: file changed"
        assert contents(published) == good_contents, f"killed during {point}: bad publication"
        good, good_status = sha256(published), read_status(published)["last_success"]
    assert kills >= 3, f"only {kills} of {len(KILL_POINTS)} kills landed during a run"

    after = run_refresh(env)
    assert after.returncode == 0, after.stderr[-3000:]
    assert contents(published) == good_contents
    assert read_status(published)["last_success"]["run_id"] != good_status["run_id"]


def test_failure_is_shown_on_the_data_quality_page(built_warehouse, tmp_path, monkeypatch):
    import shutil

    from app import formatting

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(warehouse))
    status_path(warehouse).write_text(
        json.dumps(
            {
                "last_success": {
                    "run_id": "a",
                    "job": "nightly_refresh",
                    "as_of": "2026-11-22",
                    "finished_at": "2026-11-22T01:05:00+00:00",
                },
                "last_failure": {
                    "run_id": "b",
                    "job": "nightly_refresh",
                    "step": "erp__invoices",
                    "reason": "erp/invoices.csv: column invoice_date is missing",
                    "failed_at": "2026-11-23T01:04:00+00:00",
                },
            }
        )
    )
    at = app_test()
    at.run()
    at.switch_page("pages/data_quality.py").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(element.value for element in at.error)
    assert "erp__invoices" in errors and "mislukt" in errors
    assert any("invoice_date is missing" in code.value for code in at.code)
    assert formatting.fmt_datetime(dt.datetime(2026, 11, 22, 1, 5, tzinfo=dt.UTC).astimezone()) in (
        errors
    )

    # After a later success the page says so, and mentions the earlier failure.
    status = json.loads(status_path(warehouse).read_text())
    status["last_success"]["finished_at"] = "2026-11-23T01:30:00+00:00"
    status_path(warehouse).write_text(json.dumps(status))
    at.run()
    assert not at.error
    assert any("geslaagd" in element.value for element in at.success)
    assert any("erp__invoices" in caption.value for caption in at.caption)


def test_failing_dbt_nodes_are_named_with_their_message(tmp_path):
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.customer_pyramid.relation_kinds", "status": "success"},
                    {
                        "unique_id": "test.customer_pyramid.unique_relation_kinds_relation_id.1a",
                        "status": "fail",
                        "failures": 3,
                        "message": "Got 3 results",
                    },
                    {
                        "unique_id": "model.customer_pyramid.visit_plan",
                        "status": "error",
                        "message": "Binder Error: column x not found\nLINE 1: ...",
                    },
                ]
            }
        )
    )
    assert failing_dbt_nodes(run_results) == [
        "test unique_relation_kinds_relation_id (3 rows): Got 3 results",
        "model visit_plan: Binder Error: column x not found",
    ]
    assert failing_dbt_nodes(tmp_path / "missing.json") == []
