"""What-if (docs/business-rules.md section 13): `python -m orchestration.whatif` against a
full dbt rebuild with the same settings and against the independent reading of the rules
in tests/test_marts.py; the published warehouse and the decisions store stay unchanged;
bad settings exit 2 before any file is touched."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import REPO_ROOT
from orchestration.whatif import __main__ as cli
from orchestration.whatif import parse_assignments, rules, run_what_if, scratch
from tests.harness import AS_OF, run_dbt
from tests.test_marts import Rules, compute_expected, read_raw

SECTIONS = {"service_levels", "abc", "pyramid", "migration", "visit_demand"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under `folder` (recursively) with its checksum."""
    return {
        str(path.relative_to(folder)): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def whatif_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.whatif", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def counts(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return {key: int(n) for key, n in con.execute(sql).fetchall() if n}


def nonzero(counts_by_key: dict[str, int]) -> dict[str, int]:
    return {key: n for key, n in counts_by_key.items() if n}


# --- settings: parsed and checked before anything is read ------------------------------------


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("abc_c_share=0.5", "unknown setting 'abc_c_share'"),
        ("abc_a_share=seventy", "is not a number"),
        ("abc_a_share=1.2", "between 0 and 1"),
        ("pyramid_top_pct=120", "between 0 and 100"),
        ("potential_high=-5", "must not be negative"),
        ("planning_horizon_weeks=2.5", "whole number"),
        ("visits_per_year.D=4", "unknown visit norm"),
        ("visits_per_year.A=many", "is not a number"),
        ("default_country=DE", "must be one of NL, BE"),
        ("as_of=2026-01-01", "cannot be set in a what-if"),
        ("abc_a_share", "write NAME=VALUE"),
    ],
)
def test_a_bad_setting_exits_2_with_one_line_and_touches_nothing(
    assignment, message, tmp_path, monkeypatch, capsys
):
    # No warehouse at all: the check comes before any file is opened.
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert cli.main(["--set", assignment, "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert list(tmp_path.iterdir()) == []


def test_a_setting_given_twice_is_refused():
    with pytest.raises(rules.WhatIfInputError, match="set twice"):
        parse_assignments(["abc_a_share=0.7", "abc_a_share=0.6"])


def test_every_rule_var_and_every_norm_can_be_set():
    names = rules.settable_names()
    for name in ("abc_a_share", "abc_b_share", "potential_high", "potential_medium"):
        assert name in names
    assert {"pyramid_top_pct", "pyramid_large_pct", "pyramid_medium_pct"} <= set(names)
    assert {"visits_per_year.A", "visits_per_year.B", "visits_per_year.C"} <= set(names)
    assert "as_of" not in names and "review_period" not in names
    changes = parse_assignments(["abc_a_share=0.7", "potential_high=40000", "visits_per_year.A=10"])
    assert changes.variables == {"abc_a_share": 0.7, "potential_high": 40000}
    assert changes.norms == {"A": 10}


def test_orderings_are_checked_against_the_published_values():
    current = {"abc_a_share": "0.8", "abc_b_share": "0.95", "potential_medium": "10000"}
    rules.check_orderings(parse_assignments(["abc_a_share=0.9"]), current)
    with pytest.raises(rules.WhatIfInputError, match=r"abc_a_share=0\.97 is above abc_b_share"):
        rules.check_orderings(parse_assignments(["abc_a_share=0.97"]), current)
    with pytest.raises(rules.WhatIfInputError, match="potential_medium=10000 is above"):
        rules.check_orderings(parse_assignments(["potential_high=5000"]), current)


# --- which models a setting reaches --------------------------------------------------------


def test_the_rebuild_selects_what_a_setting_reaches_up_to_the_figure_marts():
    abc = "path:models/marts/segmentation/customer_abc.sql"
    proposals = "path:models/marts/service/service_level_proposals.sql"
    assert scratch.models_reading(["abc_a_share"]) == {abc}
    assert scratch.models_reading(["potential_high", "potential_medium"]) == {proposals}
    # Through a macro (planning_horizon_weeks()) and with double quotes (default_country).
    working_days = "path:models/intermediate/planning/int_salespeople_working_days.sql"
    assert working_days in scratch.models_reading(["planning_horizon_weeks"])
    assert working_days in scratch.models_reading(["default_country"])
    assert scratch.selection([], False) == []
    # The mart customer_pyramid is selected by path: `+customer_pyramid` is the whole project.
    select = scratch.selection(["abc_a_share"], True)
    assert f"{abc}+,+path:models/marts/segmentation/customer_pyramid.sql" in select
    assert "service_level_capacities+,+path:models/marts/service/service_levels.sql" in select
    args = scratch.dbt_run_args(select, {"abc_a_share": 0.7}, Path("/scratch"))
    assert args[0] == "run"
    assert args[args.index("--exclude") + 1] == "config.materialized:incremental"
    assert json.loads(args[args.index("--vars") + 1]) == {"abc_a_share": 0.7}


# --- the must-show: the CLI against a full rebuild and the rules, nothing published changes --


@pytest.fixture(scope="module")
def rebuilt(built_warehouse, tmp_path_factory) -> Path:
    """A full dbt rebuild (seeds, every model, snapshots) of a copy of the published
    warehouse with abc_a_share=0.7 and potential_high=40000: what a refresh with those
    settings would publish."""
    folder = tmp_path_factory.mktemp("whatif_rebuild")
    copy = Path(shutil.copy(built_warehouse, folder / built_warehouse.name))
    env = {
        "PYRAMID_WAREHOUSE": str(copy),
        "PYRAMID_BUILD_WAREHOUSE": str(copy),
        "PYRAMID_AS_OF": AS_OF.isoformat(),
    }
    vars_ = json.dumps({"abc_a_share": 0.7, "potential_high": 40000})
    run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test",
         "--vars", vars_],
        env=env,
        artifacts=folder,
    )  # fmt: skip
    return copy


