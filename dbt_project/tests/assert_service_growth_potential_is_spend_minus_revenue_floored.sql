-- growth_potential = max(estimated_annual_spend - revenue_12m, 0), empty exactly when the
-- spend is unknown, and the potential score agrees with the thresholds. Returns the
-- customers where it does not.
with

service_levels as (

    select * from {{ ref('service_levels') }}

),

final as (

    select
        relation_id,
        estimated_annual_spend,
        revenue_12m,
        growth_potential,
        potential_score
    from service_levels
    where (estimated_annual_spend is null and growth_potential is not null)
        or (estimated_annual_spend is not null and growth_potential is null)
        or growth_potential < 0
        or (growth_potential > 0 and growth_potential <> estimated_annual_spend - revenue_12m)
        or (growth_potential = 0 and estimated_annual_spend > revenue_12m)
        or potential_score <> case
            when growth_potential >= {{ var('potential_high') }} then 3
            when growth_potential >= {{ var('potential_medium') }} then 2
            else 1
        end

)

select * from final
