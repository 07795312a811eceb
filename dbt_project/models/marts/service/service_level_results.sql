-- Did the review pay off (docs/business-rules.md section 12)? Per review period and the
-- level assigned in it: how many relations, their revenue in the half year before the
-- review date and since it, up to as_of.
with

review_revenue as (

    select * from {{ ref('int_service_level_review_revenue') }}

),

summed as (

    select
        review_period,
        assigned_level,
        min(review_date) as review_date,
        min(before_start_date) as before_start_date,
        count(*) as relation_count,
        sum(revenue_before_review) as revenue_before_review,
        sum(revenue_since_review) as revenue_since_review
    from review_revenue
    group by review_period, assigned_level

),

final as (

    select
        review_period,
        assigned_level,
        review_date,
        before_start_date,
        {{ as_of_date() }} as as_of_date,
        relation_count,
        cast(revenue_before_review as decimal(18, 2)) as revenue_before_review,
        cast(revenue_since_review as decimal(18, 2)) as revenue_since_review,
        cast(revenue_since_review - revenue_before_review as decimal(18, 2)) as revenue_change,
        cast(
            round(
                (revenue_since_review - revenue_before_review)
                / nullif(revenue_before_review, 0),
                6
            ) as decimal(18, 6)
        ) as revenue_change_share
    from summed

)

select * from final
