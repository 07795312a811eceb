-- The four visit reasons the SQL assigns must each keep a row in
-- seeds/visit_reason_priorities.csv: a BI team may reorder them, not drop one (a visit
-- whose reason had no rank would sink to the end of every plan unnoticed).
with

visit_reason_priorities as (

    select * from {{ ref('visit_reason_priorities') }}

),

required_reasons as (

    select 'overdue' as reason
    union all
    select 'reactivation' as reason
    union all
    select 'due' as reason
    union all
    select 'prospect_follow_up' as reason

),

missing_reasons as (

    select required_reasons.reason
    from required_reasons
    left join visit_reason_priorities
        on required_reasons.reason = visit_reason_priorities.reason
    where visit_reason_priorities.reason is null

)

select * from missing_reasons
