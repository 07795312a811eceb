"""Time travel without harm (docs/business-rules.md section 13): one writer at a time,
replays beside the published warehouse, the refusal of an earlier as_of, the segment
history and its page.

Real parts: `python -m orchestration.cli` processes (Dagster, dbt, DuckDB files), flock
on real lock files, SIGKILL of a refresh's process group, Streamlit AppTest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dateutil.relativedelta import relativedelta

from orchestration.dbt_manifest import ensure_manifest
from orchestration.settings import REPO_ROOT, load_settings
from orchestration.warehouse import lock
from orchestration.warehouse.replay import (
    cut_history,
    list_replays,
    published_as_of,
    replay_path,
    replay_settings,
)
from tests.harness import AS_OF, app_test, pipeline_env, run_dbt

HALF_A_YEAR_EARLIER = AS_OF - relativedelta(months=6)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", *args]


def run_cli(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli(*args),
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_copy(built_warehouse: Path, workdir: Path, demo_sources: Path) -> dict[str, str]:
    """A pipeline environment under `workdir` whose published warehouse is a copy of the
    session's (as_of AS_OF, review 2026-H2)."""
    env = pipeline_env(demo_sources, workdir)
    Path(env["PYRAMID_WAREHOUSE"]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built_warehouse, env["PYRAMID_WAREHOUSE"])
    return env


