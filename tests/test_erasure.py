"""Erasure of a contact person (AVG/GDPR): `python -m orchestration.forget` on warehouses
built by real Dagster runs, then refreshes on the unchanged source files.

No trace may remain: every column of every table and view of the published and the
working warehouse is searched for the contact's values (and the files' bytes too), right
after the erasure, after a following refresh, and after a refresh that lost its working
file. The erasure itself must be on record, without the data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import forget
from orchestration.decisions import store, validation
from orchestration.privacy import erasure
from orchestration.settings import load_settings
from tests.harness import pipeline_env, run_job

PERSONAL = ("first_name", "last_name", "email", "phone", "job_title", "marketing_consent")


@pytest.fixture(scope="module")
def pipeline(demo_sources, tmp_path_factory):
    """Sources (a copy, with a malformed line of the contact added) and a refreshed
    warehouse; returns (env, contact row)."""
    root = tmp_path_factory.mktemp("erasure")
    sources = root / "sources"
    shutil.copytree(demo_sources, sources)
    contacts = sources / "crm" / "contacts.csv"
    header, *lines = contacts.read_text(encoding="utf-8").splitlines()
    fields = header.split(",")
    rows = [dict(zip(fields, line.split(","), strict=False)) for line in lines]
    # a contact with every personal value filled in whose values occur nowhere else
    text = "\n".join(lines)
    contact = next(
        row
        for row in rows
        if all(row[name] for name in PERSONAL[:5])
        and text.count(row["email"]) == 1
        and text.count(row["phone"]) == 1
        and text.count(f"{row['first_name']},{row['last_name']}") == 1
    )
    # the same person once more in a malformed line (an extra field): a reject whose raw
    # value holds their e-mail and phone number
    malformed = ",".join(contact[name] for name in fields) + ",unexpected extra field"
    contacts.write_text("\n".join([header, *lines, malformed]) + "\n", encoding="utf-8")
    env = pipeline_env(sources, root / "work")
    # a decision whose reason names the person, taken by someone who will leave
    with store.open_store(f"sqlite:///{env['PYRAMID_DECISIONS']}") as engine:
        store.append(
            engine,
            validation.override(
                contact["relation_id"],
                "2026-H2",
                "A",
                f"promised to {contact['first_name']} {contact['last_name']} on the phone",
                DECIDER,
            ),
        )
    assert run_job(env).success
    return env, contact


DECIDER = "jan.vertrokken"


def stored_decisions(env: dict) -> list[store.Decision]:
    with store.open_store(f"sqlite:///{env['PYRAMID_DECISIONS']}") as engine:
        return store.history(engine)


def values_of(contact: dict) -> list[str]:
    return [
        contact["email"],
        contact["phone"],
        f"{contact['first_name']} {contact['last_name']}",
    ]


def traces(path: Path, contact: dict) -> list[str]:
    """Every (object, column) of every table and view whose text contains one of the
    contact's values, plus first and last name columns holding their exact names."""
    found = []
    values = values_of(contact)
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            """
            select table_schema, table_name, column_name
            from information_schema.columns
            where table_catalog = current_database()
            order by 1, 2, 3
            """
        ).fetchall()
        for schema, table, column in columns:
            cell = f'"{column}"::varchar'
            hits = con.execute(
                f'select count(*) from "{schema}"."{table}" '
                f"where list_bool_or([contains({cell}, v) for v in ?])",
                [values],
            ).fetchone()[0]
            if column in ("first_name", "last_name"):
                hits += con.execute(
                    f'select count(*) from "{schema}"."{table}" as t '
                    f'where "{column}" = ? and t.contact_id = ?',
                    [contact[column], contact["contact_id"]],
                ).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{column}: {hits}")
    return found


def in_bytes(path: Path, contact: dict) -> list[str]:
    """Contact values still in the file's bytes (DuckDB stores short strings verbatim)."""
    content = path.read_bytes()
    return [value for value in values_of(contact) if value.encode() in content]


def files(env: dict) -> list[Path]:
    return [Path(env["PYRAMID_WAREHOUSE"]), Path(env["PYRAMID_BUILD_WAREHOUSE"])]


def contact_row(path: Path, contact_id: str) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            f"select {', '.join(PERSONAL)} from raw.crm_contacts where contact_id = ?",
            [contact_id],
        ).fetchone()


def register(path: Path) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute("select * from audit.erasures").df()
    return frame.to_dict("records")


