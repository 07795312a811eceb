-- The size of every campaign audience with and without marketing consent
-- (docs/business-rules.md section 15): relations, all their contact persons, and those
-- who may receive a mailing (the rows of audience_members).
with

campaign_audiences as (

    select * from {{ ref('campaign_audiences') }}

),

audience_relations as (

    select * from {{ ref('audience_relations') }}

),

totals as (

    select
        audience,
        cast(count(*) as {{ dbt.type_bigint() }}) as relation_count,
        cast(sum(contact_count) as {{ dbt.type_bigint() }}) as contact_count,
        cast(sum(consenting_contact_count) as {{ dbt.type_bigint() }})
            as consenting_contact_count,
        cast(
            sum(case when consenting_contact_count > 0 then 1 else 0 end)
            as {{ dbt.type_bigint() }}
        ) as relations_with_consent_count
    from audience_relations
    group by audience

),

final as (

    -- Every audience, an empty one too (no relation matches its filters today).
    select
        campaign_audiences.audience,
        campaign_audiences.label_nl,
        campaign_audiences.label_en,
        coalesce(totals.relation_count, 0) as relation_count,
        coalesce(totals.contact_count, 0) as contact_count,
        coalesce(totals.consenting_contact_count, 0) as consenting_contact_count,
        coalesce(totals.contact_count, 0) - coalesce(totals.consenting_contact_count, 0)
            as contacts_without_consent_count,
        coalesce(totals.relations_with_consent_count, 0) as relations_with_consent_count,
        {{ as_of_date() }} as as_of_date
    from campaign_audiences
    left join totals
        on campaign_audiences.audience = totals.audience

)

select * from final
