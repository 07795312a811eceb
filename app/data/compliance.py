"""Queries of the compliance page (Naleving): the discount given beyond each service level,
payment terms over entitlement, visits against the norm, and results per level since the
latest review (docs/business-rules.md sections 11 and 12)."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT, NO_FILTERS, Filters

# The per-customer columns the lists and the downloads show, in this order.
CUSTOMER_COLUMNS = [
    "relation_id",
    "relation_name",
    "effective_level",
    "account_manager_id",
    "gross_revenue_12m",
    "weighted_discount_pct",
    "max_discount_pct",
    "invoice_lines",
    "lines_over_entitlement",
    "excess_discount_eur",
    "agreed_payment_terms_days",
    "payment_terms_days",
    "terms_over_entitlement",
    "visits_last_12m",
    "visits_per_year",
]
_SUMMED = """
    count(*) as customers,
    count(*) filter (where is_over_entitlement) as customers_over_entitlement,
    count(*) filter (where lines_over_entitlement > 0) as customers_over_discount,
    count(*) filter (where terms_over_entitlement) as customers_over_terms,
    coalesce(sum(invoice_lines), 0) as invoice_lines,
    coalesce(sum(lines_over_entitlement), 0) as lines_over_entitlement,
    coalesce(sum(gross_revenue_12m), 0) as gross_revenue_12m,
    coalesce(sum(excess_discount_eur), 0) as excess_discount_eur
"""


def leak_by_salesperson(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The summary per salesperson and level, with the salesperson's name.

    marts.service_level_compliance_summary has no region or sector; with such a filter the
    same totals are summed from the per-customer rows instead.
    """
    if filters.region is None and filters.sector is None:
        where, params = filters.clause(salesperson_column="salesperson_id")
        rows = f"""
            select salesperson_id, effective_level, customers, customers_over_entitlement,
                   customers_over_discount, customers_over_terms, invoice_lines,
                   lines_over_entitlement, gross_revenue_12m, excess_discount_eur
            from marts.service_level_compliance_summary
            where {where}
        """
    else:
        where, params = filters.clause()
        rows = f"""
            select account_manager_id as salesperson_id, effective_level, {_SUMMED}
            from marts.service_level_compliance
            where {where}
            group by all
        """
    return scope.query(
        f"""
        with rows as ({rows}),
        names as (select salesperson_id, salesperson_name from marts.salesperson_portfolio)
        select rows.*, names.salesperson_name
        from rows
        left join names on names.salesperson_id = rows.salesperson_id
        order by rows.salesperson_id nulls last, rows.effective_level
        """,
        params,
    )


def leak_by_level(by_salesperson: pd.DataFrame) -> pd.DataFrame:
    """The per-level totals of `leak_by_salesperson` (summed here: no second query)."""
    columns = [c for c in by_salesperson.columns if c not in ("salesperson_id", "salesperson_name")]
    if by_salesperson.empty:
        return pd.DataFrame(columns=columns)
    totals = by_salesperson[columns].groupby("effective_level", as_index=False).sum()
    gross = totals["gross_revenue_12m"].astype(float)
    totals["excess_share_of_gross"] = (
        totals["excess_discount_eur"].astype(float) / gross.where(gross != 0)
    )
    return totals


def customers_to_talk_to(
    filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """Customers given more than their level allows, the largest excess in euros first."""
    where, params = filters.clause()
    return scope.limited(
        f"""
        select {", ".join(CUSTOMER_COLUMNS)}
        from marts.service_level_compliance
        where is_over_entitlement and {where}
        """,
        params,
        "excess_discount_eur desc, relation_id",
        limit,
        then=_WITH_NAMES,
    )


def terms_over_entitlement(
    filters: Filters = NO_FILTERS, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """Customers with longer payment terms than their level's, most days over first."""
    where, params = filters.clause()
    return scope.limited(
        f"""
        select {", ".join(CUSTOMER_COLUMNS)},
               agreed_payment_terms_days - payment_terms_days as terms_days_over
        from marts.service_level_compliance
        where terms_over_entitlement and {where}
        """,
        params,
        "terms_days_over desc, gross_revenue_12m desc, relation_id",
        limit,
        then=_WITH_NAMES,
    )


# Names from the small salesperson table, not from the million-row relation_kinds.
_WITH_NAMES = """
select page.*, salespeople.salesperson_name as account_manager_name
from page
left join marts.salesperson_portfolio as salespeople
    on salespeople.salesperson_id = page.account_manager_id
"""


def visits_against_norm(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per level: customers, visits in the last 12 months, and how many got fewer or more
    visits than the level's norm."""
    where, params = filters.clause()
    return scope.query(
        f"""
        select effective_level,
               count(*) as customers,
               any_value(visits_per_year) as visits_per_year,
               coalesce(sum(visits_last_12m), 0) as visits_last_12m,
               count(*) filter (where visits_under_norm) as visits_under_norm,
               count(*) filter (where visits_over_norm) as visits_over_norm
        from marts.service_level_compliance
        where {where}
        group by effective_level
        order by effective_level
        """,
        params,
    )


def latest_results_period() -> str | None:
    return scope.scalar("select max(review_period) from marts.service_level_results")


def results(period: str) -> pd.DataFrame:
    """Results per level of one review (the whole company: the mart has no relations)."""
    return scope.query(
        """
        select review_period, assigned_level, review_date, before_start_date, as_of_date,
               relation_count, revenue_before_review, revenue_since_review, revenue_change,
               revenue_change_share
        from marts.service_level_results
        where review_period = ?
        order by assigned_level
        """,
        [period],
    )


def all_customers(filters: Filters = NO_FILTERS, limit: int = scope.CSV_LIMIT) -> pd.DataFrame:
    """Every customer with a level (for the downloads), the largest excess first."""
    frame, _ = scope.limited(
        f"""
        select {", ".join(CUSTOMER_COLUMNS)}, is_over_entitlement
        from marts.service_level_compliance
        where {filters.clause()[0]}
        """,
        filters.clause()[1],
        "excess_discount_eur desc, relation_id",
        limit,
        then=_WITH_NAMES,
    )
    return frame
