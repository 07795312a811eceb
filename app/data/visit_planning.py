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
    "planned_date",
    "within_capacity",
    "priority_group",
    "reason",
    "relation_id",
    "relation_name",
    "relation_kind",
    "service_level",
    "postcode_area",
    "last_visit_date",
    "next_due_date",
    "days_overdue",
    "last_two_way_contact_date",
    "revenue_12m",
    "prospect_score",
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
        select {", ".join(VISIT_COLUMNS)}, reason_label_nl, reason_label_en, as_of_date
        from marts.visit_plan
        where {where} and {reason_sql}
        """,
        params,
        "salesperson_name, salesperson_id, priority",
        limit,
    )


def visit_days(salesperson_id: str) -> pd.DataFrame:
    """One salesperson's calendar: per week of the horizon and weekday (1 = Monday) the
    visits planned that day and the postcode areas they are in; a weekday without visits
    is there with 0, so the calendar shows every week."""
    return scope.query(
        """
        with weeks as (
            select week_number, week_start, working_days, visit_capacity
            from marts.visit_capacity
            where salesperson_id = ?
        ),
        days as (
            select planned_date, count(*) as visits,
                   string_agg(distinct postcode_area, ', ' order by postcode_area) as areas
            from marts.visit_plan
            where salesperson_id = ? and planned_date is not null
            group by planned_date
        )
        select
            weeks.week_number, weeks.week_start, weeks.working_days, weeks.visit_capacity,
            weekday.n as weekday, cast(weeks.week_start + cast(weekday.n - 1 as integer) as date) as day_date,
            coalesce(days.visits, 0) as visits, days.areas
        from weeks
        cross join range(1, 6) as weekday(n)
        left join days on days.planned_date = cast(weeks.week_start + cast(weekday.n - 1 as integer) as date)
        order by weeks.week_number, weekday.n
        """,
        [salesperson_id, salesperson_id],
    )


def over_capacity_shortfall(salesperson_id: str | None = None) -> pd.DataFrame:
    """Per salesperson with visits that fit nowhere in the horizon: how many, and how many
    working days they would take at the salesperson's pace (visits_per_week / 5 a day);
    no days when the salesperson makes no visits at all."""
    where, params = _salesperson_clause(salesperson_id)
    return scope.query(
        f"""
        with over as (
            select salesperson_id, count(*) as visits_over_capacity
            from marts.visit_plan
            where not within_capacity and {where}
            group by salesperson_id
        )
        select
            portfolio.salesperson_id, portfolio.salesperson_name, portfolio.visits_per_week,
            portfolio.visits_per_week / 5.0 as visits_per_working_day,
            over.visits_over_capacity,
            case when portfolio.visits_per_week > 0
                then over.visits_over_capacity / (portfolio.visits_per_week / 5.0)
            end as shortfall_days
        from over
        inner join marts.salesperson_portfolio as portfolio
            on over.salesperson_id = portfolio.salesperson_id
        order by over.visits_over_capacity desc, portfolio.salesperson_id
        """,
        params,
    )


OVER_CAPACITY_COLUMNS = (
    "priority",
    "priority_group",
    "reason",
    "release_week_start",
    "relation_id",
    "relation_name",
    "service_level",
    "next_due_date",
    "days_overdue",
    "revenue_12m",
    "salesperson_id",
    "salesperson_name",
)


def over_capacity_visits(
    salesperson_id: str | None = None, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """The visits that fit in no week of the horizon, in priority order."""
    where, params = _salesperson_clause(salesperson_id)
    return scope.limited(
        f"""
        select {", ".join(OVER_CAPACITY_COLUMNS)}
        from marts.visit_plan
        where not within_capacity and {where}
        """,
        params,
        "salesperson_name, salesperson_id, priority",
        limit,
    )


def capacity_against_demand(salesperson_id: str | None = None) -> pd.DataFrame:
    """Per week of the horizon, for the team (None) or one salesperson: the capacity, the
    demand (visits the norms release that week: a due visit in the week of its due date,
    the backlog of overdue, reactivation and follow-up visits in week 1), the visits
    planned, the visits still waiting at the end of the week and the capacity left over
    (docs/business-rules.md section 9)."""
    where, params = _salesperson_clause(salesperson_id)
    return scope.query(
        f"""
        with capacity as (
            select week_number, min(week_start) as week_start,
                   sum(visit_capacity) as visit_capacity, sum(working_days) as working_days
            from marts.visit_capacity
            where {where}
            group by week_number
        ),
        released as (
            select release_week_number as week_number, count(*) as visits_released
            from marts.visit_plan
            where {where}
            group by release_week_number
        ),
        planned as (
            select week_number, count(*) as visits_planned
            from marts.visit_plan
            where within_capacity and {where}
            group by week_number
        ),
        weeks as (
            select
                capacity.week_number, capacity.week_start, capacity.working_days,
                capacity.visit_capacity,
                coalesce(released.visits_released, 0) as visits_released,
                coalesce(planned.visits_planned, 0) as visits_planned
            from capacity
            left join released on capacity.week_number = released.week_number
            left join planned on capacity.week_number = planned.week_number
        )
        select
            *,
            cast(sum(visits_released - visits_planned) over (
                order by week_number rows between unbounded preceding and current row
            ) as integer) as visits_waiting,
            visit_capacity - visits_planned as spare_capacity
        from weeks
        order by week_number
        """,
        [*params, *params, *params],
    )


def norm_visits_per_week(salesperson_id: str | None = None) -> float:
    """Visits a week the service-level norms ask for on average: each customer served at
    a level counts visits_per_year / 52 of it (the steady load, whatever falls due in
    this horizon); prospects have no norm."""
    where, params = _salesperson_clause(salesperson_id)
    value = scope.scalar(
        f"""
        with customers as (
            select sum(level_a_count) as a, sum(level_b_count) as b, sum(level_c_count) as c
            from marts.salesperson_portfolio
            where {where}
        ),
        levels as (
            select 'A' as service_level, a as customers from customers
            union all select 'B', b from customers
            union all select 'C', c from customers
        )
        select sum(levels.customers * norm.visits_per_year) / 52.0
        from levels
        inner join config.service_level_capacities as norm
            on levels.service_level = norm.service_level
        """,
        params,
    )
    return 0.0 if value is None or pd.isna(value) else float(value)
