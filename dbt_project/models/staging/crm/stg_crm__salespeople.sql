with

source as (

    select * from {{ source('crm', 'salespeople') }}

),

renamed as (

    select
        -- ids
        salesperson_id,

        -- strings
        name as salesperson_name,
        email as salesperson_email,
        region,
        country as country_code,

        -- numerics
        cast(visits_per_week as integer) as visits_per_week

    from source

)

select * from renamed
