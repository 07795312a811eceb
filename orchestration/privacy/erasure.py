"""Erasure of a contact person's personal data (AVG/GDPR article 17), and its register.

`forget` removes what the CRM export `crm/contacts` holds about one person (name, e-mail,
phone, job title, marketing consent: every contract column but the keys) from every
table of the working and the published warehouse: the raw layer including the values
of rejected rows, staging, intermediate, marts and the history snapshots. It records
that it happened in `audit.erasures` (contact id, time, tables touched, rows changed;
never the data itself). That table is also the erasure register: each refresh applies
it to the contacts it loads (`apply_register`), because the CRM export will still hold
the person tomorrow. The register lives inside both warehouse files, so it survives the
build/publish cycle: a refresh builds in the working file (which keeps it) and publishes
a copy of it; a lost working file is recreated from the publication.

What stays: the contact id, a random CRM key that identifies nobody without the CRM; it
is needed to keep suppressing the person while the export still carries them, and to
answer "was this person erased, and when". The relation the contact worked for and the
activities with them stay too: they are facts about a company, not about the person.

A file is changed like a refresh publishes: copy it, change the copy, checkpoint, then
write a compacted copy (DuckDB keeps overwritten values in freed blocks of the file
until they are reused; a fresh copy has none) and `os.replace` it over the original.
Readers of the published file see the old or the erased warehouse, never a half state.
An exclusive lock beside the working file makes `forget` refuse to run while a refresh
holds it (`refresh_lock`, taken by every pipeline run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.audiences import exports
from orchestration.decisions import store
from orchestration.decisions.store import ERASED
from orchestration.ingest.contract import CONTACTS
from orchestration.ingest.schema import RAW_SCHEMA
from orchestration.settings import Settings
from orchestration.sql import sql_ident, sql_str

AUDIT_SCHEMA = "audit"
REGISTER = f"{AUDIT_SCHEMA}.erasures"
CONTACT_TABLE = f"{RAW_SCHEMA}.{CONTACTS.name}"
# Every column of crm/contacts but the keys is the person's data.
CONTACT_KEYS = ("contact_id", "relation_id")
PERSONAL_SOURCE_COLUMNS = tuple(c for c in CONTACTS.column_names if c not in CONTACT_KEYS)
# The names the contact's columns get downstream (staging renames email to contact_email,
# ...): in any table with a contact_id, these columns are nulled for an erased contact.
PERSONAL_COLUMNS = frozenset(
    {
        *PERSONAL_SOURCE_COLUMNS,
        "contact_email",
        "contact_phone",
        "contact_name",
        "has_marketing_consent",
    }
)
# Tables that exist to list contacts who may be written to (campaign mailing lists,
# marts.audience_members): an erased contact's rows are deleted there, not only emptied, so
# an erased contact is never on a list (docs/business-rules.md section 15).
CONTACT_LIST_TABLES = frozenset({"marts.audience_members"})
# Columns holding the name of someone who decided or exported (make forget DECIDER=...).
DECIDER_COLUMNS = frozenset({"decided_by", "exported_by"})
# Free text people typed into the decisions store (orchestration/decisions) and its copies
# in the warehouse: a contact's name, e-mail or phone is replaced inside it.
DECISION_TEXT_COLUMNS = frozenset({"reason", "override_reason"})
# Values shorter than this are not searched for as traces elsewhere ("Jan" is in too
# many names); the full name, e-mail and phone are.
MIN_TRACE_LENGTH = 5


class WarehouseBusy(RuntimeError):
    """A refresh (or another erasure) holds the working warehouse: try again later."""


class NothingToErase(RuntimeError):
    """Neither a working nor a published warehouse exists."""


# --- the lock shared with refreshes -----------------------------------------------------
def lock_path(build_warehouse: Path) -> Path:
    return build_warehouse.with_name(f"{build_warehouse.name}.lock")


@contextlib.contextmanager
def refresh_lock(build_warehouse: Path, exclusive: bool = False) -> Iterator[None]:
    """Shared by pipeline runs (they wait for an erasure to finish), exclusive for
    `forget` (which refuses, rather than waits, while a run holds it)."""
    path = lock_path(build_warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
        except BlockingIOError as error:
            raise WarehouseBusy(
                f"a refresh is running on {build_warehouse} ({path} is locked); "
                "run the erasure again when it has finished"
            ) from error
        yield
    finally:
        os.close(fd)  # releases the lock


# --- the register -----------------------------------------------------------------------
def ensure_register(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {REGISTER} (
            erasure_id varchar not null,
            contact_id varchar not null,
            erased_at timestamp not null,
            tables_touched varchar[] not null,
            rows_changed bigint not null
        )
        """
    )
    con.execute(
        f"comment on table {REGISTER} is 'Erasures of contact persons (python -m "
        "orchestration.forget): who (contact id only), when, which tables and how many "
        "rows of this file changed. Every refresh erases these contacts again from what "
        "it loads. Never delete rows.'"
    )


