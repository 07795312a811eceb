with

source as (

    select * from {{ source('calendars', 'public_holidays') }}

),

renamed as (

    select
        -- strings
        cast(country as {{ dbt.type_string() }}) as country_code,
        cast(holiday_name as {{ dbt.type_string() }}) as holiday_name,

        -- dates
        cast(holiday_date as date) as holiday_date

    from source

)

select * from renamed
