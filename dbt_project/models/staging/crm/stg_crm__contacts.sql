with

source as (

    select * from {{ source('crm', 'contacts') }}

),

renamed as (

    select
        -- ids
        contact_id,
        relation_id,

        -- strings (personal data: used only where a page needs them)
        first_name,
        last_name,
        email as contact_email,
        phone as contact_phone,
        job_title,

        -- booleans
        coalesce(marketing_consent, false) as has_marketing_consent

    from source

)

select * from renamed
