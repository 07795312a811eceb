-- The growth potential of every CRM relation at as_of (docs/business-rules.md sections 5
-- and 7): the share of wallet still to win, estimated annual spend minus revenue in the
-- window. The one place this rule is computed: the scoring criterion growth_potential
-- (int_relations_criteria_unpivoted) and the service-level potential score
-- (service_level_proposals) both read it.
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

revenue as (

    select * from {{ ref('int_relations_revenue_windowed') }}

),

growth_potential as (

    select
        relations.relation_id,
        relations.estimated_annual_spend,
        revenue.revenue_12m,
        -- Revenue above the estimated spend means nothing is left to win, not a
        -- negative potential; an unknown spend leaves the potential unknown.
        case
            when relations.estimated_annual_spend is null then null
            when relations.estimated_annual_spend > revenue.revenue_12m
                then relations.estimated_annual_spend - revenue.revenue_12m
            else 0
        end as growth_potential
    from relations
    inner join revenue
        on relations.relation_id = revenue.relation_id

)

select * from growth_potential
