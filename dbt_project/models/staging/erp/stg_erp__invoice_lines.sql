with

source as (

    select * from {{ source('erp', 'invoice_lines') }}

),

renamed as (

    select
        -- ids
        invoice_id,
        cast(line_number as integer) as line_number,
        product_id,

        -- strings
        product_group,

        -- numerics (EUR excluding VAT; credit note lines are negative)
        cast(quantity as decimal(18, 2)) as quantity,
        cast(unit_price as decimal(18, 2)) as unit_price,
        cast(discount_pct as decimal(18, 2)) as discount_pct,
        cast(amount_excl_vat as decimal(18, 2)) as amount_excl_vat,
        cast(cost_amount as decimal(18, 2)) as cost_amount

    from source

)

select * from renamed
