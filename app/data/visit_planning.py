"""Queries of the visit planning page: portfolios, the plan per week and the plan itself."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT


def salesperson_portfolio() -> pd.DataFrame:
    return scope.query(
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
    """Visits per week and reason, within capacity or over it (all salespeople: None).
    A visit over capacity has no week: it counts in the week it was released."""
    where, params = _salesperson_clause(salesperson_id)
    return scope.query(
        f"""
        select
            coalesce(week_number, release_week_number) as week_number,
            coalesce(week_start, release_week_start) as week_start,
            reason, within_capacity, count(*) as visits
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
    return scope.limited(
        f"""
        select {", ".join(VISIT_COLUMNS)}, reason_label_nl, reason_label_en
        from marts.visit_plan
        where {where} and {reason_sql}
        """,
        params,
        "salesperson_name, salesperson_id, priority",
        limit,
    )