HOLDER = r"""
import sys, time
from pathlib import Path
from orchestration.warehouse.lock import writer_lock
with writer_lock(Path(sys.argv[1]), "refresh"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(warehouse: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the writer lock of `warehouse` for `seconds`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), str(seconds)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


# --- one writer at a time: the lock ---------------------------------------------------------


def test_the_lock_names_its_holder_and_refuses_a_second_writer(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_lock(warehouse, 30)
    try:
        record = json.loads(lock.lock_path(warehouse).read_text())
        assert record["what"] == "refresh" and record["pid"] == holder.pid
        assert {"since", "host"} <= set(record)
        started = time.monotonic()
        with (
            pytest.raises(lock.WarehouseBusy) as busy,
            lock.writer_lock(warehouse, "review 2027-H1", timeout=0),
        ):
            pass
        assert time.monotonic() - started < 1
        message = str(busy.value)
        assert f"PID {holder.pid}" in message and "refresh" in message
        assert record["since"] in message and len(message.splitlines()) <= 3
        # With a timeout it waits that long, then gives up.
        started = time.monotonic()
        with pytest.raises(lock.WarehouseBusy), lock.writer_lock(warehouse, "review", timeout=1.2):
            pass
        assert 1.1 < time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_reentrant_and_waits_for_a_writer_that_finishes(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with lock.writer_lock(warehouse, "refresh") as outer:
        with lock.writer_lock(warehouse, "refresh") as inner:  # the run inside the CLI
            assert inner is outer
        assert json.loads(lock.lock_path(warehouse).read_text())["pid"] == os.getpid()
    assert lock.lock_path(warehouse).read_text() == ""  # released: names nobody
    holder = hold_lock(warehouse, 1)
    try:
        with lock.writer_lock(warehouse, "review", timeout=30):
            assert json.loads(lock.lock_path(warehouse).read_text())["what"] == "review"
    finally:
        holder.wait()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], stdout=-1)
    dead_pid = int(gone.stdout)
    stale = {"what": "refresh", "pid": dead_pid, "since": "2026-12-01T02:00:00+00:00"}
    lock.lock_path(warehouse).write_text(json.dumps(stale))
    heard = []
    with lock.writer_lock(warehouse, "refresh", timeout=0, log=heard.append):
        assert json.loads(lock.lock_path(warehouse).read_text())["pid"] == os.getpid()
    assert heard and f"PID {dead_pid}" in heard[0] and "gone" in heard[0]


def test_lock_timeout_setting():
    assert lock.lock_timeout({}) == lock.DEFAULT_LOCK_TIMEOUT_SECONDS == 0
    assert lock.lock_timeout({lock.LOCK_TIMEOUT_ENV: "90"}) == 90
    for bad in ("-1", "soon"):
        with pytest.raises(ValueError, match=lock.LOCK_TIMEOUT_ENV):
            lock.lock_timeout({lock.LOCK_TIMEOUT_ENV: bad})


def test_a_second_refresh_exits_75_at_once_with_a_short_message(tmp_path, demo_sources):
    env = pipeline_env(demo_sources, tmp_path)
    holder = hold_lock(Path(env["PYRAMID_WAREHOUSE"]), 60)
    try:
        for args in (
            ["refresh"],
            ["review", "--period", "2026-H2"],
            ["replay", "--as-of", "2026-05-23"],
        ):
            started = time.monotonic()
            done = run_cli(env, *args, timeout=60)
            assert done.returncode == lock.EXIT_BUSY, done.stderr
            assert time.monotonic() - started < 20
            lines = done.stderr.strip().splitlines()
            assert 1 <= len(lines) <= 5, done.stderr
            assert f"PID {holder.pid}" in done.stderr and "refresh" in done.stderr
            assert "Traceback" not in done.stderr
    finally:
        holder.kill()
        holder.wait()
    assert not Path(env["PYRAMID_WAREHOUSE"]).exists()  # nothing ran, nothing published


def test_dagster_runs_that_write_are_queued_one_at_a_time(tmp_path, monkeypatch):
    import dagster as dg

    from orchestration.cli import DAGSTER_CONFIG, ensure_dagster_home
    from orchestration.defs.jobs import WRITER_TAG

    ensure_manifest()
    from orchestration.definitions import defs

    for name in ("nightly_refresh", "segment_review", "replay"):
        assert defs.resolve_job_def(name).tags.get(WRITER_TAG) == "true", name
    assert WRITER_TAG in DAGSTER_CONFIG
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    # A dagster.yaml of the previous version (without the limit) is brought up to date.
    (tmp_path / "dagster.yaml").write_text(DAGSTER_CONFIG.split("concurrency:")[0])
    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": WRITER_TAG, "limit": 1} in limits
    # The replay job asks for one thing: the date.
    replay = defs.resolve_job_def("replay")
    fields = replay.run_config_schema.config_type.fields
    assert fields["as_of"].is_required


# --- replays and the refusal ----------------------------------------------------------------


def test_replay_files_and_settings(tmp_path):
    settings = load_settings({"PYRAMID_WAREHOUSE": str(tmp_path / "wh.duckdb")})
    replay = replay_settings(settings, dt.date(2026, 5, 1))
    assert replay.warehouse == tmp_path / "replays" / "2026-05-01.duckdb"
    assert replay.build_warehouse == tmp_path / "replays" / "build" / "2026-05-01.duckdb"
    assert replay.is_replay and replay.replay_of == settings.warehouse
    assert replay.as_of == dt.date(2026, 5, 1)
    for name in (
        "2026-05-01.duckdb",
        "2025-11-30.duckdb",
        "notes.duckdb",
        "2026-05-01.status.json",
    ):
        (tmp_path / "replays" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "replays" / name).write_text("")
    assert [day for day, _ in list_replays(settings.warehouse)] == [
        dt.date(2026, 5, 1),
        dt.date(2025, 11, 30),
    ]


def test_an_earlier_refresh_is_refused_and_points_to_replay(
    built_warehouse, demo_sources, tmp_path
):
    env = published_copy(built_warehouse, tmp_path, demo_sources)
    published = Path(env["PYRAMID_WAREHOUSE"])
    before = sha256(published)
    earlier = {**env, "PYRAMID_AS_OF": HALF_A_YEAR_EARLIER.isoformat()}
    for args in (["refresh"], ["review", "--period", "2026-H1"]):
        done = run_cli(earlier, *args, timeout=120)
        assert done.returncode == 2, done.stderr
        assert f"make replay AS_OF={HALF_A_YEAR_EARLIER}" in done.stderr
        assert "--force-earlier" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) <= 5
    assert sha256(published) == before
    assert not (tmp_path / "build").exists()  # refused before anything ran


def test_cutting_history_back_to_a_date(built_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        assert con.execute("select count(*) from marts.service_level_reviews").fetchone()[0]
        removed = cut_history(con, HALF_A_YEAR_EARLIER)
        assert removed["marts.service_level_reviews"] > 0  # the 2026-H2 review came later
        assert removed["marts.segment_history"] > 0
        assert con.execute("select count(*) from marts.service_level_reviews").fetchone()[0] == 0
        assert con.execute("select count(*) from marts.segment_history").fetchone()[0] == 0
        assert con.execute("select count(*) from marts.relation_kinds").fetchone()[0] > 0
    with duckdb.connect(str(copy)) as con:  # as of the session's date: nothing goes
        assert cut_history(con, AS_OF) == {
            "marts.service_level_reviews": 0,
            "marts.segment_history": 0,
            "history.relation_kinds_history": 0,
        }


def test_segment_history_holds_the_marts_of_the_refresh_date(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        dates = con.execute("select distinct snapshot_date from marts.segment_history").fetchall()
        assert dates == [(AS_OF,)]
        assert published_as_of(built_warehouse) == AS_OF
        differences = con.execute(
            """
            select count(*) from marts.relation_kinds as k
            left join marts.customer_pyramid as p using (relation_id)
            left join marts.customer_abc as a using (relation_id)
            left join marts.service_levels as s using (relation_id)
            full outer join marts.segment_history as h using (relation_id)
            where h.relation_id is null or k.relation_id is null
               or h.relation_kind is distinct from k.relation_kind
               or h.pyramid_level is distinct from p.pyramid_level
               or h.abc_class is distinct from a.abc_class
               or h.effective_level is distinct from s.effective_level
            """
        ).fetchone()[0]
        assert differences == 0
        levels = con.execute(
            "select count(effective_level), count(abc_class) from marts.segment_history"
        ).fetchone()
        assert levels[0] > 0 and levels[1] > 0


@pytest.mark.slow
def test_replay_half_a_year_back_leaves_everything_published_alone(
    built_warehouse, demo_sources, tmp_path
):
    from orchestration.decisions import store
    from tests.test_marts import Rules, compute_expected, kinds_of, read_raw

    env = published_copy(built_warehouse, tmp_path, demo_sources)
    published = Path(env["PYRAMID_WAREHOUSE"])
    decisions = Path(env["PYRAMID_DECISIONS"])
    with store.open_store(f"sqlite:///{decisions}") as engine:  # a decision taken today
        store.append(
            engine,
            store.NewDecision(
                decision_type=store.OVERRIDE,
                relation_id="R00001",
                review_period="2026-H2",
                level="A",
                until_date=None,
                reason="key account",
                decided_by="test",
            ),
        )
    untouched = {path: sha256(path) for path in (published, decisions)}

    done = run_cli(env, "replay", "--as-of", HALF_A_YEAR_EARLIER.isoformat())
    assert done.returncode == 0, done.stderr[-3000:]
    assert {path: sha256(path) for path in untouched} == untouched
    replay = replay_path(published, HALF_A_YEAR_EARLIER)
    assert replay.exists() and str(replay) in done.stdout
    assert not Path(env["PYRAMID_BUILD_WAREHOUSE"]).exists()  # the published build untouched
    assert not (replay.parent / "build" / replay.name).exists()  # its own working file gone

    with duckdb.connect(str(replay), read_only=True) as con:
        raw, rules = read_raw(con), Rules.read(con)
        kinds = dict(
            con.execute("select relation_id, relation_kind from marts.relation_kinds").fetchall()
        )
        assert con.execute(
            "select distinct snapshot_date from marts.segment_history"
        ).fetchall() == [(HALF_A_YEAR_EARLIER,)]
        # The 2026-H2 review and today's decision came later: not in the replay.
        assert con.execute("select count(*) from marts.service_level_reviews").fetchone()[0] == 0
        assert con.execute("select count(*) from raw.decisions").fetchone()[0] == 0
    expected = kinds_of(compute_expected(raw, HALF_A_YEAR_EARLIER, rules))
    now = kinds_of(compute_expected(raw, AS_OF, rules))
    assert kinds == expected
    assert sum(expected[r] != now[r] for r in expected) >= 5, "half a year should show"


@pytest.mark.slow
def test_history_order_idempotence_rebuilds_and_forcing(demo_sources, tmp_path):
    first, second, third = AS_OF - dt.timedelta(days=30), AS_OF, AS_OF + dt.timedelta(days=7)
    env = pipeline_env(demo_sources, tmp_path, as_of=first)
    published = Path(env["PYRAMID_WAREHOUSE"])

    def refresh(day: dt.date, *args: str) -> subprocess.CompletedProcess:
        return run_cli({**env, "PYRAMID_AS_OF": day.isoformat()}, "refresh", *args)

    def history() -> dict[dt.date, int]:
        with duckdb.connect(str(published), read_only=True) as con:
            return dict(
                con.execute(
                    "select snapshot_date, count(*) from marts.segment_history group by all"
                ).fetchall()
            )

    assert refresh(first).returncode == 0
    relations = history()[first]
    assert refresh(first).returncode == 0  # the same date again: replaced, not doubled
    assert history() == {first: relations}
    assert refresh(second).returncode == 0
    assert history() == {first: relations, second: relations}
    # A lost working file: the next refresh starts from the publication, history and all.
    shutil.rmtree(Path(env["PYRAMID_BUILD_WAREHOUSE"]).parent)
    assert refresh(third).returncode == 0
    kept = history()
    assert kept == {first: relations, second: relations, third: relations}

    # An earlier date is refused; forced, it publishes, but never writes the past into
    # the history after a later date.
    refused = refresh(first)
    assert refused.returncode == 2 and "make replay" in refused.stderr
    forced = refresh(first, "--force-earlier")
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert published_as_of(published) == first
    assert history() == kept

    # dbt build --full-refresh keeps it too (full_refresh=false).
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(published, copy)
    run_dbt(
        [
            "build",
            "--select",
            "segment_history",
            "--full-refresh",
            "--exclude-resource-type",
            "unit_test",
        ],
        env={"PYRAMID_BUILD_WAREHOUSE": str(copy), "PYRAMID_AS_OF": third.isoformat()},
        artifacts=tmp_path / "dbt",
    )
    with duckdb.connect(str(copy), read_only=True) as con:
        assert (
            dict(
                con.execute(
                    "select snapshot_date, count(*) from marts.segment_history group by all"
                ).fetchall()
            )
            == kept
        )


@pytest.mark.slow
def test_two_refreshes_two_seconds_apart(built_warehouse, demo_sources, tmp_path):
    env = published_copy(built_warehouse, tmp_path, demo_sources)
    published = Path(env["PYRAMID_WAREHOUSE"])
    first = subprocess.Popen(
        cli("refresh"), cwd=REPO_ROOT, env={**os.environ, **env}, stdout=-1, stderr=-1, text=True
    )
    time.sleep(2)
    started = time.monotonic()
    second = run_cli(env, "refresh")
    took = time.monotonic() - started
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-3000:]
    if second.returncode == lock.EXIT_BUSY:
        assert took < 20, took
        lines = second.stderr.strip().splitlines()
        assert len(lines) <= 5 and f"PID {first.pid}" in second.stderr, second.stderr
    else:  # it came after the first had finished
        assert second.returncode == 0, second.stderr[-3000:]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.relation_kinds").fetchone()[0] > 0
        assert con.execute("select count(*) from marts.segment_history").fetchone()[0] > 0
    assert not list(tmp_path.glob(".*.publishing"))


@pytest.mark.slow
def test_a_killed_refresh_leaves_a_lock_the_next_one_takes_over(demo_sources, tmp_path):
    env = pipeline_env(demo_sources, tmp_path)
    lock_file = lock.lock_path(Path(env["PYRAMID_WAREHOUSE"]))
    process = subprocess.Popen(
        cli("refresh"),
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (lock_file.exists() and lock_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert json.loads(lock_file.read_text())["pid"] == process.pid  # left behind
    after = run_cli(env, "refresh")
    assert after.returncode == 0, after.stderr[-3000:]
    assert f"PID {process.pid}" in after.stderr and "taking over" in after.stderr


# --- the dashboard --------------------------------------------------------------------------


@pytest.fixture
def with_replay(built_warehouse, tmp_path, monkeypatch) -> Path:
    """A published warehouse (the session's) with a replay beside it (a copy: the page only
    needs a file with its date in the name)."""
    published = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse, published)
    replay = replay_path(published, HALF_A_YEAR_EARLIER)
    replay.parent.mkdir()
    shutil.copyfile(built_warehouse, replay)
    with duckdb.connect(str(replay)) as con:  # tell the files apart
        con.execute("delete from marts.relation_kinds where relation_kind = 'suspect'")
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(published))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return published


def test_the_history_page_compares_two_dates(with_replay):
    from app import i18n

    at = app_test().run()
    at.switch_page("pages/history.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.t("page.history", "nl")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    spec = json.loads(charts[0].proto.spec)
    assert any(layer["mark"]["type"] == "rect" for layer in spec["layer"])
    # One date so far: the diagonal holds every relation.
    cells = at.selectbox(key="history_cell_relation_kind")
    assert cells.options and all("→" in option for option in cells.options)
    tables = [frame.value for frame in at.dataframe]
    assert tables and len(tables[0]) > 0


def test_a_replay_opens_read_only_with_its_banner(with_replay):
    from app import i18n

    at = app_test().run()
    choice = at.sidebar.selectbox(key="replay_as_of")
    assert choice.value == ""  # the published warehouse by default
    assert not any("Situatie op" in warning.value for warning in at.warning)
    at.switch_page("pages/relation_kinds.py").run()
    suspects_published = at.metric[3].value
    choice = at.sidebar.selectbox(key="replay_as_of")
    choice.set_value(HALF_A_YEAR_EARLIER.isoformat()).run()
    assert not at.exception, [e.value for e in at.exception]
    banner = i18n.t("replay.banner", "nl", date=HALF_A_YEAR_EARLIER.strftime("%d-%m-%Y"))
    assert any(warning.value == banner for warning in at.warning)
    assert at.metric[3].value == "0" != suspects_published  # read from the replay
    at.switch_page("pages/review.py").run()  # no decisions on the past
    assert not at.exception, [e.value for e in at.exception]
    assert any(info.value == i18n.t("replay.no_decisions", "nl") for info in at.info)
    assert at.button(key="review_submit").disabled and at.button(key="review_accept").disabled
