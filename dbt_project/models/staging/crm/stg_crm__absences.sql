with

source as (

    select * from {{ source('crm', 'absences') }}

),

renamed as (

    select
        -- ids
        salesperson_id,

        -- dates
        cast(date_from as date) as absence_start_date,
        cast(date_to as date) as absence_end_date

    from source

)

select * from renamed
