-- The service level each customer would get today (docs/business-rules.md section 7):
-- revenue score from the ABC class, potential score from the share of wallet still to win
-- (int_relations_growth_potential), and the level from the matrix seed. Recomputed every
-- night; the half-yearly review freezes it.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    -- Levels apply only to customers: prospects and suspects have no service to level.
    where relation_kind in ('active', 'inactive')

),

growth_potential as (

    select * from {{ ref('int_relations_growth_potential') }}

),

customer_abc as (

    select * from {{ ref('customer_abc') }}

),

service_level_matrix as (

    select * from {{ ref('service_level_matrix') }}

),

class_floors as (

    -- The lowest revenue that made each ABC class: what a relation must reach to move up.
    select
        abc_class,
        min(revenue_12m) as class_floor_revenue
    from customer_abc
    group by abc_class

),

growth as (

    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.relation_kind,
        relation_kinds.account_manager_id,
        relation_kinds.region,
        relation_kinds.sector,
        relation_kinds.revenue_12m,
        customer_abc.abc_class,
        growth_potential.estimated_annual_spend,
        growth_potential.growth_potential
    from relation_kinds
    inner join growth_potential
        on relation_kinds.relation_id = growth_potential.relation_id
    left join customer_abc
        on relation_kinds.relation_id = customer_abc.relation_id

),

scored as (

    select
        growth.*,
        case growth.abc_class
            when 'A' then 3
            when 'B' then 2
            else 1
        end as revenue_score,
        -- An unknown potential falls through to 1: we do not invest on a guess.
        case
            when growth.growth_potential >= {{ var('potential_high') }} then 3
            when growth.growth_potential >= {{ var('potential_medium') }} then 2
            else 1
        end as potential_score
    from growth

),

leveled as (

    select
        scored.*,
        service_level_matrix.service_level as proposed_level,
        case scored.potential_score
            when 3 then 'high'
            when 2 then 'medium'
            else 'low'
        end as potential_band,
        -- The next better class; a customer without revenue in the window has no class,
        -- scores like C, and so must reach B to score higher. None above A.
        case scored.abc_class
            when 'A' then null
            when 'B' then 'A'
            else 'B'
        end as next_abc_class
    from scored
    -- A left join keeps a customer whose cell is missing from the matrix: its null level
    -- fails the not_null test instead of silently dropping the customer.
    left join service_level_matrix
        on scored.revenue_score = service_level_matrix.revenue_score
            and scored.potential_score = service_level_matrix.potential_score

),

explained as (

    select
        leveled.*,
        -- 0 when the relation ties the class floor but ranks below it (ties break on
        -- relation_id); null for class A or when the next class is empty.
        -- Not greatest(floor - revenue, 0): greatest skips a null floor on every engine.
        case
            when class_floors.class_floor_revenue > leveled.revenue_12m
                then class_floors.class_floor_revenue - leveled.revenue_12m
            when class_floors.class_floor_revenue is not null then 0
        end as revenue_to_next_class,
        'ABC class ' || coalesce(leveled.abc_class, 'none')
        || ' (revenue score ' || cast(leveled.revenue_score as {{ dbt.type_string() }})
        || '), growth potential ' || leveled.potential_band
        || case when leveled.growth_potential is null then ' (spend unknown)' else '' end
        || ' (potential score ' || cast(leveled.potential_score as {{ dbt.type_string() }})
        || '): matrix cell ' || cast(leveled.revenue_score as {{ dbt.type_string() }})
        || ' x ' || cast(leveled.potential_score as {{ dbt.type_string() }})
        || ' gives level ' || coalesce(leveled.proposed_level, '?')
            as proposal_reason
    from leveled
    left join class_floors
        on leveled.next_abc_class = class_floors.abc_class

),

final as (

    select
        relation_id,
        relation_name,
        relation_kind,
        abc_class,
        revenue_12m,
        estimated_annual_spend,
        growth_potential,
        revenue_score,
        potential_score,
        potential_band,
        proposed_level,
        proposal_reason,
        next_abc_class,
        revenue_to_next_class,
        account_manager_id,
        region,
        sector,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
