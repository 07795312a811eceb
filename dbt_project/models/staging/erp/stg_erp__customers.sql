with

source as (

    select * from {{ source('erp', 'customers') }}

),

renamed as (

    select
        -- ids
        customer_id,
        crm_relation_id,
        kvk_number,
        {{ normalised_company_number('kvk_number') }} as kvk_normalised,

        -- strings
        name as customer_name,

        -- numerics
        cast(payment_terms_days as integer) as payment_terms_days

    from source

)

select * from renamed
