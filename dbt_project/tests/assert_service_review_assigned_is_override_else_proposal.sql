-- In every frozen review row the assigned level is the override where one exists, else the
-- proposal, and an override always carries its reason and decider (the audit trail).
with

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

final as (

    select
        relation_id,
        review_period,
        proposed_level,
        override_level,
        assigned_level,
        override_reason,
        decided_by
    from service_level_reviews
    where assigned_level <> coalesce(override_level, proposed_level)
        or (override_level is not null and (override_reason is null or decided_by is null))

)

select * from final
