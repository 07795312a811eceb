"""Queries and the one write of the review page: the open review (marts.service_level_open_review)
with the decisions store's latest overrides laid over it, and recording a decision.

The mart holds the decisions as of the last refresh; the store (`PYRAMID_DECISIONS`,
orchestration/decisions) holds every decision up to now. Each query reads the store's
overrides in force for the open period and lays them over the mart rows in DuckDB (as
parameters, so they are part of the cache key), recomputing the assigned level and the
movement by the mart's own rules: a decision shows at once, and the marts follow at the
next refresh.

Who may decide is checked here, on write, not by what the page offers: a salesperson can
only record a decision for a relation their scoped connection sees in the open review.
"""

from __future__ import annotations

import contextlib

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters
from orchestration.decisions import store, validation
from orchestration.decisions.validation import InvalidDecision
from orchestration.settings import load_settings

# Most telling first: what moves, then the new customers, then the rest.
MOVEMENT_ORDER = ("promoted", "demoted", "new", "unchanged")
REVIEW_COLUMNS = (
    "relation_id",
    "relation_name",
    "account_manager_id",
    "movement",
    "previous_level",
    "proposed_level",
    "override_level",
    "assigned_level",
    "override_reason",
    "decided_by",
    "decided_at",
    "abc_class",
    "revenue_12m",
    "growth_potential",
    "revenue_score",
    "potential_score",
    "potential_band",
    "next_abc_class",
    "revenue_to_next_class",
)


class NotYourRelation(InvalidDecision):
    """The relation is not among the current user's customers in the open review (another
    salesperson's, not a customer, or unknown: the message does not say which)."""

    def __init__(self, relation_id: str):
        super().__init__(
            f"relation {relation_id!r} is not one of your customers in the open review",
            "relation_id",
        )


class StoreUnavailable(RuntimeError):
    """The decisions store cannot be read or written (a PostgreSQL server down, a SQLite
    file that cannot be opened): the page says so instead of showing stale decisions."""


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    """One engine (connection pool) per store for the whole server: creating one checks the
    schema, which a page view should not pay for every time."""
    return store.create_engine(url)


@contextlib.contextmanager
def _store():
    try:
        yield _engine(load_settings().decisions)
    except sa.exc.SQLAlchemyError as error:
        raise StoreUnavailable(str(error).splitlines()[0]) from error


def open_period() -> str | None:
    """The review period being prepared; None when the user has no customers in it."""
    return scope.scalar("select max(review_period) from marts.service_level_open_review")


def store_overrides(period: str) -> pd.DataFrame:
    """The store's override in force per relation for `period`, read now (not cached)."""
    with _store() as engine:
        in_force = store.effective(engine)
    rows = [
        {
            "relation_id": decision.relation_id,
            "level": decision.level,
            "reason": decision.reason,
            "decided_by": decision.decided_by,
            # naive UTC, as the marts hold decided_at
            "decided_at": decision.decided_at.replace(tzinfo=None).isoformat(sep=" "),
        }
        for decision in in_force
        if decision.decision_type == store.OVERRIDE and decision.review_period == period
    ]
    return pd.DataFrame(rows, columns=["relation_id", "level", "reason", "decided_by", "decided_at"])


def _reviewed(period: str, filters: Filters, movements: tuple[str, ...] | None):
    """`(ctes, params)`: CTE `reviewed`, the open review's rows after the store's overrides,
    restricted to the filters and the chosen movements."""
    overrides = store_overrides(period)
    where, params = scope.relation_filter(filters, "open_review.relation_id")
    movement_sql, movement_params = "true", []
    if movements is not None:
        movement_sql, movement_params = "list_contains(?, movement)", [list(movements)]
    ctes = f"""
        decided as (
            select unnest(?::varchar[]) as relation_id, unnest(?::varchar[]) as level,
                   unnest(?::varchar[]) as reason, unnest(?::varchar[]) as decided_by,
                   unnest(?::varchar[])::timestamp as decided_at
        ),
        overlaid as (
            select open_review.* replace (
                       coalesce(decided.level, open_review.override_level) as override_level,
                       coalesce(decided.level, open_review.assigned_level) as assigned_level,
                       coalesce(decided.reason, open_review.override_reason)
                           as override_reason,
                       coalesce(decided.decided_by, open_review.decided_by) as decided_by,
                       coalesce(decided.decided_at, open_review.decided_at) as decided_at
                   )
            from marts.service_level_open_review as open_review
            left join decided on open_review.relation_id = decided.relation_id
            where open_review.review_period = ? and {where}
        ),
        reviewed as (
            -- the movement as the mart computes it (A is best: its position in 'ABC')
            select * replace (
                       case
                           when previous_level is null then 'new'
                           when strpos('ABC', assigned_level) < strpos('ABC', previous_level)
                               then 'promoted'
                           when strpos('ABC', assigned_level) > strpos('ABC', previous_level)
                               then 'demoted'
                           else 'unchanged'
                       end as movement
                   )
            from overlaid
        )
    """
    params = [
        *(overrides[column].tolist() for column in overrides.columns),
        period,
        *params,
    ]
    return ctes, movement_sql, [*params, *movement_params]


