-- Every decision ever taken (docs/business-rules.md section 8): the history of the decisions
-- store, overrides and postponements, with whether each is still the one in force. A changed
-- mind is a newer decision; the older one stays here as the audit trail.
with

decisions as (

    select * from {{ ref('stg_decisions__decisions') }}

),

ranked as (

    select
        *,
        -- The same order as int_service_level_overrides and the store's effective():
        -- latest decided_at, a tie going to the later insert.
        row_number() over (
            partition by decision_type, relation_id, review_period
            order by decided_at desc, decision_id desc
        ) as recency_rank
    from decisions

),

final as (

    select
        decision_id,
        decision_type,
        relation_id,
        review_period,
        level,
        until_date,
        reason,
        decided_by,
        decided_at,
        (recency_rank = 1) as is_in_force
    from ranked

)

select * from final
