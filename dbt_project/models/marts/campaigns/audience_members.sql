-- The mailing list of every campaign audience (docs/business-rules.md sections 10 and
-- 15): the contact persons of its relations who gave marketing consent. Consent false or
-- unknown (empty in the CRM export) keeps a contact out; so does an erasure (`make
-- forget`), which empties the consent of the erased contact in every refresh's raw layer
-- and deletes the contact's rows from this mart in the published warehouse at once. Only
-- the fields a mailing needs.
with

audience_relations as (

    select * from {{ ref('audience_relations') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}
    -- true only: false and empty (null) stay out, whatever staging makes of them
    where has_marketing_consent = true

),

final as (

    select
        audience_relations.audience,
        audience_relations.relation_id,
        contacts.contact_id,
        audience_relations.relation_name,
        case
            when contacts.first_name is null then contacts.last_name
            when contacts.last_name is null then contacts.first_name
            else {{ dbt.concat(['contacts.first_name', "' '", 'contacts.last_name']) }}
        end as contact_name,
        contacts.contact_email as email,
        audience_relations.account_manager_id,
        audience_relations.account_manager_name,
        audience_relations.relation_kind,
        audience_relations.needs_reactivation,
        audience_relations.is_lead,
        audience_relations.pyramid_level,
        audience_relations.abc_class,
        audience_relations.customer_group,
        audience_relations.service_level,
        audience_relations.region,
        audience_relations.sector,
        audience_relations.has_open_quote,
        audience_relations.as_of_date
    from audience_relations
    inner join contacts
        on audience_relations.relation_id = contacts.relation_id

)

select * from final
