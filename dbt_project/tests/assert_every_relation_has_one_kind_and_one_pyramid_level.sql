-- Every CRM relation appears exactly once in relation_kinds and once in customer_pyramid,
-- and both agree on the kind of the non-active levels.
with

relations as (

    select relation_id from {{ ref('stg_crm__relations') }}

),

kinds as (

    select
        relation_id,
        count(*) as n_kinds,
        max(relation_kind) as relation_kind
    from {{ ref('relation_kinds') }}
    group by relation_id

),

levels as (

    select
        relation_id,
        count(*) as n_levels,
        max(pyramid_level) as pyramid_level
    from {{ ref('customer_pyramid') }}
    group by relation_id

),

checked as (

    select
        relations.relation_id,
        kinds.n_kinds,
        levels.n_levels,
        kinds.relation_kind,
        levels.pyramid_level
    from relations
    left join kinds
        on relations.relation_id = kinds.relation_id
    left join levels
        on relations.relation_id = levels.relation_id

)

select *
from checked
where coalesce(n_kinds, 0) <> 1
    or coalesce(n_levels, 0) <> 1
    or (relation_kind <> 'active' and pyramid_level <> relation_kind)
    or (relation_kind = 'active' and pyramid_level not in ('top', 'large', 'medium', 'small'))
