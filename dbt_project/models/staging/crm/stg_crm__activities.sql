with

source as (

    select * from {{ source('crm', 'activities') }}

),

renamed as (

    select
        -- ids
        activity_id,
        relation_id,
        contact_id,
        salesperson_id,

        -- strings
        activity_type,

        -- dates
        occurred_at,
        cast(occurred_at as date) as occurred_date

    from source

)

select * from renamed
