"""The decisions store and its CLI (`python -m orchestration.decisions`) on real SQLite files.

The CLI runs as a real process against a small published warehouse: a DuckDB file with
only `marts.relation_kinds.relation_id`, the one column the relation check reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.decisions import store, validation
from orchestration.settings import REPO_ROOT, load_settings

RELATIONS = ("R1", "R2", "R3")
SEED_HEADER = "relation_id,review_period,level,reason,decided_by\n"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """Environment of a CLI process: a published warehouse and a store in tmp_path."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.relation_kinds (relation_id varchar)")
        con.executemany("insert into marts.relation_kinds values (?)", [[r] for r in RELATIONS])
    return {
        **os.environ,
        "PYRAMID_WAREHOUSE": str(warehouse),
        "PYRAMID_DECISIONS": str(tmp_path / "decisions.sqlite"),
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.decisions", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def record(env: dict[str, str], *args: str) -> None:
    """A decision the CLI must accept."""
    result = cli(env, *args)
    assert result.returncode == 0, result.stderr


def listed(env: dict[str, str], *filters: str) -> list[dict]:
    result = cli(env, "list", *filters, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def effective(env: dict[str, str]) -> list[store.Decision]:
    with store.open_store(load_settings(env).decisions) as engine:
        return store.effective(engine)


def test_settings_default_and_postgres_url(tmp_path):
    assert load_settings({}).decisions == f"sqlite:///{REPO_ROOT / 'data' / 'decisions.sqlite'}"
    relative = load_settings({"PYRAMID_DECISIONS": "decisions.sqlite"}).decisions
    assert relative == f"sqlite:///{Path('decisions.sqlite').resolve()}"
    url = "postgresql://pyramid:secret@db:5432/decisions"
    assert load_settings({"PYRAMID_DECISIONS": url}).decisions == url
    with pytest.raises(ValueError, match="mysql://") as error:
        load_settings({"PYRAMID_DECISIONS": "mysql://u:secret@db/x"})
    assert "secret" not in str(error.value)


def test_overrides_are_appended_and_the_latest_wins(env):
    record(env, "override", "R1", "2027-h1", "b", "--reason", "big order", "--by", "Jan")
    record(env, "override", "R1", "2027-H1", "A", "--reason", "even bigger", "--by", "Piet")
    record(env, "override", "R1", "2027-H2", "C", "--reason", "r", "--by", "Jan")

    history = listed(env, "--relation", "R1", "--period", "2027-H1")
    assert [(row["level"], row["reason"], row["decided_by"]) for row in history] == [
        ("B", "big order", "Jan"),
        ("A", "even bigger", "Piet"),
    ]
    assert history[0]["decision_id"] < history[1]["decision_id"]
    assert history[0]["decided_at"] <= history[1]["decided_at"]
    assert history[0]["decided_at"].endswith("+00:00")
    in_force = {(d.relation_id, d.review_period): d.level for d in effective(env)}
    assert in_force == {("R1", "2027-H1"): "A", ("R1", "2027-H2"): "C"}


def test_postpone(env):
    record(env, "postpone", "R2", "2027-03-01", "--reason", "r", "--by", "Jan")
    record(env, "postpone", "R2", "2027-06-01", "--reason", "later", "--by", "Jan")
    (row,) = [d for d in effective(env) if d.decision_type == store.POSTPONE]
    assert (row.relation_id, row.until_date.isoformat(), row.reason) == (
        "R2",
        "2027-06-01",
        "later",
    )
    assert row.review_period is None and row.level is None
    assert [r["until_date"] for r in listed(env)] == ["2027-03-01", "2027-06-01"]


def test_ties_on_decided_at_go_to_the_later_insert(tmp_path):
    with store.open_store(f"sqlite:///{tmp_path / 'd.sqlite'}") as engine:
        store.append(engine, validation.override("R1", "2027-H1", "A", "r", "x"))
        store.append(engine, validation.override("R1", "2027-H1", "C", "r", "x"))
        with engine.begin() as con:  # the same second on two clocks
            con.execute(
                store.decisions.update().values(decided_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
            )
        assert [d.level for d in store.effective(engine)] == ["C"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["override", "R9", "2027-H1", "A", "--reason", "r", "--by", "Jan"], "'R9'"),
        (["override", "R1", "2027-H1", "D", "--reason", "r", "--by", "Jan"], "'D'"),
        (["override", "R1", "2027-H3", "A", "--reason", "r", "--by", "Jan"], "'2027-H3'"),
        (["override", "R1", "2027-H1", "A", "--reason", "  ", "--by", "Jan"], "reason"),
        (["override", "R1", "2027-H1", "A", "--reason", "r", "--by", ""], "decided_by"),
        (["postpone", "R9", "2027-03-01", "--reason", "r", "--by", "Jan"], "'R9'"),
        (["postpone", "R1", "2027-02-30", "--reason", "r", "--by", "Jan"], "'2027-02-30'"),
        (["postpone", "R1", "2027-03-01", "--reason", "", "--by", "Jan"], "reason"),
        (["postpone", "R1", "2027-03-01", "--reason", "r", "--by", " "], "decided_by"),
        (["list", "--period", "2027-X", "--format", "json"], "'2027-X'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(env, args, named):
    store_file = Path(env["PYRAMID_DECISIONS"])
    record(env, "override", "R1", "2027-H1", "A", "--reason", "r", "--by", "J")
    before = store_file.read_bytes()

    result = cli(env, *args)

    assert result.returncode == 2
    assert named in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert store_file.read_bytes() == before
    assert len(listed(env)) == 1


def test_bad_input_does_not_create_the_store(env):
    result = cli(env, "override", "R1", "2027-H1", "Z", "--reason", "r", "--by", "Jan")
    assert result.returncode == 2
    assert not Path(env["PYRAMID_DECISIONS"]).exists()


def test_without_a_published_warehouse_run_refresh_first(env, tmp_path):
    env = {**env, "PYRAMID_WAREHOUSE": str(tmp_path / "missing.duckdb")}
    result = cli(env, "override", "R1", "2027-H1", "A", "--reason", "r", "--by", "Jan")
    assert result.returncode == 2
    assert "make refresh" in result.stderr
    assert not Path(env["PYRAMID_DECISIONS"]).exists()


def test_import_csv_of_the_old_seed(env, tmp_path):
    seed = tmp_path / "service_level_overrides.csv"
    seed.write_text(
        SEED_HEADER + 'R1,2027-H1,A,key account,Jan\nR2,2027-h2,c,"shrinking, slowly",Piet\n'
    )
    result = cli(env, "import-csv", str(seed))
    assert result.returncode == 0, result.stderr
    assert "2" in result.stdout
    rows = listed(env)
    assert [(r["relation_id"], r["review_period"], r["level"], r["reason"]) for r in rows] == [
        ("R1", "2027-H1", "A", "key account"),
        ("R2", "2027-H2", "C", "shrinking, slowly"),
    ]
    # The same file again adds nothing: a script may run it twice.
    again = cli(env, "import-csv", str(seed))
    assert again.returncode == 0, again.stderr
    assert "imported 0 overrides" in again.stdout and "(2 already in the store)" in again.stdout
    assert len(listed(env)) == 2
    # The repository's seed (header only) imports as nothing.
    empty = cli(env, "import-csv", str(REPO_ROOT / "seeds" / "service_level_overrides.csv"))
    assert empty.returncode == 0, empty.stderr
    assert len(listed(env)) == 2


def test_import_csv_with_a_bad_row_writes_nothing(env, tmp_path):
    record(env, "override", "R1", "2027-H1", "A", "--reason", "r", "--by", "J")
    before = Path(env["PYRAMID_DECISIONS"]).read_bytes()
    seed = tmp_path / "overrides.csv"
    seed.write_text(
        SEED_HEADER
        + "R1,2027-H2,A,fine,Jan\n"
        + "R7,2027-H2,A,fine,Jan\n"
        + "R2,2027-H2,X,fine,Jan\n"
        + "R3,2027-H2,B,fine,\n"
        + "R3,2027-H2,B,fine,Jan\n"
    )
    result = cli(env, "import-csv", str(seed))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"decisions: {seed}:3: relation_id: unknown relation 'R7'",
        f"decisions: {seed}:4: level: level 'X' must be one of A, B, C",
        f"decisions: {seed}:5: decided_by: decided_by '' is empty; say who decided what and why",
    ]
    assert Path(env["PYRAMID_DECISIONS"]).read_bytes() == before
    assert len(listed(env)) == 1


def test_import_csv_refuses_another_header(env, tmp_path):
    seed = tmp_path / "overrides.csv"
    seed.write_text("relation_id,level\nR1,A\n")
    result = cli(env, "import-csv", str(seed))
    assert result.returncode == 2
    assert "header" in result.stderr
    assert not Path(env["PYRAMID_DECISIONS"]).exists()


def test_list_formats_parse_back(env):
    record(env, "override", "R1", "2027-H1", "B", "--reason", 'a "quoted", reason', "--by", "J")
    record(env, "postpone", "R3", "2027-09-30", "--reason", "summer", "--by", "Piet")
    as_json = listed(env)
    result = cli(env, "list", "--format", "csv")
    assert result.returncode == 0, result.stderr
    as_csv = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(as_csv[0]) == [column.name for column in store.decisions.columns]
    assert len(as_json) == len(as_csv) == 2
    for from_json, from_csv in zip(as_json, as_csv, strict=True):
        assert {k: "" if v is None else str(v) for k, v in from_json.items()} == from_csv
    assert as_json[0]["reason"] == 'a "quoted", reason'
    assert [r["relation_id"] for r in listed(env, "--relation", "R3")] == ["R3"]
    assert listed(env, "--period", "2027-H1")[0]["relation_id"] == "R1"


WRITER = textwrap.dedent(
    """
    import sys
    from orchestration.decisions import store, validation

    url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with store.open_store(url) as engine:
        for i in range(count):
            store.append(engine, validation.override(f"R{i % 3}", "2027-H1", "A", str(i), name))
    """
)


def write_concurrently(url: str, writers: int, count: int) -> None:
    """`writers` processes, started together, each appending `count` decisions one by one
    (each its own transaction) into the same store, which none has created yet."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, f"writer{n}", str(count)],
            cwd=REPO_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr


def check_nothing_lost(url: str, writers: int, count: int) -> None:
    with store.open_store(url) as engine:
        rows = store.history(engine)
    assert len(rows) == writers * count
    assert len({row.decision_id for row in rows}) == writers * count
    for n in range(writers):
        mine = [int(row.reason) for row in rows if row.decided_by == f"writer{n}"]
        assert sorted(mine) == list(range(count))


def test_concurrent_writers_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'decisions.sqlite'}"
    write_concurrently(url, writers=4, count=100)
    check_nothing_lost(url, writers=4, count=100)


def test_an_unreachable_store_is_a_one_line_error(env):
    """A PostgreSQL store that does not answer: exit 1 (not the input's fault), no traceback."""
    unreachable = {**env, "PYRAMID_DECISIONS": "postgresql://nobody:x@127.0.0.1:1/decisions"}
    result = cli(unreachable, "list", "--format", "json")
    assert result.returncode == 1
    assert result.stderr.startswith("decisions: the store cannot be used:"), result.stderr
    assert "Traceback" not in result.stderr


def test_erasure_replaces_names_in_reasons_and_deciders(tmp_path):
    """The one UPDATE the store allows (make forget): the decisions stay, the names go."""
    with store.open_store(f"sqlite:///{tmp_path / 'decisions.sqlite'}") as engine:
        store.append(engine, validation.override("R1", "2027-H1", "A", "Ann de Wit 50%_off", "Jan"))
        store.append(engine, validation.override("R2", "2027-H1", "B", "100% sure", "Piet"))
        # LIKE wildcards in the value are literal: "50%_off" matches itself, not "100% sure".
        assert store.erase_text(engine, ["Ann de Wit", "50%_off", "absent"]) == 1
        assert store.erase_decider(engine, "Jan") == 1
        assert store.erase_decider(engine, "nobody") == 0
        rows = [(d.relation_id, d.level, d.reason, d.decided_by) for d in store.history(engine)]
    assert rows == [
        ("R1", "A", f"{store.ERASED} {store.ERASED}", store.ERASED),
        ("R2", "B", "100% sure", "Piet"),
    ]
