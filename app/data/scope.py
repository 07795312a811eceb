"""The one way the dashboard reads the warehouse: read-only connections, the result cache,
who sees what, and the sidebar filters as SQL.

The dashboard opens the *published* warehouse read-only for each query and closes it at
once (or, within one page run, at the end of it: see `batch`), so it never holds a lock
the nightly refresh needs between interactions, and it picks up a new publication (an
atomic file swap) on the next query: the file's version (mtime, size, inode) is part of
every cache key.

Who sees what is decided here, not in the pages: a salesperson's queries run on a
connection where every mart is a view restricted to their own relations (see
`current_scope` and `_scoped_connection`), so no page and no download can forget it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from app import users
from orchestration.settings import load_settings
from orchestration.warehouse.replay import replay_path

LIST_LIMIT = 1000
CSV_LIMIT = 100_000


class WarehouseNotBuilt(RuntimeError):
    """The published warehouse does not exist yet: run `make refresh` (or `make demo`)."""


class WarehouseIncomplete(RuntimeError):
    """The warehouse lacks a mart or column the dashboard reads (older or partial build)."""


# --- connection and cache ---------------------------------------------------------------
REPLAY_KEY = "replay_as_of"
"""Session state: the date of the replay the user opened (ISO), or empty for the published
warehouse. A replay (orchestration/warehouse/replay.py) is read like the published file:
read-only, through the same scoping; every page then says "situation on <date>"."""


def published_path() -> Path:
    return load_settings().warehouse


def selected_replay() -> dt.date | None:
    """The replay date chosen in this session's sidebar; None (the published warehouse)
    outside a session or when the replay file is gone."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:
            return None
        value = st.session_state.get(REPLAY_KEY)
    except Exception:  # no Streamlit runtime (scripts, the benchmark)
        return None
    if not value:
        return None
    day = dt.date.fromisoformat(str(value))
    return day if replay_path(published_path(), day).exists() else None


def warehouse_path() -> Path:
    """The file this session reads: the published warehouse, or the replay it opened (a
    download's thread reads the one its session had: `bind_scope`)."""
    day = getattr(_local, "replay", _UNSET)
    if day is _UNSET:
        day = selected_replay()
    return published_path() if day is None else replay_path(published_path(), day)


def warehouse_version(path: Path) -> tuple[int, int, int]:
    """Changes with every publication (os.replace gives a new inode and mtime)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


_caching = True


def set_caching(enabled: bool) -> None:
    """Switch Streamlit's result cache off (the benchmark times the queries themselves)."""
    global _caching
    _caching = enabled


def query(sql: str, params: list | tuple | None = None) -> pd.DataFrame:
    path = warehouse_path()
    params = tuple(params or ())
    scope = current_scope()  # part of the cache key: one user never gets another's rows
    if not _caching:
        return run_query(str(path), sql, params, scope)
    return _cached_query(str(path), _pinned_version(path), sql, params, scope)


def _pinned_version(path: Path) -> tuple[int, int, int]:
    """The file's version, taken once per batch: a page run keys all its queries on the
    publication its shared connection reads, even if a new one lands meanwhile."""
    versions = getattr(_local, "versions", None)
    if versions is None:
        return warehouse_version(path)
    if str(path) not in versions:
        versions[str(path)] = warehouse_version(path)
    return versions[str(path)]


@st.cache_data(show_spinner=False, max_entries=512, ttl=dt.timedelta(hours=12))
def _cached_query(
    path: str, version: tuple, sql: str, params: tuple, scope: str | None
) -> pd.DataFrame:
    return run_query(path, sql, params, scope)


_local = threading.local()


@contextlib.contextmanager
def batch():
    """Let the cache misses of one script run share one read-only connection.

    Opening a DuckDB file costs some 30-60 ms, more than most of these queries; a page
    misses the cache several times after a publication. The connection lives only while
    the page script runs (well under a second) and is closed in `finally`, so between
    interactions the dashboard holds nothing, as with one connection per query; and the
    queries of one page view all read the same publication. Outside a batch (tests,
    scripts, the CSV download's thread) every query opens and closes its own connection.
    """
    if getattr(_local, "connections", None) is not None:  # already batching
        yield
        return
    _local.connections, _local.versions = {}, {}
    try:
        yield
    finally:
        connections, _local.connections, _local.versions = _local.connections, None, None
        for con in connections.values():
            con.close()


