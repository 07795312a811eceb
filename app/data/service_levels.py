"""Queries of the service levels page: the A/B/C mix, the half-yearly review and what each
level gets."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters


def service_mix(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Customers per level: served (effective), proposed tonight and assigned at review."""
    where, params = filters.clause()
    return scope.query(
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
    return scope.scalar("select max(review_period) from marts.service_level_reviews")


def review_movements(period: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = scope.relation_filter(filters)
    return scope.query(
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
    where, params = scope.relation_filter(filters)
    return scope.limited(
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
    return scope.limited(
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
    return scope.query(
        """
        select service_level, response_time_hours, response_rule_nl, response_rule_en,
               max_discount_pct, payment_terms_days, free_delivery, fixed_contact_person,
               visits_per_year
        from config.service_level_capacities
        order by service_level
        """
    )
