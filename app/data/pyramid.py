"""Queries of the customer pyramid page."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters


def pyramid_levels(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per level present: relations, revenue and their shares within the filter."""
    where, params = filters.clause()
    return scope.query(
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
    search_sql, search_params = scope.search_clause(search)
    return scope.limited(
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


def legal_entities(
    shared_only: bool = True, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """Relations rolled up per KvK/KBO number (marts.legal_entities), by revenue; with
    `shared_only`, only the numbers more than one relation carries."""
    return scope.limited(
        """
        select kvk_normalised, country_code, relation_count, revenue_12m,
               best_effective_level, relation_names, relation_ids
        from marts.legal_entities
        where relation_count >= ?
        """,
        [2 if shared_only else 1],
        "revenue_12m desc nulls last, kvk_normalised",
        limit,
    )
