"""Queries of the relation kinds page: counts per kind, leads, reactivation, kind history."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters


def kind_counts(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = filters.clause()
    return scope.query(
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
    return scope.limited(
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
    return scope.limited(
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
    exists = scope.scalar(
        """
        select count(*) from duckdb_tables()
        where schema_name = 'history' and table_name = 'relation_kinds_history'
        """
    )
    if not exists:
        return None
    return int(scope.scalar("select count(*) from history.relation_kinds_history"))


def kind_movements(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Kind changes per month: (change_month, from_kind, to_kind, changes).

    A change is a snapshot version whose predecessor (same relation) had another kind;
    the month is that of the as_of of the refresh that saw it. Only relations with more
    than one version are sorted into their history (most never change).
    """
    where, params = filters.clause()
    return scope.query(
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
