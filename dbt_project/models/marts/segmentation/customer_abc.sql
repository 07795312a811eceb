-- ABC (Pareto) analysis over relations with revenue in the window (docs/business-rules.md
-- section 3). The relation that crosses the A line is still A: the class depends on the
-- share of all relations ranked above it.
with

revenue as (

    select * from {{ ref('int_relations_revenue_windowed') }}
    where revenue_12m > 0

),

ranked as (

    select
        relation_id,
        revenue_12m,
        row_number() over (order by revenue_12m desc, relation_id asc) as revenue_rank,
        sum(revenue_12m) over (
            order by revenue_12m desc, relation_id asc
            rows between unbounded preceding and current row
        ) as cumulative_revenue,
        sum(revenue_12m) over () as total_revenue,
        count(*) over () as customer_count
    from revenue

),

shares as (

    select
        relation_id,
        revenue_12m,
        revenue_rank,
        customer_count,
        cumulative_revenue,
        total_revenue,
        cumulative_revenue / total_revenue as cumulative_share,
        (cumulative_revenue - revenue_12m) / total_revenue as share_above,
        revenue_12m / total_revenue as revenue_share
    from ranked

),

final as (

    select
        relation_id,
        revenue_12m,
        revenue_rank,
        revenue_share,
        cumulative_revenue,
        cumulative_share,
        share_above,
        case
            when share_above < {{ var('abc_a_share') }} then 'A'
            when share_above < {{ var('abc_b_share') }} then 'B'
            else 'C'
        end as abc_class,
        1.0 * revenue_rank / customer_count as cumulative_customer_share,
        {{ as_of_date() }} as as_of_date
    from shares

)

select * from final
