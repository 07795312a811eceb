-- Every contact in marts.audience_members gave marketing consent (docs/business-rules.md
-- section 15), and audience_sizes counts exactly the members: returns the members
-- without consent in staging, and the audiences whose consenting count differs from
-- their members.
with

audience_members as (

    select * from {{ ref('audience_members') }}

),

audience_sizes as (

    select * from {{ ref('audience_sizes') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

without_consent as (

    select
        audience_members.audience,
        audience_members.contact_id
    from audience_members
    left join contacts
        on audience_members.contact_id = contacts.contact_id
    where contacts.has_marketing_consent is null
        or not contacts.has_marketing_consent

),

member_counts as (

    select
        audience,
        count(*) as members
    from audience_members
    group by audience

),

miscounted as (

    select
        audience_sizes.audience,
        cast(null as {{ dbt.type_string() }}) as contact_id
    from audience_sizes
    left join member_counts
        on audience_sizes.audience = member_counts.audience
    where audience_sizes.consenting_contact_count <> coalesce(member_counts.members, 0)

),

final as (

    select * from without_consent

    union all

    select * from miscounted

)

select * from final