def registered_contacts(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not _exists(con, AUDIT_SCHEMA, "erasures"):
        return []
    return [row[0] for row in con.execute(f"select distinct contact_id from {REGISTER}").fetchall()]


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


# --- erasing ----------------------------------------------------------------------------
@dataclass
class Erasure:
    """What erasing some contacts changed in one warehouse: rows per table."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        if count:
            self.rows[table] = self.rows.get(table, 0) + count

    @property
    def rows_changed(self) -> int:
        return sum(self.rows.values())


def contact_traces(con: duckdb.DuckDBPyConnection, contact_ids: list[str]) -> list[str]:
    """The contacts' distinctive values as loaded in the raw layer: e-mail address, phone
    number and full name. A first or a last name alone is too common to look for."""
    if not contact_ids or not _exists(con, RAW_SCHEMA, CONTACTS.name):
        return []
    rows = con.execute(
        f"""
        select email, phone,
               case when first_name is not null and last_name is not null
                    then first_name || ' ' || last_name end
        from {CONTACT_TABLE}
        where list_contains(?, contact_id)
        """,
        [contact_ids],
    ).fetchall()
    values = {value.strip() for row in rows for value in row if value}
    return sorted(value for value in values if len(value) >= MIN_TRACE_LENGTH)


def _base_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] | None = None):
    """(schema, table, [columns]) of every base table of the open database but the audit."""
    rows = con.execute(
        """
        select table_schema, table_name, list(column_name order by ordinal_position)
        from information_schema.columns
        join information_schema.tables using (table_catalog, table_schema, table_name)
        where table_type = 'BASE TABLE' and table_catalog = current_database()
          and table_schema <> ?
        group by all
        order by 1, 2
        """,
        [AUDIT_SCHEMA],
    ).fetchall()
    for schema, table, columns in rows:
        if schemas is None or schema in schemas:
            yield schema, table, columns


def _changed(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def erase_contacts(
    con: duckdb.DuckDBPyConnection,
    contact_ids: list[str],
    schemas: tuple[str, ...] | None = None,
) -> Erasure:
    """Null the contacts' personal data in every base table (of `schemas`, default all).

    1. Every table with a contact_id column: its personal columns, on those contacts' rows
       (raw.crm_contacts, and any model that carries them on).
    2. Rejected rows (tables with source_table and raw_value: raw.ingest_rejects and the
       data-quality mart): a raw value that has an erased contact id as one of its fields
       (a malformed CSV line of that contact, a duplicate key) or contains one of the
       contacts' e-mail, phone or full name.
    3. Decision text (columns named in DECISION_TEXT_COLUMNS: the copies of the decisions
       store's reasons): the contacts' e-mail, phone and full name replaced by "[erased]".
    Rows are updated, not deleted: activities and relations still point at the contact id.
    Other columns are not scrubbed by value: a relation named after the person is the
    company's name; `forget` reports such places (see `find_traces`).
    """
    erasure = Erasure()
    if not contact_ids:
        return erasure
    traces = contact_traces(con, contact_ids)
    for schema, table, columns in list(_base_tables(con, schemas)):
        name = f"{sql_ident(schema)}.{sql_ident(table)}"
        if f"{schema}.{table}" in CONTACT_LIST_TABLES and "contact_id" in columns:
            erasure.add(
                f"{schema}.{table}",
                _changed(
                    con,
                    f"delete from {name} where list_contains(?, contact_id::varchar)",
                    [contact_ids],
                ),
            )
        personal = [c for c in columns if c in PERSONAL_COLUMNS]
        if "contact_id" in columns and personal:
            erasure.add(
                f"{schema}.{table}",
                _changed(
                    con,
                    f"update {name} set {', '.join(f'{sql_ident(c)} = null' for c in personal)} "
                    f"where list_contains(?, contact_id::varchar) "
                    f"and ({' or '.join(f'{sql_ident(c)} is not null' for c in personal)})",
                    [contact_ids],
                ),
            )
        if {"source_table", "raw_value"} <= set(columns):
            erasure.add(
                f"{schema}.{table}",
                _changed(
                    con,
                    f"""
                    update {name} set raw_value = null
                    where raw_value is not null and (
                        list_has_any(
                            regexp_split_to_array(raw_value, '[,;"''\\s]+'), ?::varchar[])
                        or list_bool_or([contains(raw_value, t) for t in ?::varchar[]])
                    )
                    """,
                    [contact_ids, traces],
                ),
            )
        for column in (c for c in columns if c in DECISION_TEXT_COLUMNS and traces):
            erasure.add(f"{schema}.{table}", _replace_values(con, name, column, traces))
    return erasure


def _replace_values(con: duckdb.DuckDBPyConnection, name: str, column: str, values) -> int:
    """Replace each of `values` inside the text column by ERASED; the rows changed."""
    scrubbed = sql_ident(column)
    for value in values:
        scrubbed = f"replace({scrubbed}, {sql_str(value)}, {sql_str(ERASED)})"
    return _changed(
        con,
        f"update {name} set {sql_ident(column)} = {scrubbed} "
        f"where list_bool_or([contains({sql_ident(column)}, v) for v in ?::varchar[]])",
        [values],
    )


def erase_decider(con: duckdb.DuckDBPyConnection, decided_by: str) -> Erasure:
    """The warehouse copies of `store.erase_decider` and `exports.erase_exporter`: every
    decided_by and exported_by column."""
    erasure = Erasure()
    for schema, table, columns in list(_base_tables(con)):
        for column in (c for c in columns if c in DECIDER_COLUMNS):
            erasure.add(
                f"{schema}.{table}",
                _changed(
                    con,
                    f"update {sql_ident(schema)}.{sql_ident(table)} "
                    f"set {sql_ident(column)} = {sql_str(ERASED)} where {sql_ident(column)} = ?",
                    [decided_by],
                ),
            )
    return erasure


def find_traces(
    con: duckdb.DuckDBPyConnection, values: list[str], include_views: bool = True
) -> list[tuple[str, str, int]]:
    """(table or view, column, rows) wherever a text column contains one of `values`."""
    if not values:
        return []
    rows = con.execute(
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        join information_schema.tables using (table_catalog, table_schema, table_name)
        where table_catalog = current_database() and data_type = 'VARCHAR'
          and (table_type = 'BASE TABLE' or ?)
        order by 1, 2, 3
        """,
        [include_views],
    ).fetchall()
    found = []
    for schema, table, column in rows:
        count = con.execute(
            f"select count(*) from {sql_ident(schema)}.{sql_ident(table)} "
            f"where list_bool_or([contains({sql_ident(column)}, v) for v in ?])",
            [values],
        ).fetchone()[0]
        if count:
            found.append((f"{schema}.{table}", column, count))
    return found


# --- applied by every refresh -----------------------------------------------------------
def apply_register(con: duckdb.DuckDBPyConnection) -> Erasure:
    """Erase the registered contacts again from the raw layer just loaded.

    Called by the ingestion of crm/contacts right after the load, in the same connection,
    before dbt builds anything from it (staging and marts read raw).
    """
    return erase_contacts(con, registered_contacts(con), schemas=(RAW_SCHEMA,))


# --- forget: one contact (or decider), the store and both warehouse files -------------
def _erase_file(path: Path, change: Callable[[duckdb.DuckDBPyConnection], Erasure]) -> Erasure:
    """Apply `change` to a copy of `path` in one transaction, compact the copy and swap it
    in atomically; return what changed."""
    working = path.with_name(f".{path.name}.forgetting")
    compacted = path.with_name(f".{path.name}.compacted")
    # dbt's views name the catalog (the file's stem): open the copy under that name.
    catalog = sql_ident(path.stem)
    try:
        for leftover in (working, compacted):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(path, working)
        with duckdb.connect() as con:
            con.execute(f"attach {sql_str(str(working))} as {catalog}")
            con.execute(f"use {catalog}")
            con.begin()
            erasure = change(con)
            con.commit()
            con.execute("checkpoint")
            # A fresh file holds live data only: no erased value left in a freed block.
            con.execute(f"attach {sql_str(str(compacted))} as compacted")
            con.execute(f"copy from database {catalog} to compacted")
            con.execute("detach compacted")
        os.replace(compacted, path)
    finally:
        working.unlink(missing_ok=True)
        compacted.unlink(missing_ok=True)
    return erasure


def _read_traces(path: Path, contact_id: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return contact_traces(con, [contact_id])


@dataclass(frozen=True)
class ForgetResult:
    erasure_id: str
    contact_id: str
    erased_at: dt.datetime
    files: dict[str, Erasure]  # file -> what changed in it
    remaining: dict[str, list[tuple[str, str, int]]]  # file -> values found elsewhere
    decisions_changed: int = 0  # decisions in the store whose reason named the contact


def _warehouse_files(settings: Settings) -> list[Path]:
    # The working file first: if the published one then failed, the next refresh would
    # still publish the erasure.
    files = [p for p in (settings.build_warehouse, settings.warehouse) if p.exists()]
    if not files:
        raise NothingToErase(f"no warehouse at {settings.warehouse} or {settings.build_warehouse}")
    return files


def forget(settings: Settings, contact_id: str) -> ForgetResult:
    """Erase one contact from the decisions store and the working and the published
    warehouse; see the module."""
    contact_id = contact_id.strip()
    if not contact_id:
        raise ValueError("a contact id is required")
    erasure_id = str(uuid.uuid4())
    erased_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with refresh_lock(settings.build_warehouse, exclusive=True):
        files = _warehouse_files(settings)
        # The store first: it is the source the next refresh copies the reasons from.
        traces = sorted({t for path in files for t in _read_traces(path, contact_id)})
        with store.open_store(settings.decisions) as engine:
            decisions_changed = store.erase_text(engine, traces)
        done, remaining = {}, {}

        def change(con: duckdb.DuckDBPyConnection) -> Erasure:
            erasure = erase_contacts(con, [contact_id])
            ensure_register(con)
            con.execute(
                f"insert into {REGISTER} values (?, ?, ?, ?, ?)",
                [erasure_id, contact_id, erased_at, sorted(erasure.rows), erasure.rows_changed],
            )
            return erasure

        for path in files:
            done[str(path)] = _erase_file(path, change)
            with duckdb.connect(str(path), read_only=True) as con:
                remaining[str(path)] = find_traces(con, traces)
    return ForgetResult(erasure_id, contact_id, erased_at, done, remaining, decisions_changed)


def forget_decider(settings: Settings, decided_by: str) -> dict[str, int]:
    """Replace a decider's name by "[erased]" in the decisions store and in the warehouse
    copies of it; what changed, per place (the store, then each warehouse file)."""
    decided_by = decided_by.strip()
    if not decided_by:
        raise ValueError("a name (decided_by) is required")
    with refresh_lock(settings.build_warehouse, exclusive=True):
        files = _warehouse_files(settings)
        with exports.open_log(settings.decisions) as engine:
            changed = {
                "decisions store": store.erase_decider(engine, decided_by)
                + exports.erase_exporter(engine, decided_by)
            }
        for path in files:
            changed[str(path)] = _erase_file(
                path, lambda con: erase_decider(con, decided_by)
            ).rows_changed
    return changed
