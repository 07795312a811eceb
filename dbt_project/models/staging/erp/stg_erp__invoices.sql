with

source as (

    select * from {{ source('erp', 'invoices') }}

),

renamed as (

    select
        -- ids
        invoice_id,
        customer_id,

        -- strings
        invoice_type,

        -- dates
        invoice_date,
        due_date

    from source

)

select * from renamed