def test_whatif_equals_a_full_rebuild_and_the_rules_and_publishes_nothing(
    built_warehouse, rebuilt, tmp_path
):
    published_folder = built_warehouse.parent
    decisions = published_folder / "decisions.sqlite"
    assert decisions.exists()
    before_files = folder_state(published_folder)
    env = {
        "PYRAMID_WAREHOUSE": str(built_warehouse),
        "PYRAMID_BUILD_WAREHOUSE": str(published_folder / "build" / built_warehouse.name),
        "PYRAMID_DECISIONS": str(decisions),
        "PYRAMID_AS_OF": "",
    }
    done = whatif_cli(
        env, "--set", "abc_a_share=0.7", "--set", "potential_high=40000", "--format", "json"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert set(result) == SECTIONS
    for section in SECTIONS:
        assert {"before", "after"} <= set(result[section]), section

    # The published file, the decisions store, the build folder: byte for byte unchanged,
    # and no scratch folder left behind.
    assert folder_state(published_folder) == before_files
    assert sha256(built_warehouse) == before_files[built_warehouse.name]

    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        published = {
            "service_levels": counts(
                con, "select effective_level, count(*) from marts.service_levels group by all"
            ),
            "abc": counts(con, "select abc_class, count(*) from marts.customer_abc group by all"),
            "pyramid": counts(
                con, "select pyramid_level, count(*) from marts.customer_pyramid group by all"
            ),
        }
        raw = read_raw(con)
        published_rules = Rules.read(con)
        open_overrides = dict(
            con.execute(
                "select relation_id, override_level from marts.service_level_open_review "
                "where override_level is not null"
            ).fetchall()
        )
    with duckdb.connect(str(rebuilt), read_only=True) as con:
        full = {
            "service_levels": counts(
                con, "select effective_level, count(*) from marts.service_levels group by all"
            ),
            "next_review": counts(
                con,
                "select assigned_level, count(*) from marts.service_level_open_review group by all",
            ),
            "abc": counts(con, "select abc_class, count(*) from marts.customer_abc group by all"),
            "pyramid": counts(
                con, "select pyramid_level, count(*) from marts.customer_pyramid group by all"
            ),
        }

    # before = the published marts; after = the full rebuild with the same settings.
    for section in ("service_levels", "abc", "pyramid"):
        assert nonzero(result[section]["before"]) == published[section], section
        assert nonzero(result[section]["after"]) == full[section], section
    assert nonzero(result["service_levels"]["next_review"]["after"]) == full["next_review"]

    # after = the independent reading of the rules (tests/test_marts.py) with the same
    # thresholds: ABC classes, and the level the coming review assigns (the proposal, or
    # a decision recorded for that period).
    changed = dataclasses.replace(
        published_rules, abc_a_share=Decimal("0.7"), potential_high=Decimal(40000)
    )
    expected = compute_expected(raw, AS_OF, changed)
    expected_abc = Counter(row["abc_class"] for row in expected.abc.values())
    assert nonzero(result["abc"]["after"]) == dict(expected_abc)
    expected_levels = Counter(
        open_overrides.get(relation_id, row["proposed_level"])
        for relation_id, row in expected.service.items()
    )
    assert nonzero(result["service_levels"]["next_review"]["after"]) == dict(expected_levels)
    # The thresholds matter: fewer A customers at 70%, other levels at the next review.
    assert result["abc"]["after"]["A"] < result["abc"]["before"]["A"]
    assert (
        result["service_levels"]["next_review"]["after"]
        != result["service_levels"]["next_review"]["before"]
    )

    # The migration matrix adds up to the counts before (rows) and after (columns).
    for migration, levels in (
        (result["migration"], result["service_levels"]),
        (result["migration"]["next_review"], result["service_levels"]["next_review"]),
    ):
        matrix = migration["matrix"]
        assert {row: sum(cells.values()) for row, cells in matrix.items()} == levels["before"]
        columns = {column for cells in matrix.values() for column in cells}
        assert {c: sum(cells[c] for cells in matrix.values()) for c in columns} == levels["after"]

    # Visits demanded = customers per level x the level's norm.
    demand = result["visit_demand"]
    for side in ("before", "after"):
        norms = demand[side]["norms"]
        assert demand[side]["visits_per_year"] == sum(
            result["service_levels"][side][level] * norms[level] for level in norms
        )
        assert demand[side]["capacity_per_year"] > 0


@pytest.mark.slow  # a second what-if run; the must-show above stays in make test-fast
def test_a_visit_norm_changes_the_demand_and_a_broken_order_exits_2(
    built_warehouse, capsys, monkeypatch
):
    checksum = sha256(built_warehouse)
    answer = run_what_if(parse_assignments(["visits_per_year.A=20"]), warehouse=built_warehouse)
    demand = answer.result["visit_demand"]
    a_customers = answer.result["service_levels"]["after"]["A"]
    assert demand["after"]["norms"]["A"] == 20
    assert demand["after"]["by_level"]["A"] == 20 * a_customers
    assert demand["after"]["visits_per_year"] - demand["before"]["visits_per_year"] == (
        (20 - demand["before"]["norms"]["A"]) * a_customers
    )
    # Only service_levels (and what lies between the seed and the figure marts) was rebuilt.
    assert answer.models_rebuilt >= 1
    assert answer.result["abc"]["after"] == answer.result["abc"]["before"]

    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    assert cli.main(["--set", "abc_a_share=0.97", "--format", "table"]) == 2
    assert "abc_a_share=0.97 is above abc_b_share=0.95" in capsys.readouterr().err
    assert sha256(built_warehouse) == checksum
