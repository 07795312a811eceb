"""Queries of the history page: the refresh dates kept in marts.segment_history, and the
migration between two of them for kind, pyramid level, ABC class and service level."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters

DIMENSIONS = ("relation_kind", "pyramid_level", "abc_class", "effective_level")
NONE = "-"
"""A relation without a value on a date: not yet (or no longer) in the CRM, or no ABC
class / level (not a customer, no revenue)."""


def _dimension(name: str) -> str:
    if name not in DIMENSIONS:
        raise ValueError(f"unknown history dimension {name!r}")
    return name


def snapshot_dates() -> list[dt.date]:
    """Every refresh date kept, oldest first; [] for a warehouse built before the history."""
    frame = scope.query(
        "select distinct snapshot_date from marts.segment_history order by snapshot_date"
    )
    return [pd.Timestamp(value).date() for value in frame["snapshot_date"]]


def _pairs(dimension: str, filters: Filters) -> tuple[str, list]:
    """Per relation: its value on date ? (from) and on date ? (to), NONE where absent."""
    column = _dimension(dimension)
    where, params = scope.relation_filter(filters, "relation_id")
    sql = f"""
        with
        before as (
            select relation_id, {column} as value from marts.segment_history
            where snapshot_date = ?
        ),
        after as (
            select relation_id, {column} as value from marts.segment_history
            where snapshot_date = ?
        ),
        pairs as (
            select
                coalesce(before.relation_id, after.relation_id) as relation_id,
                coalesce(before.value, '{NONE}') as from_value,
                coalesce(after.value, '{NONE}') as to_value
            from before
            full outer join after on before.relation_id = after.relation_id
        )
        select * from pairs where {where}
    """
    return sql, params


def migration(
    dimension: str, date_from: dt.date, date_to: dt.date, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """from_value, to_value, relations: how many relations went from one value on
    `date_from` to another on `date_to`."""
    pairs, params = _pairs(dimension, filters)
    return scope.query(
        f"""
        select from_value, to_value, count(*) as relations
        from ({pairs}) as pairs
        group by from_value, to_value
        order by from_value, to_value
        """,
        [date_from, date_to, *params],
    )


def cell_relations(
    dimension: str,
    date_from: dt.date,
    date_to: dt.date,
    from_value: str,
    to_value: str,
    filters: Filters = NO_FILTERS,
    limit: int = LIST_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """The relations behind one cell of the matrix, with their name and salesperson today."""
    pairs, params = _pairs(dimension, filters)
    return scope.limited(
        f"""
        select pairs.relation_id, kinds.relation_name, pairs.from_value, pairs.to_value,
               kinds.account_manager_name, kinds.region, kinds.sector
        from ({pairs}) as pairs
        left join marts.relation_kinds as kinds on pairs.relation_id = kinds.relation_id
        where pairs.from_value = ? and pairs.to_value = ?
        """,
        [date_from, date_to, *params, from_value, to_value],
        "relation_id",
        limit,
    )