@pytest.mark.slow
def test_forget_leaves_no_trace_and_survives_refreshes(pipeline, monkeypatch, capsys):
    env, contact = pipeline
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    contact_id = contact["contact_id"]
    published, build = files(env)
    # before: the contact is in the raw layer and in the rejected rows
    for path in (published, build):
        found = traces(path, contact)
        assert any(f.startswith("raw.crm_contacts.email") for f in found), found
        assert any(f.startswith("raw.ingest_rejects.raw_value") for f in found), found
        assert any(f.startswith("staging.stg_crm__contacts") for f in found), found
        assert any(f.startswith("raw.decisions.reason") for f in found), found
    inode = published.stat().st_ino

    # a refresh holds the lock: forget refuses and changes nothing
    with erasure.refresh_lock(build):
        assert forget.main(["--contact", contact_id]) == 3
    assert "refresh is running" in capsys.readouterr().err
    assert traces(published, contact)

    assert forget.main(["--contact", contact_id]) == 0
    output = capsys.readouterr().out
    assert "raw.crm_contacts (1)" in output and "raw.ingest_rejects" in output
    assert "decisions store: 1 reasons changed" in output
    # the decision stays, in force, its reason without the person
    [decision] = stored_decisions(env)
    assert decision.level == "A" and decision.decided_by == DECIDER
    assert decision.reason == "promised to [erased] on the phone"
    assert published.stat().st_ino != inode  # a new file swapped in, as a refresh does

    def no_trace_left(when: str) -> None:
        for path in (published, build):
            assert traces(path, contact) == [], (when, path)
            assert in_bytes(path, contact) == [], (when, path)
            assert contact_row(path, contact_id) == (None,) * len(PERSONAL), (when, path)
            # the relation and the activities with the contact stay
            with duckdb.connect(str(path), read_only=True) as con:
                assert (
                    con.execute(
                        "select count(*) from raw.crm_contacts where contact_id = ?", [contact_id]
                    ).fetchone()[0]
                    == 1
                )
            record = register(path)
            assert [r["contact_id"] for r in record] == [contact_id], (when, path)
            assert set(record[0]["tables_touched"]) >= {"raw.crm_contacts", "raw.ingest_rejects"}
            assert record[0]["rows_changed"] >= 2
            # the record holds no personal data
            assert not any(value in str(r) for r in record for value in values_of(contact)), record
        assert not list(published.parent.glob(".*forgetting*"))

    no_trace_left("right after forget")

    # the next refresh reads the same export, which still has the contact
    result = run_job(env)
    assert result.success
    no_trace_left("after a refresh")

    # a refresh that lost its working file starts from the publication, register included
    build.unlink()
    result = run_job(env)
    assert result.success
    no_trace_left("after a refresh without a working file")

    # someone who took decisions leaves: their name goes from the store and its copies
    assert forget.main(["--decided-by", DECIDER]) == 0
    assert "decisions store: 1 rows changed" in capsys.readouterr().out
    assert [d.decided_by for d in stored_decisions(env)] == [store.ERASED]
    for path in (published, build):
        assert DECIDER.encode() not in path.read_bytes(), path
        with duckdb.connect(str(path), read_only=True) as con:
            assert con.execute(
                "select decided_by from marts.service_level_decisions"
            ).fetchall() == [(store.ERASED,)]
    assert forget.main(["--decided-by", " "]) == 2

    # other contacts keep their data
    with duckdb.connect(str(published), read_only=True) as con:
        assert (
            con.execute("select count(*) from raw.crm_contacts where email is not null").fetchone()[
                0
            ]
            > 100
        )


def test_forget_without_a_warehouse_or_contact_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.delenv("PYRAMID_BUILD_WAREHOUSE", raising=False)
    assert forget.main(["--contact", "C1"]) == 2
    assert "no warehouse" in capsys.readouterr().err
    assert forget.main(["--contact", "  "]) == 2


def test_register_of_an_unknown_contact_suppresses_it_later(tmp_path):
    """An id not (yet) in the warehouse is still registered and erased when it arrives."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.crm_contacts (contact_id varchar, relation_id varchar, "
            "first_name varchar, last_name varchar, email varchar, phone varchar, "
            "job_title varchar, marketing_consent boolean)"
        )
    settings = load_settings({"PYRAMID_WAREHOUSE": str(path)})
    result = erasure.forget(settings, "C404")
    assert result.files[str(path)].rows_changed == 0
    with duckdb.connect(str(path)) as con:
        assert erasure.registered_contacts(con) == ["C404"]
        con.execute(
            "insert into raw.crm_contacts values "
            "('C404', 'R1', 'Ada', 'Lovelace', 'ada@example.org', '+31 6 1', 'CEO', true), "
            "('C405', 'R1', 'Alan', 'Turing', 'alan@example.org', '+31 6 2', 'CTO', true)"
        )
        applied = erasure.apply_register(con)
        assert applied.rows == {"raw.crm_contacts": 1}
        assert con.execute(
            "select contact_id, email from raw.crm_contacts order by 1"
        ).fetchall() == [("C404", None), ("C405", "alan@example.org")]


def test_a_pipeline_run_holds_the_lock_forget_needs(tmp_path, monkeypatch):
    import dagster as dg

    from orchestration.defs.resources import WarehouseResource

    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.delenv("PYRAMID_BUILD_WAREHOUSE", raising=False)
    build = load_settings().build_warehouse
    with (
        dg.build_resources({"warehouse": WarehouseResource()}),  # as a run starts
        pytest.raises(erasure.WarehouseBusy),
        erasure.refresh_lock(build, exclusive=True),
    ):
        pass
    with erasure.refresh_lock(build, exclusive=True):  # released when the run ends
        pass
