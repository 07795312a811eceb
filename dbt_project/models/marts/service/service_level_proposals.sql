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
        service_level_matrix.service_level as proposed_level
    from scored
    -- A left join keeps a customer whose cell is missing from the matrix: its null level
    -- fails the not_null test instead of silently dropping the customer.
    left join service_level_matrix
        on scored.revenue_score = service_level_matrix.revenue_score
            and scored.potential_score = service_level_matrix.potential_score

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
        proposed_level,
        account_manager_id,
        region,
        sector,
        {{ as_of_date() }} as as_of_date
    from leveled

)

select * from final