def run_query(path: str, sql: str, params: tuple = (), scope: str | None = None) -> pd.DataFrame:
    """One query on a read-only connection that is closed again (see `batch`), restricted
    to the relations of salesperson `scope` unless it is None."""
    if not Path(path).exists():
        raise WarehouseNotBuilt(path)
    shared = getattr(_local, "connections", None)
    try:
        if shared is None:
            with _connect(path, scope) as con:
                return con.execute(sql, list(params)).df()
        if (path, scope) not in shared:
            shared[(path, scope)] = _connect(path, scope)
        return shared[(path, scope)].execute(sql, list(params)).df()
    except (duckdb.CatalogException, duckdb.BinderException) as error:
        raise WarehouseIncomplete(str(error).splitlines()[0]) from error


def _connect(path: str, scope: str | None) -> duckdb.DuckDBPyConnection:
    if scope is None:
        return duckdb.connect(path, read_only=True)
    return _scoped_connection(path, scope)


# --- who sees what ----------------------------------------------------------------------
class NotAuthenticated(RuntimeError):
    """Users are configured but nobody is logged in: the data layer answers nothing."""


AUTH_USER_KEY = "auth_user"  # session state: {"username", "role", "salesperson_id"}
_UNSET = object()


def current_scope() -> str | None:
    """The salesperson whose relations the current user may see; None: every relation.

    Open mode (no users file): None. With a users file: the logged-in user of this
    Streamlit session (a manager: None). With a users file but no logged-in user, or
    outside a script run (a download's thread that did not `bind_scope`): refused, so a
    forgotten check fails closed instead of showing everything. `scoped` overrides it.
    """
    override = getattr(_local, "scope", _UNSET)
    if override is not _UNSET:
        return override
    if users.users_file() is None:
        return None
    # No public API answers "does *this thread* run a session's script": st.runtime.exists()
    # is true in a download button's worker thread too (the server runs), and st.context
    # answers None there as for a loopback client. streamlit.runtime.scriptrunner is the
    # import path Streamlit's own multithreading guide uses (its `__all__` exports it).
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        raise NotAuthenticated("no Streamlit session to read the logged-in user from")
    user = st.session_state.get(AUTH_USER_KEY)
    if not user:
        raise NotAuthenticated("not logged in")
    if user.get("role") == users.MANAGER:
        return None
    if user.get("role") == users.SALESPERSON and user.get("salesperson_id"):
        return str(user["salesperson_id"])
    raise NotAuthenticated(f"unknown role {user.get('role')!r}")


def current_username() -> str | None:
    """The logged-in user's name, to record as who decided; None in open mode and outside
    a session's script run (a caller then has to say who decides)."""
    if users.users_file() is None:
        return None
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    user = st.session_state.get(AUTH_USER_KEY)
    return str(user["username"]) if user else None


@contextlib.contextmanager
def scoped(scope: str | None):
    """Run queries in this thread as the given scope (a salesperson id, or None: all)."""
    saved = getattr(_local, "scope", _UNSET)
    _local.scope = scope
    try:
        yield
    finally:
        _local.scope = saved


def bind_scope(function):
    """`function` wrapped to run with the scope (and the opened replay) of the current
    session, for work Streamlit does later in another thread (a download button's
    callable)."""
    scope = current_scope()
    replay = selected_replay()

    @functools.wraps(function)
    def bound(*args, **kwargs):
        saved = getattr(_local, "replay", _UNSET)
        _local.replay = replay
        try:
            with scoped(scope):
                return function(*args, **kwargs)
        finally:
            _local.replay = saved

    return bound


# Schemas the dashboard reads; a salesperson's connection has a view for each table.
SCOPED_SCHEMAS = ("marts", "history", "config")
# Tables without relations in them that a salesperson sees whole (load counts per file,
# the business-rule seeds, the rule parameters of the build). Every other table without a
# relation_id or salesperson_id is empty for a salesperson: a new mart is hidden until
# someone decides otherwise.
UNRESTRICTED_TABLES = {
    ("marts", "dq_ingest_runs"),
    ("marts", "rule_parameters"),
    ("config", "activity_types"),
    ("config", "scoring_bands"),
    ("config", "scoring_criteria"),
    ("config", "service_level_capacities"),
    ("config", "service_level_matrix"),
    ("config", "visit_reason_priorities"),
}
# Tables a salesperson never sees, whatever relations they hold: the campaign mailing lists
# carry contact persons' names and e-mail addresses, for the managers' campaign page only
# (docs/business-rules.md sections 10 and 15).
MANAGER_ONLY_TABLES = {("marts", "audience_members")}
_ATTACHED = "published_warehouse"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scope_rule(schema: str, table: str, columns: list[str]) -> str:
    """The condition a salesperson's view of `schema.table` applies (scope in main.scope)."""
    salesperson = "(select salesperson_id from main.scope)"
    own_relations = (
        f"(select relation_id from {_ATTACHED}.marts.relation_kinds "
        f"where account_manager_id = {salesperson})"
    )
    if (schema, table) in MANAGER_ONLY_TABLES:
        return "false"
    conditions = []
    if "relation_id" in columns:
        conditions.append(f"relation_id in {own_relations}")
    if "salesperson_id" in columns:
        conditions.append(f"salesperson_id = {salesperson}")
    if conditions:
        return " and ".join(conditions)
    return "true" if (schema, table) in UNRESTRICTED_TABLES else "false"


