"""Queries of the profitability section (docs/business-rules.md section 16): customers who
cost more than they bring per service level and salesperson, largest loss first, and the
margin per pyramid level, from marts.customer_profitability."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters

# `contribution` is shown as contribution_eur: on the scoring page `contribution` is a
# score's share in points, and the table formatting goes by column name.
CUSTOMER_COLUMNS = [
    "relation_id",
    "relation_name",
    "effective_level",
    "pyramid_level",
    "account_manager_name",
    "revenue_12m",
    "gross_margin_12m",
    "visits_12m",
    "visit_cost_12m",
    "excess_discount_eur",
    "cost_to_serve",
    "contribution_eur",
    "has_complete_cost",
]


def by_level_and_salesperson(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per service level and salesperson: customers, the unprofitable ones and their loss."""
    where, params = filters.clause()
    return scope.query(
        f"""
        select effective_level, account_manager_id,
               any_value(account_manager_name) as account_manager_name,
               count(*) as customers,
               count(*) filter (where is_unprofitable) as unprofitable_customers,
               coalesce(sum(contribution) filter (where is_unprofitable), 0) as loss_eur,
               sum(contribution) as contribution_eur
        from marts.customer_profitability
        where {where}
        group by all
        having count(*) filter (where is_unprofitable) > 0
        order by loss_eur, effective_level, account_manager_id
        """,
        params,
    )


def unprofitable_customers(
    filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """The customers with a negative contribution, largest loss first."""
    where, params = filters.clause()
    return scope.limited(
        f"""
        select relation_id, relation_name, effective_level, pyramid_level,
               account_manager_name, revenue_12m, gross_margin_12m, visits_12m,
               visit_cost_12m, excess_discount_eur, cost_to_serve,
               contribution as contribution_eur, has_complete_cost
        from marts.customer_profitability
        where is_unprofitable and {where}
        """,
        params,
        "contribution_eur, relation_id",
        limit,
    )


def by_pyramid_level(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Revenue, gross margin, cost to serve and contribution per pyramid level, top down."""
    where, params = filters.clause()
    return scope.query(
        f"""
        select pyramid_level, min(pyramid_level_order) as pyramid_level_order,
               count(*) as customers,
               count(*) filter (where is_unprofitable) as unprofitable_customers,
               sum(revenue_12m) as revenue_12m,
               sum(gross_margin_12m) as gross_margin_12m,
               sum(cost_to_serve) as cost_to_serve,
               sum(contribution) as contribution_eur,
               count(*) filter (where not has_complete_cost) as customers_without_full_cost
        from marts.customer_profitability
        where pyramid_level is not null and {where}
        group by pyramid_level
        order by pyramid_level_order
        """,
        params,
    )
