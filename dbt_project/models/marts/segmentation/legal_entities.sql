-- One row per legal entity: the relations sharing a valid KvK/KBO number, normalised
-- (docs/business-rules.md section 14), with their revenue and their best service level
-- rolled up. A relation without a valid number is in no legal entity.
with

relations as (

    select * from {{ ref('stg_crm__relations') }}
    where kvk_normalised is not null

),

pyramid as (

    select * from {{ ref('customer_pyramid') }}

),

service_levels as (

    select * from {{ ref('service_levels') }}

),

relation_rows as (

    select
        relations.kvk_normalised,
        relations.relation_id,
        relations.relation_name,
        pyramid.revenue_12m,
        service_levels.effective_level
    from relations
    inner join pyramid
        on relations.relation_id = pyramid.relation_id
    left join service_levels
        on relations.relation_id = service_levels.relation_id

),

final as (

    select
        kvk_normalised,
        case when length(kvk_normalised) = 10 then 'BE' else 'NL' end as country_code,
        count(*) as relation_count,
        sum(revenue_12m) as revenue_12m,
        min(effective_level) as best_effective_level,
        {{ sorted_string_agg('relation_id', ', ') }} as relation_ids,
        {{ sorted_string_agg('relation_name', ', ') }} as relation_names
    from relation_rows
    group by kvk_normalised

)

select * from final
