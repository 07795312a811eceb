"""The decisions reach the warehouse: the store is read into raw.decisions at every refresh,
the old seed's rows move into it once, and the latest override wins in the marts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.decisions import store, validation
from orchestration.decisions.raw import load_raw_decisions
from orchestration.decisions.seed import import_seed
from orchestration.defs.jobs import review_run_config
from orchestration.settings import REPO_ROOT
from tests.harness import pipeline_env, run_job

PERIOD = "2026-H2"  # the review period of the harness's as_of, 2026-11-23

# --- the store into raw, the seed into the store (no Dagster) -------------------------------


def test_an_empty_store_gives_an_empty_typed_raw_table():
    with store.open_store("sqlite://") as engine, duckdb.connect() as con:
        assert load_raw_decisions(con, engine) == 0
        columns = con.execute("describe raw.decisions").fetchall()
    assert [(name, kind) for name, kind, *_ in columns] == [
        ("decision_id", "BIGINT"),
        ("decision_type", "VARCHAR"),
        ("relation_id", "VARCHAR"),
        ("review_period", "VARCHAR"),
        ("level", "VARCHAR"),
        ("until_date", "DATE"),
        ("reason", "VARCHAR"),
        ("decided_by", "VARCHAR"),
        ("decided_at", "TIMESTAMP"),
    ]


def test_raw_decisions_is_replaced_whole_with_every_decision():
    with store.open_store("sqlite://") as engine, duckdb.connect() as con:
        store.append(engine, validation.override("R1", "2027-H1", "b", "first", "Jan"))
        load_raw_decisions(con, engine)
        store.append(engine, validation.override("R1", "2027-H1", "A", "second", "Piet"))
        store.append(engine, validation.postponement("R2", "2027-03-01", "busy", "Jan"))
        assert load_raw_decisions(con, engine) == 3
        rows = con.execute(
            "select decision_id, decision_type, level, until_date, reason from raw.decisions "
            "order by decision_id"
        ).fetchall()
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("override", "B", "first"),
        ("override", "A", "second"),
        ("postpone_reactivation", None, "busy"),
    ]
    assert rows[2][3].isoformat() == "2027-03-01"


def test_the_seed_rows_move_into_the_store_once(tmp_path):
    seed = tmp_path / "service_level_overrides.csv"
    seed.write_text(
        "relation_id,review_period,level,reason,decided_by\n"
        "R1,2027-H1,A,key account,Jan\n"
        "R2,2027-H2,C,shrinking,Piet\n",
        encoding="utf-8",
    )
    with store.open_store(f"sqlite:///{tmp_path / 'decisions.sqlite'}") as engine:
        # R2's row is in the store already (imported by hand with import-csv).
        store.append(engine, validation.override("R2", "2027-H2", "C", "shrinking", "Piet"))
        assert len(import_seed(engine, seed)) == 1
        assert import_seed(engine, seed) == []
        # A later decision for R1 is not the seed's row: the seed's stays imported once.
        store.append(engine, validation.override("R1", "2027-H1", "B", "changed", "Jan"))
        assert import_seed(engine, seed) == []
        held = [(d.relation_id, d.level, d.reason) for d in store.history(engine)]
    assert held == [
        ("R2", "C", "shrinking"),
        ("R1", "A", "key account"),
        ("R1", "B", "changed"),
    ]
    assert import_seed(engine, tmp_path / "missing.csv") == []


def test_a_bad_seed_row_imports_nothing(tmp_path):
    seed = tmp_path / "service_level_overrides.csv"
    seed.write_text(
        "relation_id,review_period,level,reason,decided_by\n"
        "R1,2027-H1,A,key account,Jan\n"
        "R2,2027-H3,C,shrinking,Piet\n",
        encoding="utf-8",
    )
    with store.open_store("sqlite://") as engine:
        with pytest.raises(validation.InvalidDecision, match="review_period"):
            import_seed(engine, seed)
        assert store.history(engine) == []


def test_the_repository_seed_is_importable():
    # Ships with the header only; a company's rows must pass the same checks.
    with store.open_store("sqlite://") as engine:
        assert import_seed(engine) == []


# --- the whole way: CLI, refresh, review, marts ---------------------------------------------


def decisions_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.decisions", *args],
        env={**os.environ, **env},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def query(env: dict[str, str], sql: str, params=()) -> list[tuple]:
    with duckdb.connect(env["PYRAMID_WAREHOUSE"], read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def service_level(env: dict[str, str], relation_id: str) -> tuple:
    (row,) = query(
        env,
        "select assigned_level, has_override, override_reason, decided_by, decided_at, "
        "review_period from marts.service_levels where relation_id = ?",
        [relation_id],
    )
    return row


@pytest.mark.slow
def test_an_override_from_the_cli_reaches_the_marts_and_the_latest_wins(demo_sources, tmp_path):
    env = pipeline_env(demo_sources, tmp_path)
    assert run_job(env, "nightly_refresh").success
    # A customer whose proposal is not A, so an override to A shows.
    relation_id, proposed = query(
        env,
        "select relation_id, proposed_level from marts.service_levels "
        "where proposed_level <> 'A' order by relation_id limit 1",
    )[0]
    assert query(env, "select count(*) from raw.decisions", []) == [(0,)]

    decisions_cli(
        env, "override", relation_id, PERIOD, "A", "--reason", "Won a tender", "--by", "Jan"
    )
    assert run_job(env, "segment_review", review_run_config(PERIOD)).success
    assigned, has_override, reason, decided_by, first_at, period = service_level(env, relation_id)
    assert (assigned, has_override, reason, decided_by, period) == (
        "A",
        True,
        "Won a tender",
        "Jan",
        PERIOD,
    )
    assert first_at is not None
    review = query(
        env,
        "select proposed_level, override_level, assigned_level, override_reason, decided_by, "
        "decided_at from marts.service_level_reviews where relation_id = ? and review_period = ?",
        [relation_id, PERIOD],
    )
    assert review == [(proposed, "A", "A", "Won a tender", "Jan", first_at)]

    # A changed mind: a second override of the same relation and period wins at the next
    # nightly refresh, after the review ran (the review keeps what it froze until re-run).
    decisions_cli(
        env, "override", relation_id, PERIOD, "B", "--reason", "Lost the tender", "--by", "Piet"
    )
    assert run_job(env, "nightly_refresh").success
    assigned, has_override, reason, decided_by, second_at, _ = service_level(env, relation_id)
    assert (assigned, has_override, reason, decided_by) == ("B", True, "Lost the tender", "Piet")
    assert second_at >= first_at

    listed = json.loads(decisions_cli(env, "list", "--relation", relation_id, "--format", "json"))
    assert [(d["level"], d["decided_by"]) for d in listed] == [("A", "Jan"), ("B", "Piet")]
    history = query(
        env,
        "select decision_id, level, reason, decided_by, is_in_force "
        "from marts.service_level_decisions where relation_id = ? order by decision_id",
        [relation_id],
    )
    assert history == [
        (listed[0]["decision_id"], "A", "Won a tender", "Jan", False),
        (listed[1]["decision_id"], "B", "Lost the tender", "Piet", True),
    ]

    # The migration matrix of the review counts every reviewed customer once.
    assert query(
        env,
        "select sum(relation_count) from marts.service_level_migrations where review_period = ?",
        [PERIOD],
    ) == query(
        env, "select count(*) from marts.service_level_reviews where review_period = ?", [PERIOD]
    )
    assert Path(env["PYRAMID_DECISIONS"]).exists()


def test_dbt_reads_the_decisions_after_the_decisions_asset():
    from orchestration.dbt_manifest import ensure_manifest
    from orchestration.definitions import defs

    ensure_manifest()
    graph = defs.resolve_asset_graph()
    source = dg.AssetKey(["decisions", "decisions"])
    (staging,) = [
        key for key in graph.get_all_asset_keys() if key.path[-1] == "stg_decisions__decisions"
    ]
    assert source in graph.get(staging).parent_keys
