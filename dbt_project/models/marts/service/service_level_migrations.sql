-- The migration matrix of every half-yearly review (docs/business-rules.md section 8): how
-- many customers, with how much revenue, went from each previous level to each assigned
-- level. previous_level is empty for customers new in that review.
with

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

final as (

    select
        review_period,
        previous_level,
        assigned_level,
        count(*) as relation_count,
        cast(sum(revenue_12m) as decimal(18, 2)) as revenue_12m
    from service_level_reviews
    group by review_period, previous_level, assigned_level

)

select * from final
