"""Every query the dashboard runs: marts only, parameterised, read-only connections.

The dashboard opens the *published* warehouse read-only for each query and closes it at
once (or, within one page run, at the end of it: see `batch`), so it never holds a lock
the nightly refresh needs between interactions, and it picks up a new publication (an
atomic file swap) on the next query: the file's version (mtime, size, inode) is part of
every cache key.

Rules kept here:
- SQL names mart columns only in this module, so a renamed column is a one-line fix.
- Filter and search values always travel as `?` parameters; the only text formatted into
  SQL are column names and fragments from this module's own constants.
- Aggregation happens in DuckDB: charts get the rows they draw, lists a `limit` and the
  total count (see `_limited`).
- Who sees what is decided here, not in the pages: a salesperson's queries run on a
  connection where every mart is a view restricted to their own relations (see
  `current_scope` and `_scoped_connection`), so no page and no download can forget it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from app import users
from orchestration.settings import DBT_PROJECT_DIR, load_settings
from orchestration.warehouse.status import read_status

LIST_LIMIT = 1000
CSV_LIMIT = 100_000
PARETO_MAX_POINTS = 500
SCORE_BIN = 0.2
SCORE_HISTOGRAM_BIN = 0.1


class WarehouseNotBuilt(RuntimeError):
    """The published warehouse does not exist yet: run `make refresh` (or `make demo`)."""


class WarehouseIncomplete(RuntimeError):
    """The warehouse lacks a mart or column the dashboard reads (older or partial build)."""


# --- connection and cache ---------------------------------------------------------------
def warehouse_path() -> Path:
    return load_settings().warehouse


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
    """`function` wrapped to run with the scope of the current session, for work Streamlit
    does later in another thread (a download button's callable)."""
    scope = current_scope()

    @functools.wraps(function)
    def bound(*args, **kwargs):
        with scoped(scope):
            return function(*args, **kwargs)

    return bound


# Schemas the dashboard reads; a salesperson's connection has a view for each table.
SCOPED_SCHEMAS = ("marts", "history", "config")
# Tables without relations in them that a salesperson sees whole (load counts per file,
# and the business-rule seeds). Every other table without a relation_id or salesperson_id
# is empty for a salesperson: a new mart is hidden until someone decides otherwise.
UNRESTRICTED_TABLES = {
    ("marts", "dq_ingest_runs"),
    ("config", "activity_types"),
    ("config", "scoring_bands"),
    ("config", "scoring_criteria"),
    ("config", "service_level_capacities"),
    ("config", "service_level_matrix"),
    ("config", "visit_reason_priorities"),
}
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


def _scalar(sql: str, params: list | tuple | None = None):
    frame = query(sql, params)
    return None if frame.empty else frame.iloc[0, 0]


def _limited(
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


def _relation_filter(filters: Filters, column: str = "relation_id") -> tuple[str, list]:
    """For marts without the filter columns: `column` among the relations the filters
    keep (by relation_kinds); `true`, with no join at all, when nothing is filtered."""
    if not filters.is_active():
        return "true", []
    where, params = filters.clause()
    return f"{column} in (select relation_id from marts.relation_kinds where {where})", params


def _search_clause(search: str | None, prefix: str = "") -> tuple[str, list]:
    if not search:
        return "true", []
    return (
        f"(contains(lower({prefix}relation_name), lower(?)) "
        f"or contains(lower({prefix}relation_id), lower(?)))",
        [search, search],
    )


# --- configuration the marts do not carry -----------------------------------------------
DEFAULT_VARS = {
    "abc_a_share": 0.80,
    "abc_b_share": 0.95,
    "score_cutoff": 3.0,
    "matrix_relationship_threshold": 3.0,
    "matrix_buying_threshold": 3.0,
    "planning_horizon_weeks": 4,
}


@functools.cache
def configured_vars() -> dict[str, float]:
    """Thresholds drawn as lines (ABC shares, matrix thresholds, cut-off).

    They are dbt vars, not columns, so they are read from dbt_project.yml (the pipeline
    passes only as_of and review_period on the command line); defaults when unreadable.
    """
    values = dict(DEFAULT_VARS)
    try:
        import yaml

        project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
        for key in values:
            if key in (project.get("vars") or {}):
                values[key] = float(project["vars"][key])
    except Exception:  # the dashboard still draws with the documented defaults
        pass
    return values


# --- freshness --------------------------------------------------------------------------
def freshness() -> dict:
    """as_of, when the file was published (its mtime) and when the sources were loaded."""
    path = warehouse_path()
    frame = query(
        """
        select
            (select max(as_of_date) from marts.relation_kinds) as as_of_date,
            (select max(loaded_at) from marts.dq_ingest_runs) as loaded_at
        """
    )
    published = dt.datetime.fromtimestamp(os.stat(path).st_mtime) if path.exists() else None
    row = frame.iloc[0]
    return {
        "as_of_date": row["as_of_date"],
        "loaded_at": row["loaded_at"],
        "published_at": published,
    }


def refresh_status() -> dict:
    """Last successful and last failed refresh (orchestration/warehouse/status.py), times local.

    Read from a file beside the warehouse, not from it: a failed refresh never publishes.
    """
    status = read_status(warehouse_path())
    for entry, key in (
        (status.get("last_success"), "finished_at"),
        (status.get("last_failure"), "failed_at"),
    ):
        if entry and entry.get(key):
            entry[key] = dt.datetime.fromisoformat(entry[key]).astimezone().replace(tzinfo=None)
    return status


def filter_options() -> dict:
    """Salespeople (id, name), regions and sectors for the sidebar, from relation_kinds."""
    salespeople = query(
        """
        select account_manager_id as salesperson_id,
               any_value(account_manager_name) as salesperson_name
        from marts.relation_kinds
        where account_manager_id is not null
        group by account_manager_id
        order by salesperson_name, salesperson_id
        """
    )
    regions = query(
        "select distinct region from marts.relation_kinds where region is not null order by 1"
    )
    sectors = query(
        "select distinct sector from marts.relation_kinds where sector is not null order by 1"
    )
    return {
        "salespeople": salespeople,
        "regions": regions["region"].tolist(),
        "sectors": sectors["sector"].tolist(),
    }


# --- 1. customer pyramid ----------------------------------------------------------------
def pyramid_levels(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per level present: relations, revenue and their shares within the filter."""
    where, params = filters.clause()
    return query(
        f"""
        select pyramid_level, pyramid_level_order,
               count(*) as relations,
               coalesce(sum(revenue_12m), 0) as revenue_12m,
               count(*) / sum(count(*)) over () as relation_share,
               coalesce(sum(revenue_12m) / nullif(sum(sum(revenue_12m)) over (), 0), 0)
                   as revenue_share
        from marts.customer_pyramid
        where {where}
        group by pyramid_level, pyramid_level_order
        order by pyramid_level_order
        """,
        params,
    )


def pyramid_relations(
    level: str, filters: Filters = NO_FILTERS, search: str | None = None, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    where, params = filters.clause()
    search_sql, search_params = _search_clause(search)
    return _limited(
        f"""
        select relation_id, relation_name, pyramid_level, revenue_12m, active_rank, region,
               sector
        from marts.customer_pyramid
        where pyramid_level = ? and {where} and {search_sql}
        """,
        [level, *params, *search_params],
        "revenue_12m desc, relation_id",
        limit,
        then="""
        select page.relation_id, page.relation_name, page.pyramid_level, page.revenue_12m,
               page.active_rank, kinds.account_manager_name, page.region, page.sector,
               kinds.city, page.total_rows
        from page
        left join marts.relation_kinds as kinds on kinds.relation_id = page.relation_id
        """,
    )


# --- 2. relation kinds ------------------------------------------------------------------
def kind_counts(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = filters.clause()
    return query(
        f"""
        select relation_kind,
               count(*) as relations,
               count(*) filter (where is_lead) as leads,
               count(*) filter (where needs_reactivation) as needs_reactivation,
               coalesce(sum(revenue_12m), 0) as revenue_12m
        from marts.relation_kinds
        where {where}
        group by relation_kind
        """,
        params,
    )


def leads(filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    where, params = filters.clause()
    return _limited(
        f"""
        select relation_id, relation_name, last_two_way_contact_date, account_manager_name,
               region, sector, city
        from marts.relation_kinds
        where relation_kind = 'prospect' and is_lead and {where}
        """,
        params,
        "last_two_way_contact_date desc nulls last, relation_id",
        limit,
    )


def reactivation_list(
    filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    where, params = filters.clause()
    return _limited(
        f"""
        select relation_id, relation_name, relation_kind, last_invoice_date,
               months_since_last_invoice, last_two_way_contact_date, account_manager_name,
               region, sector, city
        from marts.relation_kinds
        where needs_reactivation and {where}
        """,
        params,
        "last_invoice_date desc nulls last, relation_id",
        limit,
    )


def kind_history_versions() -> int | None:
    """Rows in the kind history; None when the snapshot table does not exist yet."""
    exists = _scalar(
        """
        select count(*) from duckdb_tables()
        where schema_name = 'history' and table_name = 'relation_kinds_history'
        """
    )
    if not exists:
        return None
    return int(_scalar("select count(*) from history.relation_kinds_history"))


def kind_movements(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Kind changes per month: (change_month, from_kind, to_kind, changes).

    A change is a snapshot version whose predecessor (same relation) had another kind;
    the month is that of the as_of of the refresh that saw it. Only relations with more
    than one version are sorted into their history (most never change).
    """
    where, params = filters.clause()
    return query(
        f"""
        with changed as (
            select relation_id
            from history.relation_kinds_history
            group by relation_id
            having count(*) > 1
        ),
        versions as (
            select relation_id, relation_kind, as_of_date, account_manager_id, region, sector,
                   lag(relation_kind) over (
                       partition by relation_id order by dbt_valid_from
                   ) as from_kind
            from history.relation_kinds_history
            where relation_id in (select relation_id from changed)
        )
        select date_trunc('month', as_of_date)::date as change_month,
               from_kind, relation_kind as to_kind, count(*) as changes
        from versions
        where from_kind is not null and from_kind <> relation_kind and {where}
        group by all
        order by change_month, changes desc
        """,
        params,
    )


# --- 3. ABC analysis --------------------------------------------------------------------
def _abc_ranked_cte(filters: Filters) -> tuple[str, list]:
    """The ranked relations of customer_abc with their place on the Pareto curve.

    Unfiltered: the mart's own cumulative_customer_share and cumulative_share. Filtered:
    the selection's own curve, recomputed over the relations the filters keep, while
    abc_class stays the company-wide class from the mart.
    """
    # A salesperson's curve is that of their own relations, like a filtered one.
    if not filters.is_active() and current_scope() is None:
        return (
            """
        ranked as (
            select revenue_rank as position, abc_class,
                   (select count(*) from marts.customer_abc) as relation_total,
                   cumulative_customer_share, cumulative_share
            from marts.customer_abc
        )""",
            [],
        )
    where, params = _relation_filter(filters)
    return (
        f"""
        ranked as (
            select row_number() over (order by revenue_rank) as position, abc_class,
                   count(*) over () as relation_total,
                   row_number() over (order by revenue_rank) / count(*) over ()
                       as cumulative_customer_share,
                   sum(revenue_12m) over (order by revenue_rank)
                       / sum(revenue_12m) over () as cumulative_share
            from marts.customer_abc
            where {where}
        )""",
        params,
    )


def pareto_points(
    filters: Filters = NO_FILTERS, max_points: int = PARETO_MAX_POINTS
) -> pd.DataFrame:
    """At most ~max_points points of the Pareto curve, always with both ends and the
    first and last relation of every class (the class boundaries)."""
    cte, params = _abc_ranked_cte(filters)
    return query(
        f"""
        with {cte},
        curve as (
            select position, abc_class, relation_total, cumulative_customer_share,
                   cumulative_share,
                   lag(abc_class) over (order by position) as previous_class,
                   lead(abc_class) over (order by position) as next_class
            from ranked
        )
        select 0 as position, null as abc_class, 0.0 as cumulative_customer_share,
               0.0 as cumulative_share, false as is_boundary,
               (select count(*) from ranked) as relation_total
        where exists (select 1 from ranked)
        union all
        select position, abc_class, cumulative_customer_share, cumulative_share,
               abc_class is distinct from next_class and next_class is not null
                   as is_boundary,
               relation_total
        from curve
        where position = 1
           or position = relation_total
           or position % greatest(1, ceil(relation_total / ?)::bigint) = 0
           or abc_class is distinct from previous_class
           or abc_class is distinct from next_class
        order by position
        """,
        [*params, max_points],
    )


def abc_classes(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = _relation_filter(filters)
    return query(
        f"""
        select abc_class,
               count(*) as customers,
               sum(revenue_12m) as revenue_12m,
               count(*) / sum(count(*)) over () as customer_share,
               sum(revenue_12m) / nullif(sum(sum(revenue_12m)) over (), 0) as revenue_share
        from marts.customer_abc
        where {where}
        group by abc_class
        order by abc_class
        """,
        params,
    )


# --- 4. customer rating -----------------------------------------------------------------
def score_matrix(filters: Filters = NO_FILTERS, step: float = SCORE_BIN) -> pd.DataFrame:
    """Customers per (relationship, buying) score cell and group: at most ~21 x 21 x 4 rows.

    Bins start at multiples of `step` (floor), so a threshold on a multiple of `step`
    never splits a cell.
    """
    where, params = filters.clause()
    return query(
        f"""
        select floor(relationship_score / ? + 1e-9) * ? as relationship_bin,
               floor(buying_score / ? + 1e-9) * ? as buying_bin,
               customer_group,
               count(*) as customers,
               sum(revenue_12m) as revenue_12m
        from marts.customer_scores
        where relationship_score is not null and buying_score is not null and {where}
        group by all
        order by relationship_bin, buying_bin, customer_group
        """,
        [step, step, step, step, *params],
    )


def score_groups(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = filters.clause()
    return query(
        f"""
        select customer_group,
               count(*) as customers,
               coalesce(sum(revenue_12m), 0) as revenue_12m,
               count(*) filter (where passes_cutoff) as passes_cutoff,
               count(*) / sum(count(*)) over () as customer_share
        from marts.customer_scores
        where {where}
        group by customer_group
        """,
        params,
    )


def score_histogram(
    filters: Filters = NO_FILTERS, step: float = SCORE_HISTOGRAM_BIN
) -> pd.DataFrame:
    where, params = filters.clause()
    return query(
        f"""
        select round(floor(total_score / ? + 1e-9) * ?, 4) as score_bin,
               passes_cutoff,
               count(*) as customers
        from marts.customer_scores
        where {where}
        group by all
        order by score_bin
        """,
        [step, step, *params],
    )


def score_search(
    filters: Filters = NO_FILTERS, search: str | None = None, limit: int = 50
) -> pd.DataFrame:
    """The best-scoring customers matching the search: the pick list for one relation."""
    where, params = filters.clause()
    search_sql, search_params = _search_clause(search)
    return query(
        f"""
        select relation_id, relation_name, total_score, score_rank
        from marts.customer_scores
        where {where} and {search_sql}
        order by score_rank, relation_id
        limit ?
        """,
        [*params, *search_params, limit],
    )


def score_of(relation_id: str) -> pd.DataFrame:
    return query(
        """
        select relation_id, relation_name, relation_kind, account_manager_name, revenue_12m,
               total_score, passes_cutoff, score_rank, relationship_score, buying_score,
               customer_group, missing_value_count, criterion_count
        from marts.customer_scores
        where relation_id = ?
        """,
        [relation_id],
    )


def score_components(relation_id: str) -> pd.DataFrame:
    return query(
        """
        select criterion, axis, raw_value, band, band_min_value, band_max_value, score,
               weight, contribution, direction, is_value_missing
        from marts.customer_score_components
        where relation_id = ?
        order by contribution desc, criterion
        """,
        [relation_id],
    )


# --- 5. service levels ------------------------------------------------------------------
def service_mix(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Customers per level: served (effective), proposed tonight and assigned at review."""
    where, params = filters.clause()
    return query(
        f"""
        with customers as (
            select effective_level, proposed_level, assigned_level, revenue_12m
            from marts.service_levels
            where {where}
        ),
        levels as (
            select 'effective_level' as basis, effective_level as service_level, revenue_12m
            from customers
            union all
            select 'proposed_level', proposed_level, revenue_12m from customers
            union all
            select 'assigned_level', assigned_level, revenue_12m from customers
            where assigned_level is not null
        )
        select basis, service_level, count(*) as customers,
               coalesce(sum(revenue_12m), 0) as revenue_12m
        from levels
        group by all
        order by basis, service_level
        """,
        params,
    )


def latest_review_period() -> str | None:
    return _scalar("select max(review_period) from marts.service_level_reviews")


def review_movements(period: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = _relation_filter(filters)
    return query(
        f"""
        select movement, count(*) as customers
        from marts.service_level_reviews
        where review_period = ? and {where}
        group by movement
        """,
        [period, *params],
    )


def review_moves(
    period: str, filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """Promotions and demotions of one review, biggest revenue first."""
    where, params = _relation_filter(filters)
    return _limited(
        f"""
        select relation_id, movement, previous_level, proposed_level, override_level,
               assigned_level, override_reason, decided_by, abc_class, revenue_12m,
               growth_potential
        from marts.service_level_reviews
        where review_period = ? and movement in ('promoted', 'demoted') and {where}
        """,
        [period, *params],
        "movement, revenue_12m desc, relation_id",
        limit,
        then="""
        select page.relation_id, kinds.relation_name, page.movement, page.previous_level,
               page.proposed_level, page.override_level, page.assigned_level,
               page.override_reason, page.decided_by, page.abc_class, page.revenue_12m,
               page.growth_potential, kinds.account_manager_name, page.total_rows
        from page
        left join marts.relation_kinds as kinds on kinds.relation_id = page.relation_id
        """,
    )


def proposals_different(
    filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    where, params = filters.clause()
    return _limited(
        f"""
        select relation_id, relation_name, assigned_level, proposed_level, review_period,
               abc_class, revenue_12m, growth_potential, override_reason
        from marts.service_levels
        where is_proposal_different and {where}
        """,
        params,
        "revenue_12m desc, relation_id",
        limit,
        then="""
        select page.*, kinds.account_manager_name
        from page
        left join marts.relation_kinds as kinds on kinds.relation_id = page.relation_id
        """,
    )


def service_capacities() -> pd.DataFrame:
    """The capacities per level: the seed table config.service_level_capacities."""
    return query(
        """
        select service_level, response_time_hours, response_rule_nl, response_rule_en,
               max_discount_pct, payment_terms_days, free_delivery, fixed_contact_person,
               visits_per_year
        from config.service_level_capacities
        order by service_level
        """
    )


# --- 6. visit planning ------------------------------------------------------------------
def salesperson_portfolio() -> pd.DataFrame:
    return query(
        """
        select salesperson_id, salesperson_name, region, relation_count, active_count,
               inactive_count, prospect_count, suspect_count, lead_count,
               needs_reactivation_count, top_count, large_count, medium_count, small_count,
               revenue_12m, level_a_count, level_b_count, level_c_count, visits_per_week,
               visits_planned, visits_over_capacity, overdue_visit_count,
               reactivation_visit_count, due_visit_count, prospect_follow_up_visit_count,
               visit_capacity, capacity_used_share, planning_horizon_weeks,
               first_week_start
        from marts.salesperson_portfolio
        order by salesperson_name, salesperson_id
        """
    )


def _salesperson_clause(salesperson_id: str | None) -> tuple[str, list]:
    return ("true", []) if salesperson_id is None else ("salesperson_id = ?", [salesperson_id])


def visit_weeks(salesperson_id: str | None = None) -> pd.DataFrame:
    """Visits per week and reason, within capacity or over it (all salespeople: None)."""
    where, params = _salesperson_clause(salesperson_id)
    return query(
        f"""
        select week_number, week_start, reason, within_capacity, count(*) as visits
        from marts.visit_plan
        where {where}
        group by all
        order by week_number, reason
        """,
        params,
    )


VISIT_COLUMNS = (
    "priority",
    "week_number",
    "week_start",
    "within_capacity",
    "reason",
    "relation_id",
    "relation_name",
    "relation_kind",
    "service_level",
    "last_visit_date",
    "next_due_date",
    "days_overdue",
    "last_two_way_contact_date",
    "revenue_12m",
    "salesperson_id",
    "salesperson_name",
)


def visit_plan(
    salesperson_id: str | None = None,
    reasons: tuple[str, ...] | None = None,
    limit: int = LIST_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """The plan in priority order; no contact persons or other personal data (AVG)."""
    where, params = _salesperson_clause(salesperson_id)
    reason_sql = "true"
    if reasons is not None:
        reason_sql = "list_contains(?, reason)"
        params = [*params, list(reasons)]
    return _limited(
        f"""
        select {", ".join(VISIT_COLUMNS)}, reason_label_nl, reason_label_en
        from marts.visit_plan
        where {where} and {reason_sql}
        """,
        params,
        "salesperson_name, salesperson_id, priority",
        limit,
    )


# --- 7. data quality --------------------------------------------------------------------
def ingest_runs() -> pd.DataFrame:
    return query(
        """
        select source_table, source_file, file_format, rows_read, rows_loaded, rows_rejected,
               extra_columns, loaded_at
        from marts.dq_ingest_runs
        order by source_table
        """
    )


def reject_counts() -> pd.DataFrame:
    return query(
        """
        select source_table, reason, count(*) as rejected_rows
        from marts.dq_ingest_rejects
        group by all
        order by rejected_rows desc, source_table, reason
        """
    )


def rejects(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    return _limited(
        """
        select source_table, source_file, line_number, column_name, raw_value, reason
        from marts.dq_ingest_rejects
        """,
        [],
        "source_table, line_number",
        limit,
    )


def unlinked_erp_customers(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int, float]:
    frame, total = _limited(
        """
        select customer_id, customer_name, crm_relation_id, kvk_number, reason, invoice_count,
               revenue_12m, last_invoice_date
        from marts.dq_unlinked_erp_customers
        """,
        [],
        "revenue_12m desc nulls last, customer_id",
        limit,
    )
    revenue = _scalar("select coalesce(sum(revenue_12m), 0) from marts.dq_unlinked_erp_customers")
    return frame, total, float(revenue or 0)


def unassigned_relations(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    return _limited(
        """
        select relation_id, relation_name, relation_kind, revenue_12m, account_manager_id,
               reason
        from marts.dq_relations_without_salesperson
        """,
        [],
        "revenue_12m desc nulls last, relation_id",
        limit,
    )


def unassigned_counts() -> pd.DataFrame:
    return query(
        """
        select reason, relation_kind, count(*) as relations
        from marts.dq_relations_without_salesperson
        group by all
        order by reason, relation_kind
        """
    )