def migration_matrix(
    period: str, filters: Filters = NO_FILTERS, movements: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Customers and revenue per previous level (empty: new) and assigned level."""
    ctes, movement_sql, params = _reviewed(period, filters, movements)
    return scope.query(
        f"""
        with {ctes}
        select previous_level, assigned_level, count(*) as customers,
               coalesce(sum(revenue_12m), 0) as revenue_12m
        from reviewed
        where {movement_sql}
        group by all
        order by previous_level nulls last, assigned_level
        """,
        params,
    )


def review_summary(period: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Customers, revenue and decisions taken per movement; whether the period is frozen."""
    ctes, _, params = _reviewed(period, filters, None)
    return scope.query(
        f"""
        with {ctes}
        select movement, count(*) as customers, coalesce(sum(revenue_12m), 0) as revenue_12m,
               count(override_level) as decided, bool_or(is_frozen) as is_frozen
        from reviewed
        group by movement
        """,
        params,
    )


def review_rows(
    period: str,
    filters: Filters = NO_FILTERS,
    movements: tuple[str, ...] | None = None,
    limit: int = LIST_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """The proposed changes: promotions and demotions first, then the biggest revenue."""
    ctes, movement_sql, params = _reviewed(period, filters, movements)
    order = ", ".join(f"'{movement}'" for movement in MOVEMENT_ORDER)
    frame = scope.query(
        f"""
        with {ctes},
        matching as (
            select {", ".join(REVIEW_COLUMNS)},
                   list_position([{order}], movement) as movement_rank
            from reviewed
            where {movement_sql}
        ),
        page as (
            select *, (select count(*) from matching) as total_rows
            from matching
            order by movement_rank, revenue_12m desc nulls last, relation_id
            limit ?
        )
        select page.*, kinds.account_manager_name
        from page
        left join marts.relation_kinds as kinds on page.relation_id = kinds.relation_id
        order by movement_rank, revenue_12m desc nulls last, relation_id
        """,
        [*params, limit],
    )
    total = int(frame["total_rows"].iloc[0]) if not frame.empty else 0
    return frame.drop(columns=["total_rows", "movement_rank"]), total


def decide(relation_id: str, level: str, reason: str, name: str | None = None) -> int:
    """Record an override for the open period; return its decision id.

    Refused (`InvalidDecision`, nothing written) when the relation is not a customer in
    the open review that the current user sees (`NotYourRelation`: a salesperson deciding
    for another's relation), or when level, reason or who decided is missing or wrong.
    Who decided is the logged-in user; `name` only counts in open mode (no users file).
    """
    period = open_period()
    owner = scope.query(
        "select account_manager_id from marts.service_level_open_review where relation_id = ?",
        [relation_id],
    )
    salesperson = scope.current_scope()
    # The scoped connection already hides another's relations; the owner is compared as
    # well, so a future scope rule that lets more through cannot widen who may decide.
    if period is None or owner.empty or (
        salesperson is not None and owner["account_manager_id"].iloc[0] != salesperson
    ):
        raise NotYourRelation(relation_id)
    decision = validation.override(
        relation_id, period, level, reason, scope.current_username() or name or ""
    )
    with _store() as engine:
        return store.append(engine, decision)[0]
