with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

renamed as (

    select
        -- ids
        opportunity_id,
        relation_id,
        salesperson_id,

        -- strings
        status as opportunity_status,

        -- numerics
        cast(amount as decimal(18, 2)) as opportunity_amount,

        -- dates
        created_at,
        cast(created_at as date) as created_date,
        closed_at,
        cast(closed_at as date) as closed_date

    from source

)

select * from renamed
