-- The postponement of reactivation in force per relation (docs/business-rules.md section
-- 9): the latest postpone_reactivation decision in the store, as for overrides. Whether it
-- still holds (until_date after as_of) is the visit plan's business.
with

decisions as (

    select * from {{ ref('stg_decisions__decisions') }}
    where decision_type = 'postpone_reactivation'

),

ranked as (

    select
        decision_id,
        relation_id,
        until_date,
        reason,
        decided_by,
        decided_at,
        row_number() over (
            partition by relation_id
            order by decided_at desc, decision_id desc
        ) as recency_rank
    from decisions

),

final as (

    select
        decision_id,
        relation_id,
        until_date,
        reason,
        decided_by,
        decided_at
    from ranked
    where recency_rank = 1

)

select * from final
