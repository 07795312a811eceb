"""The append-only decisions store: one table `decisions` in SQLite or PostgreSQL.

The store only ever INSERTs. A decision is changed by recording a newer one for the same
key; the history stays, so it is the audit trail (who decided what, when, why). There is
no update or delete API on purpose.

Concurrent writers (the CLI, the dashboard's review page) lose nothing: each append is its own
short transaction; SQLite runs in WAL mode (readers never block the writer) and a writer
waits up to BUSY_TIMEOUT_S for another's lock instead of failing; PostgreSQL serialises
the inserts itself.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

OVERRIDE = "override"
POSTPONE = "postpone_reactivation"
DECISION_TYPES = (OVERRIDE, POSTPONE)
LEVELS = ("A", "B", "C")

BUSY_TIMEOUT_S = 60
"""How long a SQLite writer waits for another writer's lock. An append holds the lock for
milliseconds; the margin covers a slow disk or a backup (`.backup`) in progress."""

# Any constant shared by every process creating the schema on PostgreSQL (see _create_schema).
_SCHEMA_LOCK_ID = 16_000_001

metadata = sa.MetaData()
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("decision_type", sa.String(32), nullable=False),
    sa.Column("relation_id", sa.Text, nullable=False),
    sa.Column("review_period", sa.String(7)),
    sa.Column("level", sa.String(1)),
    sa.Column("until_date", sa.Date),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    # The same rules as orchestration/decisions/validation.py, in the database as well, so a
    # writer that bypasses the CLI cannot store a decision the marts would misread.
    sa.CheckConstraint(
        f"(decision_type = '{OVERRIDE}' and review_period is not null and level in "
        f"{LEVELS!r} and until_date is null) or (decision_type = '{POSTPONE}' and "
        "until_date is not null and review_period is null and level is null)",
        name="decision_shape",
    ),
    # AUTOINCREMENT: SQLite never reuses the id of a removed row (see the erasure note).
    sqlite_autoincrement=True,
)
sa.Index("decisions_by_relation", decisions.c.relation_id, decisions.c.decided_at)


@dataclass(frozen=True)
class NewDecision:
    """A validated decision, not yet stored (build it with orchestration/decisions/validation)."""

    decision_type: str
    relation_id: str
    reason: str
    decided_by: str
    review_period: str | None = None
    level: str | None = None
    until_date: dt.date | None = None


@dataclass(frozen=True)
class Decision(NewDecision):
    """A stored decision."""

    decision_id: int = 0
    decided_at: dt.datetime | None = None

    def as_record(self) -> dict:
        """Column name -> value, in the table's column order."""
        values = asdict(self)
        return {column.name: values[column.name] for column in decisions.columns}


def create_engine(url: str) -> sa.Engine:
    """An engine on the store, its schema created when missing (idempotent)."""
    url_obj = sa.make_url(url)
    if url_obj.get_backend_name() == "sqlite":
        if url_obj.database:
            Path(url_obj.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url_obj, connect_args={"timeout": BUSY_TIMEOUT_S})
        sa.event.listen(engine, "connect", _sqlite_wal)
    else:
        if url_obj.drivername == "postgresql":
            # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3; the driver this project
            # installs is psycopg2.
            url_obj = url_obj.set(drivername="postgresql+psycopg2")
        engine = sa.create_engine(url_obj)
    _create_schema(engine)
    return engine


def _sqlite_wal(dbapi_connection, _record) -> None:
    # WAL is a property of the file (it sticks), but setting it on every connection makes a
    # file created elsewhere WAL too.
    # Switching a new file to WAL takes a lock SQLite does not wait for (no busy handler):
    # several writers opening a new store at once retry instead of failing.
    cursor = dbapi_connection.cursor()
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    try:
        while True:
            try:
                mode = cursor.execute("pragma journal_mode=wal").fetchone()[0]
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
                continue
            # "memory" for an in-memory database, which has no WAL: nothing to wait for.
            if mode.lower() in ("wal", "memory") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        cursor.close()


def _create_schema(engine: sa.Engine) -> None:
    # IF NOT EXISTS: two processes starting on a new store at once must not both fail
    # (create_all's check-then-create races). PostgreSQL can still collide in its catalog
    # on concurrent CREATEs of the same table, so there they take a lock first.
    with engine.begin() as con:
        if engine.dialect.name == "postgresql":
            con.execute(sa.text("select pg_advisory_xact_lock(:id)"), {"id": _SCHEMA_LOCK_ID})
        con.execute(CreateTable(decisions, if_not_exists=True))
        for index in decisions.indexes:
            con.execute(CreateIndex(index, if_not_exists=True))


