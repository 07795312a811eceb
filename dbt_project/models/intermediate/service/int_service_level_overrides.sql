-- The override in force per relation and review period (docs/business-rules.md section 8):
-- the latest decision in the store. A tie on decided_at (two clocks, one second) goes to
-- the higher decision_id, the later insert, as in orchestration/decisions/store.py.
with

decisions as (

    select * from {{ ref('stg_decisions__decisions') }}
    where decision_type = 'override'

),

ranked as (

    select
        decision_id,
        relation_id,
        review_period,
        level,
        reason,
        decided_by,
        decided_at,
        row_number() over (
            partition by relation_id, review_period
            order by decided_at desc, decision_id desc
        ) as recency_rank
    from decisions

),

final as (

    select
        decision_id,
        relation_id,
        review_period,
        level,
        reason,
        decided_by,
        decided_at
    from ranked
    where recency_rank = 1

)

select * from final