def _scoped_connection(path: str, salesperson_id: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection on which `marts.x` (and history, config) are views of the
    published tables restricted to the relations `salesperson_id` manages.

    The published file is attached read-only under another name; the SQL in this module
    names `marts.x` and so reads the views, never the tables themselves.
    """
    con = duckdb.connect()
    try:
        literal = "'" + path.replace("'", "''") + "'"
        con.execute(f"attach {literal} as {_ATTACHED} (read_only)")
        con.execute(
            "create table main.scope as select ?::varchar as salesperson_id", [salesperson_id]
        )
        tables = con.execute(
            """
            select schema_name, table_name, list(column_name order by column_index)
            from duckdb_columns()
            where database_name = ? and list_contains(?, schema_name)
            group by all
            """,
            [_ATTACHED, list(SCOPED_SCHEMAS)],
        ).fetchall()
        for schema in SCOPED_SCHEMAS:
            con.execute(f"create schema {_ident(schema)}")
        for schema, table, columns in tables:
            name = f"{_ident(schema)}.{_ident(table)}"
            con.execute(
                f"create view {name} as select * from {_ATTACHED}.{name} "
                f"where {scope_rule(schema, table, columns)}"
            )
    except BaseException:
        con.close()
        raise
    return con


def scalar(sql: str, params: list | tuple | None = None):
    frame = query(sql, params)
    return None if frame.empty else frame.iloc[0, 0]


def limited(
    matching: str, params: list, order_by: str, limit: int, then: str = "select * from page"
) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows of `matching` (a select) in `order_by`, and how many match.

    The count is an aggregate of its own rather than a window over every matching row, so
    DuckDB sorts with a top-N and never materialises all matches (a window did, 10x slower
    on a million relations). `then` may join names onto `page`, the limited rows only.
    """
    frame = query(
        f"""
        with matching as ({matching}),
        page as (
            select *, (select count(*) from matching) as total_rows
            from matching
            order by {order_by}
            limit ?
        )
        select * from ({then}) order by {order_by}
        """,
        [*params, limit],
    )
    total = int(frame["total_rows"].iloc[0]) if not frame.empty else 0
    return frame.drop(columns=["total_rows"]), total


# --- filters ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters; None means all."""

    salesperson_id: str | None = None
    region: str | None = None
    sector: str | None = None

    def is_active(self) -> bool:
        return any(v is not None for v in (self.salesperson_id, self.region, self.sector))

    def clause(self, prefix: str = "", salesperson_column: str = "account_manager_id"):
        """`(sql, params)`: a condition on the filtered columns, `true` when no filter.

        Only column names from this module go into the SQL; the values are parameters.
        """
        conditions, params = ["true"], []
        for column, value in (
            (salesperson_column, self.salesperson_id),
            ("region", self.region),
            ("sector", self.sector),
        ):
            if value is not None:
                conditions.append(f"{prefix}{column} = ?")
                params.append(value)
        return " and ".join(conditions), params


NO_FILTERS = Filters()


def relation_filter(filters: Filters, column: str = "relation_id") -> tuple[str, list]:
    """For marts without the filter columns: `column` among the relations the filters
    keep (by relation_kinds); `true`, with no join at all, when nothing is filtered."""
    if not filters.is_active():
        return "true", []
    where, params = filters.clause()
    return f"{column} in (select relation_id from marts.relation_kinds where {where})", params


def search_clause(search: str | None, prefix: str = "") -> tuple[str, list]:
    if not search:
        return "true", []
    return (
        f"(contains(lower({prefix}relation_name), lower(?)) "
        f"or contains(lower({prefix}relation_id), lower(?)))",
        [search, search],
    )
