-- The prospect rating (docs/business-rules.md section 5): per prospect the total score
-- sum(weight x score) over the criteria known before a first invoice, with its own
-- weights (seeds/prospect_scoring_criteria.csv). The components behind every number are in
-- prospect_score_components; the visit plan orders prospect follow-ups by it.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where relation_kind = 'prospect'

),

components as (

    select * from {{ ref('prospect_score_components') }}

),

totals as (

    select
        relation_id,
        sum(contribution) as total_score,
        sum(case when is_value_missing then 1 else 0 end) as missing_value_count,
        count(*) as criterion_count
    from components
    group by relation_id

),

final as (

    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.is_lead,
        relation_kinds.account_manager_id,
        relation_kinds.account_manager_name,
        relation_kinds.region,
        relation_kinds.sector,
        relation_kinds.last_two_way_contact_date,
        totals.total_score,
        row_number() over (
            order by
                case when totals.total_score is null then 1 else 0 end asc,
                totals.total_score desc,
                relation_kinds.relation_id asc
        ) as score_rank,
        cast(coalesce(totals.missing_value_count, 0) as integer) as missing_value_count,
        cast(coalesce(totals.criterion_count, 0) as integer) as criterion_count,
        {{ as_of_date() }} as as_of_date
    from relation_kinds
    left join totals
        on relation_kinds.relation_id = totals.relation_id

)

select * from final
