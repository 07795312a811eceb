-- The customer rating and the customer matrix (docs/business-rules.md sections 5 and 6):
-- per customer the total score sum(weight x score) with the cut-off, and the relationship
-- and buying axes that place it in one of four groups. The components behind every number
-- are in customer_score_components.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where relation_kind in ('active', 'inactive')

),

components as (

    select * from {{ ref('customer_score_components') }}

),

totals as (

    select
        relation_id,
        sum(contribution) as total_score,
        sum(case when axis = 'relationship' then contribution else 0 end)
            as relationship_contribution,
        sum(case when axis = 'relationship' then weight else 0 end) as relationship_weight,
        sum(case when axis = 'buying' then contribution else 0 end) as buying_contribution,
        sum(case when axis = 'buying' then weight else 0 end) as buying_weight,
        sum(case when is_value_missing then 1 else 0 end) as missing_value_count,
        count(*) as criterion_count
    from components
    group by relation_id

),

placed as (

    -- The thresholds are compared as sum(weight x score) >= threshold x sum(weight), the
    -- weighted average without the division, so a score exactly on the threshold is never
    -- pushed below it by rounding. An axis without weight is neither good nor high.
    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.relation_kind,
        relation_kinds.account_manager_id,
        relation_kinds.account_manager_name,
        relation_kinds.region,
        relation_kinds.sector,
        relation_kinds.revenue_12m,
        totals.total_score,
        cast(
            totals.relationship_contribution / nullif(totals.relationship_weight, 0)
            as {{ dbt.type_numeric() }}
        ) as relationship_score,
        cast(
            totals.buying_contribution / nullif(totals.buying_weight, 0)
            as {{ dbt.type_numeric() }}
        ) as buying_score,
        coalesce(
            totals.relationship_weight > 0
            and totals.relationship_contribution
            >= {{ var('matrix_relationship_threshold') }} * totals.relationship_weight,
            false
        ) as is_relationship_good,
        coalesce(
            totals.buying_weight > 0
            and totals.buying_contribution
            >= {{ var('matrix_buying_threshold') }} * totals.buying_weight,
            false
        ) as is_buying_high,
        totals.missing_value_count,
        totals.criterion_count
    from relation_kinds
    left join totals
        on relation_kinds.relation_id = totals.relation_id

),

final as (

    select
        relation_id,
        relation_name,
        relation_kind,
        account_manager_id,
        account_manager_name,
        region,
        sector,
        revenue_12m,
        total_score,
        total_score >= {{ var('score_cutoff') }} as passes_cutoff,
        row_number() over (order by total_score desc, relation_id asc) as score_rank,
        relationship_score,
        buying_score,
        is_relationship_good,
        is_buying_high,
        case
            when is_relationship_good and is_buying_high then 'partner'
            when is_relationship_good then 'friend'
            when is_buying_high then 'economicus'
            else 'dog'
        end as customer_group,
        missing_value_count,
        criterion_count,
        {{ as_of_date() }} as as_of_date
    from placed

)

select * from final
