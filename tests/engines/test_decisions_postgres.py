"""The decisions store on a real PostgreSQL server: the same schema and rules as on SQLite."""

from __future__ import annotations

import pytest

from orchestration.decisions import store, validation
from tests.test_decisions import check_nothing_lost, write_concurrently

pytestmark = pytest.mark.engines

DATABASE = "decisions_test"


@pytest.fixture
def url(postgres) -> str:
    """An empty database of its own for each test: the store creates its schema in it."""
    admin = postgres.connect(database="postgres")
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{DATABASE}"')
            cur.execute(f'create database "{DATABASE}"')
    finally:
        admin.close()
    password = f":{postgres.password}" if postgres.password else ""
    return f"postgresql://{postgres.user}{password}@{postgres.host}:{postgres.port}/{DATABASE}"


def test_append_and_the_latest_wins(url):
    with store.open_store(url) as engine:
        store.append(engine, validation.override("R1", "2027-H1", "B", "big order", "Jan"))
        store.append(engine, validation.override("R1", "2027-H1", "A", "bigger", "Piet"))
        store.append(engine, validation.postponement("R2", "2027-03-01", "holiday", "Jan"))
        history = store.history(engine)
        in_force = store.effective(engine)
    assert [d.level for d in history] == ["B", "A", None]
    assert all(d.decided_at.utcoffset().total_seconds() == 0 for d in history)
    assert [(d.decision_type, d.relation_id, d.level) for d in in_force] == [
        (store.OVERRIDE, "R1", "A"),
        (store.POSTPONE, "R2", None),
    ]
    # The schema is created once: opening the store again changes nothing.
    with store.open_store(url) as engine:
        assert len(store.history(engine, relation_id="R1", review_period="2027-H1")) == 2


def test_the_database_refuses_a_malformed_decision(url):
    import sqlalchemy as sa

    with store.open_store(url) as engine:
        bad = store.NewDecision(
            decision_type=store.OVERRIDE, relation_id="R1", reason="r", decided_by="J", level="Z"
        )
        with pytest.raises(sa.exc.IntegrityError):
            store.append(engine, bad)
        assert store.history(engine) == []


def test_concurrent_writers_lose_nothing(url):
    write_concurrently(url, writers=4, count=100)
    check_nothing_lost(url, writers=4, count=100)


def test_erasure_of_a_name_in_reasons_and_of_a_decider(url):
    """`make forget` on a PostgreSQL store: the same two UPDATEs as on SQLite."""
    with store.open_store(url) as engine:
        store.append(engine, validation.override("R1", "2027-H1", "A", "Ann de Wit 50%_off", "Jan"))
        store.append(engine, validation.override("R2", "2027-H1", "B", "no names here", "Piet"))
        # LIKE wildcards in the value are literal: "50%_off" matches itself only.
        assert store.erase_text(engine, ["Ann de Wit", "50%_off", "absent"]) == 1
        assert store.erase_decider(engine, "Jan") == 1
        rows = [(d.relation_id, d.reason, d.decided_by) for d in store.history(engine)]
    assert rows == [
        ("R1", f"{store.ERASED} {store.ERASED}", store.ERASED),
        ("R2", "no names here", "Piet"),
    ]


def test_the_export_log_of_campaign_audiences(url):
    """The export log's two tables on PostgreSQL: created beside the decisions, appended
    to in one transaction, read back oldest first, an exporter's name erased."""
    from orchestration.audiences import exports

    new = exports.NewExport(
        audience="suspects_contact_campaign",
        file_format="csv",
        exported_by="Jan",
        content_sha256="a" * 64,
        relations={"R2": 1, "R1": 2},
        relation_kinds={"R1": "suspect", "R2": "suspect"},
    )
    with exports.open_log(url) as engine:
        store.append(engine, validation.override("R1", "2027-H1", "B", "big order", "Jan"))
        first = exports.record(engine, new)
        second = exports.record(
            engine, exports.NewExport(**{**new.__dict__, "exported_by": "Piet"})
        )
        logged = exports.log(engine)
        assert [e.export_id for e in logged] == [first, second]
        assert logged[0].relation_ids == ["R1", "R2"] and logged[0].contact_count == 3
        assert all(e.exported_at.utcoffset().total_seconds() == 0 for e in logged)
        assert exports.erase_exporter(engine, "Jan") == 1
        assert [e.exported_by for e in exports.log(engine)] == [store.ERASED, "Piet"]
        assert len(store.history(engine)) == 1
    # opening the store again creates nothing twice
    with exports.open_log(url) as engine:
        assert len(exports.log(engine)) == 2
