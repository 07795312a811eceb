with

source as (

    select * from {{ source('erp', 'payments') }}

),

renamed as (

    select
        -- ids
        payment_id,
        invoice_id,

        -- numerics
        cast(amount as decimal(18, 2)) as paid_amount,

        -- dates
        paid_at,
        cast(paid_at as date) as paid_date

    from source

)

select * from renamed
