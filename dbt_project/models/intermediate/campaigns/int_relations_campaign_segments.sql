-- Every segment a campaign audience can select on, one row per relation
-- (docs/business-rules.md section 15), with how many contact persons the relation has
-- and how many of them gave marketing consent.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

customer_pyramid as (

    select * from {{ ref('customer_pyramid') }}

),

customer_abc as (

    select * from {{ ref('customer_abc') }}

),

customer_scores as (

    select * from {{ ref('customer_scores') }}

),

service_levels as (

    select * from {{ ref('service_levels') }}

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

contact_counts as (

    select
        relation_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as contact_count,
        cast(sum(case when has_marketing_consent then 1 else 0 end) as {{ dbt.type_bigint() }})
            as consenting_contact_count
    from contacts
    group by relation_id

),

final as (

    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.relation_kind,
        relation_kinds.needs_reactivation,
        relation_kinds.is_lead,
        customer_pyramid.pyramid_level,
        customer_abc.abc_class,
        customer_scores.customer_group,
        service_levels.effective_level as service_level,
        relation_kinds.account_manager_id,
        relation_kinds.account_manager_name,
        relation_kinds.region,
        relation_kinds.sector,
        coalesce(contact_history.has_open_opportunity, false) as has_open_quote,
        coalesce(contact_counts.contact_count, 0) as contact_count,
        coalesce(contact_counts.consenting_contact_count, 0) as consenting_contact_count
    from relation_kinds
    left join customer_pyramid
        on relation_kinds.relation_id = customer_pyramid.relation_id
    left join customer_abc
        on relation_kinds.relation_id = customer_abc.relation_id
    left join customer_scores
        on relation_kinds.relation_id = customer_scores.relation_id
    left join service_levels
        on relation_kinds.relation_id = service_levels.relation_id
    left join contact_history
        on relation_kinds.relation_id = contact_history.relation_id
    left join contact_counts
        on relation_kinds.relation_id = contact_counts.relation_id

)

select * from final
