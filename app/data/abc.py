"""Queries of the ABC analysis page: the Pareto curve and the classes."""

from __future__ import annotations

import pandas as pd

from app.data import scope
from app.data.scope import NO_FILTERS, Filters

PARETO_MAX_POINTS = 500


def _abc_ranked_cte(filters: Filters) -> tuple[str, list]:
    """The ranked relations of customer_abc with their place on the Pareto curve.

    Unfiltered: the mart's own cumulative_customer_share and cumulative_share. Filtered:
    the selection's own curve, recomputed over the relations the filters keep, while
    abc_class stays the company-wide class from the mart.
    """
    # A salesperson's curve is that of their own relations, like a filtered one.
    if not filters.is_active() and scope.current_scope() is None:
        return (
            """
        ranked as (
            select revenue_rank as position, abc_class,
                   (select count(*) from marts.customer_abc) as relation_total,
                   cumulative_customer_share, cumulative_share
            from marts.customer_abc
        )""",
            [],
        )
    where, params = scope.relation_filter(filters)
    return (
        f"""
        ranked as (
            select row_number() over (order by revenue_rank) as position, abc_class,
                   count(*) over () as relation_total,
                   row_number() over (order by revenue_rank) / count(*) over ()
                       as cumulative_customer_share,
                   sum(revenue_12m) over (order by revenue_rank)
                       / sum(revenue_12m) over () as cumulative_share
            from marts.customer_abc
            where {where}
        )""",
        params,
    )


def pareto_points(
    filters: Filters = NO_FILTERS, max_points: int = PARETO_MAX_POINTS
) -> pd.DataFrame:
    """At most ~max_points points of the Pareto curve, always with both ends and the
    first and last relation of every class (the class boundaries)."""
    cte, params = _abc_ranked_cte(filters)
    return scope.query(
        f"""
        with {cte},
        curve as (
            select position, abc_class, relation_total, cumulative_customer_share,
                   cumulative_share,
                   lag(abc_class) over (order by position) as previous_class,
                   lead(abc_class) over (order by position) as next_class
            from ranked
        )
        select 0 as position, null as abc_class, 0.0 as cumulative_customer_share,
               0.0 as cumulative_share, false as is_boundary,
               (select count(*) from ranked) as relation_total
        where exists (select 1 from ranked)
        union all
        select position, abc_class, cumulative_customer_share, cumulative_share,
               abc_class is distinct from next_class and next_class is not null
                   as is_boundary,
               relation_total
        from curve
        where position = 1
           or position = relation_total
           or position % greatest(1, ceil(relation_total / ?)::bigint) = 0
           or abc_class is distinct from previous_class
           or abc_class is distinct from next_class
        order by position
        """,
        [*params, max_points],
    )


def abc_classes(filters: Filters = NO_FILTERS) -> pd.DataFrame:
    where, params = scope.relation_filter(filters)
    return scope.query(
        f"""
        select abc_class,
               count(*) as customers,
               sum(revenue_12m) as revenue_12m,
               count(*) / sum(count(*)) over () as customer_share,
               sum(revenue_12m) / nullif(sum(sum(revenue_12m)) over (), 0) as revenue_share
        from marts.customer_abc
        where {where}
        group by abc_class
        order by abc_class
        """,
        params,
    )
