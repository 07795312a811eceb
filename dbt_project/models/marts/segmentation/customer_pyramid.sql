-- The customer pyramid: one level per relation, top down (docs/business-rules.md section 4). Active
-- customers are ranked by revenue; rank r is in the first p% when r <= ceil(p/100 * n).
with

kinds as (

    select * from {{ ref('relation_kinds') }}

),

active_ranked as (

    select
        relation_id,
        row_number() over (order by revenue_12m desc, relation_id asc) as active_rank,
        count(*) over () as active_count
    from kinds
    where relation_kind = 'active'

),

leveled as (

    select
        kinds.relation_id,
        kinds.relation_name,
        kinds.relation_kind,
        kinds.revenue_12m,
        active_ranked.active_rank,
        active_ranked.active_count,
        case
            when kinds.relation_kind = 'active' and kinds.revenue_12m > 0
                and active_ranked.active_rank
                <= ceil({{ var('pyramid_top_pct') }} / 100.0 * active_ranked.active_count)
                then 'top'
            when kinds.relation_kind = 'active' and kinds.revenue_12m > 0
                and active_ranked.active_rank
                <= ceil({{ var('pyramid_large_pct') }} / 100.0 * active_ranked.active_count)
                then 'large'
            when kinds.relation_kind = 'active' and kinds.revenue_12m > 0
                and active_ranked.active_rank
                <= ceil({{ var('pyramid_medium_pct') }} / 100.0 * active_ranked.active_count)
                then 'medium'
            when kinds.relation_kind = 'active' then 'small'
            else kinds.relation_kind
        end as pyramid_level,
        kinds.account_manager_id,
        kinds.region,
        kinds.sector
    from kinds
    left join active_ranked
        on kinds.relation_id = active_ranked.relation_id

),

final as (

    select
        relation_id,
        relation_name,
        pyramid_level,
        case pyramid_level
            when 'top' then 1
            when 'large' then 2
            when 'medium' then 3
            when 'small' then 4
            when 'inactive' then 5
            when 'prospect' then 6
            when 'suspect' then 7
        end as pyramid_level_order,
        relation_kind,
        revenue_12m,
        active_rank,
        active_count,
        account_manager_id,
        region,
        sector,
        {{ as_of_date() }} as as_of_date
    from leveled

)

select * from final
