"""The export log: two append-only tables in the decisions store (SQLite or PostgreSQL).

`audience_exports` has one row per mailing list that left the system: which audience
(and the ad-hoc filters, if any), who, when, the file format, how many contacts and
relations, the as_of of the data, and the SHA-256 of the file's bytes, so a file found
later can be matched to its record. `audience_export_relations` has one row per relation
in it, with the relation's kind at the time (the campaign results compare it with the
kind since). No contact's personal data is stored: relation ids and counts only.

Like the decisions the log is only ever appended to, each export in one transaction. The
one exception is `erase_exporter` (`make forget DECIDER=NAME`), which replaces a person's
name by "[erased]" on the exports they made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from orchestration.decisions import store
from orchestration.decisions.store import ERASED

FORMATS = ("csv", "xlsx")
# Any constant shared by every process creating this schema on PostgreSQL (the decisions
# table has its own, store._SCHEMA_LOCK_ID).
_SCHEMA_LOCK_ID = 16_000_022

metadata = sa.MetaData()
audience_exports = sa.Table(
    "audience_exports",
    metadata,
    sa.Column("export_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audience", sa.Text, nullable=False),
    # JSON object of the ad-hoc filters narrowing the audience; empty: the audience whole.
    sa.Column("audience_filters", sa.Text),
    sa.Column("file_format", sa.String(8), nullable=False),
    sa.Column("contact_count", sa.Integer, nullable=False),
    sa.Column("relation_count", sa.Integer, nullable=False),
    sa.Column("as_of_date", sa.Date),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("exported_by", sa.Text, nullable=False),
    sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"file_format in {FORMATS!r}", name="export_format"),
    sa.CheckConstraint("contact_count >= 0 and relation_count >= 0", name="export_counts"),
    # AUTOINCREMENT: SQLite never reuses an id.
    sqlite_autoincrement=True,
)
audience_export_relations = sa.Table(
    "audience_export_relations",
    metadata,
    sa.Column(
        "export_id",
        sa.Integer,
        sa.ForeignKey("audience_exports.export_id"),
        primary_key=True,
    ),
    sa.Column("relation_id", sa.Text, primary_key=True),
    sa.Column("relation_kind", sa.String(16)),
    sa.Column("contact_count", sa.Integer, nullable=False),
)
sa.Index("audience_exports_by_time", audience_exports.c.exported_at)


@dataclass(frozen=True)
class NewExport:
    """An export about to be recorded: the file is written, its bytes hashed."""

    audience: str
    file_format: str
    exported_by: str
    content_sha256: str
    relations: dict[str, int]  # relation_id -> contacts of it in the file
    relation_kinds: dict[str, str | None] = field(default_factory=dict)
    audience_filters: str | None = None
    as_of_date: dt.date | None = None

    @property
    def contact_count(self) -> int:
        return sum(self.relations.values())


@dataclass(frozen=True)
class Export:
    """A recorded export, as `log` returns it."""

    export_id: int
    audience: str
    audience_filters: str | None
    file_format: str
    contact_count: int
    relation_count: int
    as_of_date: dt.date | None
    content_sha256: str
    exported_by: str
    exported_at: dt.datetime
    relation_ids: list[str]

    def as_record(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def create_schema(engine: sa.Engine) -> None:
    """The log's tables and index where missing (idempotent, safe to race)."""
    with engine.begin() as con:
        if engine.dialect.name == "postgresql":
            con.execute(sa.text("select pg_advisory_xact_lock(:id)"), {"id": _SCHEMA_LOCK_ID})
        for table in metadata.sorted_tables:
            con.execute(CreateTable(table, if_not_exists=True))
        for index in audience_exports.indexes:
            con.execute(CreateIndex(index, if_not_exists=True))


@contextmanager
def open_log(url: str) -> Iterator[sa.Engine]:
    """The decisions store with the export log's tables, for a `with` block."""
    with store.open_store(url) as engine:
        create_schema(engine)
        yield engine


def record(engine: sa.Engine, new: NewExport) -> int:
    """Append one export and its relations in one transaction; return its export_id.
    exported_at is the store's clock (UTC), never the caller's."""
    if new.file_format not in FORMATS:
        raise ValueError(f"file format {new.file_format!r} is not one of {', '.join(FORMATS)}")
    if not new.exported_by.strip():
        raise ValueError("who exports is required (--by)")
    with engine.begin() as con:
        export_id = con.execute(
            audience_exports.insert().values(
                audience=new.audience,
                audience_filters=new.audience_filters,
                file_format=new.file_format,
                contact_count=new.contact_count,
                relation_count=len(new.relations),
                as_of_date=new.as_of_date,
                content_sha256=new.content_sha256,
                exported_by=new.exported_by.strip(),
                exported_at=dt.datetime.now(dt.UTC),
            )
        ).inserted_primary_key[0]
        if new.relations:
            con.execute(
                audience_export_relations.insert(),
                [
                    {
                        "export_id": export_id,
                        "relation_id": relation_id,
                        "relation_kind": new.relation_kinds.get(relation_id),
                        "contact_count": count,
                    }
                    for relation_id, count in sorted(new.relations.items())
                ],
            )
    return export_id


def log(engine: sa.Engine) -> list[Export]:
    """Every recorded export, oldest first, with its relation ids."""
    with engine.connect() as con:
        relations: dict[int, list[str]] = {}
        columns = (audience_export_relations.c.export_id, audience_export_relations.c.relation_id)
        for export_id, relation_id in con.execute(sa.select(*columns).order_by(*columns)):
            relations.setdefault(export_id, []).append(relation_id)
        rows = con.execute(
            sa.select(audience_exports).order_by(
                audience_exports.c.exported_at, audience_exports.c.export_id
            )
        ).mappings()
        return [
            Export(
                **{**row, "exported_at": _utc(row["exported_at"])},
                relation_ids=relations.get(row["export_id"], []),
            )
            for row in rows
        ]


def relation_rows(engine: sa.Engine) -> list[dict]:
    """Every (export, relation) row, for the warehouse copy."""
    with engine.connect() as con:
        query = sa.select(audience_export_relations).order_by(
            audience_export_relations.c.export_id, audience_export_relations.c.relation_id
        )
        return [dict(row) for row in con.execute(query).mappings()]


def erase_exporter(engine: sa.Engine, exported_by: str) -> int:
    """Replace a person's name by ERASED on every export they made; the exports changed."""
    with engine.begin() as con:
        return con.execute(
            audience_exports.update()
            .where(audience_exports.c.exported_by == exported_by)
            .values(exported_by=ERASED)
        ).rowcount


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite keeps no time zone: what it returns was written as UTC by `record`.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
