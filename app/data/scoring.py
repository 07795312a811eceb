"""Queries of the customer rating page: the customer matrix, the score distribution and one
relation's score explained."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import NO_FILTERS, Filters

SCORE_BIN = 0.2
SCORE_HISTOGRAM_BIN = 0.1


def score_matrix(filters: Filters = NO_FILTERS, step: float = SCORE_BIN) -> pd.DataFrame:
    """Customers per (relationship, buying) score cell and group: at most ~21 x 21 x 4 rows.

    Bins start at multiples of `step` (floor), so a threshold on a multiple of `step`
    never splits a cell.
    """
    where, params = filters.clause()
    return scope.query(
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
    return scope.query(
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
    return scope.query(
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
    search_sql, search_params = scope.search_clause(search)
    return scope.query(
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
    return scope.query(
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
    return scope.query(
        """
        select criterion, axis, raw_value, band, band_min_value, band_max_value, score,
               weight, contribution, direction, is_value_missing
        from marts.customer_score_components
        where relation_id = ?
        order by contribution desc, criterion
        """,
        [relation_id],
    )


PROSPECT_LIMIT = 20


def top_prospects(filters: scope.Filters, limit: int = PROSPECT_LIMIT) -> tuple[pd.DataFrame, int]:
    """The best-rated prospects (marts.prospect_scores) within the filters, best first."""
    where, params = filters.clause()
    return scope.limited(
        f"""
        select score_rank, relation_id, relation_name, is_lead, total_score,
               account_manager_id, account_manager_name, last_two_way_contact_date,
               missing_value_count
        from marts.prospect_scores
        where {where}
        """,
        params,
        "score_rank",
        limit,
    )


def prospect_components(relation_id: str) -> pd.DataFrame:
    """Why a prospect has its rating: one row per criterion (marts.prospect_score_components)."""
    return scope.query(
        """
        select criterion, raw_value, band, band_min_value, band_max_value, score, weight,
               contribution, is_value_missing
        from marts.prospect_score_components
        where relation_id = ?
        order by contribution desc, criterion
        """,
        [relation_id],
    )
