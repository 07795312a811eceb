-- service_levels.assigned_level is what the latest review of each customer froze, unless
-- the decisions store holds an override for that period (int_service_level_overrides, the
-- latest); a customer never reviewed has no assigned level. Returns the customers where
-- the mart disagrees with the review history.
with

service_levels as (

    select * from {{ ref('service_levels') }}

),

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

service_level_overrides as (

    select * from {{ ref('int_service_level_overrides') }}

),

latest_periods as (

    select
        relation_id,
        max(review_period) as review_period
    from service_level_reviews
    group by relation_id

),

expected as (

    select
        latest_periods.relation_id,
        latest_periods.review_period,
        coalesce(service_level_overrides.level, service_level_reviews.assigned_level)
            as assigned_level
    from latest_periods
    inner join service_level_reviews
        on latest_periods.relation_id = service_level_reviews.relation_id
            and latest_periods.review_period = service_level_reviews.review_period
    left join service_level_overrides
        on latest_periods.relation_id = service_level_overrides.relation_id
            and latest_periods.review_period = service_level_overrides.review_period

),

final as (

    select
        service_levels.relation_id,
        service_levels.review_period,
        service_levels.assigned_level,
        expected.review_period as expected_review_period,
        expected.assigned_level as expected_assigned_level
    from service_levels
    left join expected
        on service_levels.relation_id = expected.relation_id
    where coalesce(service_levels.review_period, '-') <> coalesce(expected.review_period, '-')
        or coalesce(service_levels.assigned_level, '-') <> coalesce(expected.assigned_level, '-')

)

select * from final