def append(engine: sa.Engine, new: NewDecision | Iterable[NewDecision]) -> list[int]:
    """Insert one decision, or several all-or-nothing (one transaction); return their ids.

    decided_at is the store's clock (UTC), never the caller's.
    """
    rows = [new] if isinstance(new, NewDecision) else list(new)
    ids = []
    with engine.begin() as con:
        for row in rows:
            values = {**asdict(row), "decided_at": dt.datetime.now(dt.UTC)}
            result = con.execute(decisions.insert().values(**values))
            ids.append(result.inserted_primary_key[0])
    return ids


# --- erasure: the one exception to append-only ------------------------------------------
ERASED = "[erased]"
"""What an erased value becomes: the decisions themselves stay, and stay in force."""


def erase_text(engine: sa.Engine, values: list[str]) -> int:
    """Replace each of `values` (a contact's name, e-mail, phone) inside every decision's
    reason by ERASED, in one transaction; return the number of decisions changed.
    Called by `make forget CONTACT=...` (orchestration/privacy/erasure.py)."""
    values = [value for value in values if value]
    if not values:
        return 0
    scrubbed = decisions.c.reason
    for value in values:
        scrubbed = sa.func.replace(scrubbed, value, ERASED)
    mentions = sa.or_(*(decisions.c.reason.contains(value, autoescape=True) for value in values))
    with engine.begin() as con:
        return con.execute(decisions.update().where(mentions).values(reason=scrubbed)).rowcount


def erase_decider(engine: sa.Engine, decided_by: str) -> int:
    """Replace a decider's name by ERASED on every decision they took (`make forget
    DECIDER=...`, someone who left the company); return the number of decisions changed."""
    with engine.begin() as con:
        return con.execute(
            decisions.update().where(decisions.c.decided_by == decided_by).values(decided_by=ERASED)
        ).rowcount


def history(
    engine: sa.Engine, relation_id: str | None = None, review_period: str | None = None
) -> list[Decision]:
    """Every decision, oldest first, optionally of one relation and/or one review period
    (a period selects overrides only: postponements have none)."""
    query = sa.select(decisions).order_by(decisions.c.decided_at, decisions.c.decision_id)
    if relation_id is not None:
        query = query.where(decisions.c.relation_id == relation_id)
    if review_period is not None:
        query = query.where(decisions.c.review_period == review_period)
    return list(_read(engine, query))


def effective(engine: sa.Engine) -> list[Decision]:
    """The decision in force per key: the latest override per (relation_id, review_period)
    and the latest postponement per relation_id. Ties on decided_at (two clocks, one
    second) go to the higher decision_id, the later insert."""
    latest_first = sa.func.row_number().over(
        partition_by=(
            decisions.c.decision_type,
            decisions.c.relation_id,
            decisions.c.review_period,
        ),
        order_by=(decisions.c.decided_at.desc(), decisions.c.decision_id.desc()),
    )
    ranked = sa.select(decisions, latest_first.label("rank")).subquery()
    query = (
        sa.select(*(ranked.c[column.name] for column in decisions.columns))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.decision_type, ranked.c.relation_id, ranked.c.review_period)
    )
    return list(_read(engine, query))


def _read(engine: sa.Engine, query: sa.Select) -> Iterator[Decision]:
    with engine.connect() as con:
        for row in con.execute(query).mappings():
            yield Decision(**{**row, "decided_at": _utc(row["decided_at"])})


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite keeps no time zone: what it returns was written as UTC by `append`.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@contextmanager
def open_store_read_only(url: str) -> Iterator[sa.Engine | None]:
    """The store for reading only (a replay: orchestration/warehouse/replay.py): nothing is
    created, no mode is switched, nothing written. SQLite is opened with `mode=ro`; a
    store that does not exist yet gives None (no decisions)."""
    url_obj = sa.make_url(url)
    if url_obj.get_backend_name() == "sqlite":
        if not url_obj.database or not Path(url_obj.database).exists():
            yield None
            return
        path = Path(url_obj.database).resolve()
        engine = sa.create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true", connect_args={"timeout": BUSY_TIMEOUT_S}
        )
    else:
        if url_obj.drivername == "postgresql":
            url_obj = url_obj.set(drivername="postgresql+psycopg2")
        engine = sa.create_engine(url_obj)
        if not sa.inspect(engine).has_table(decisions.name):
            engine.dispose()
            yield None
            return
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def open_store(url: str) -> Iterator[sa.Engine]:
    """The store's engine for the length of a `with` block, its connections closed after."""
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
