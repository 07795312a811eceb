with

source as (

    select * from {{ source('crm', 'relations') }}

),

renamed as (

    select
        -- ids
        relation_id,
        account_manager_id,
        kvk_number,
        {{ normalised_company_number('kvk_number') }} as kvk_normalised,

        -- strings
        name as relation_name,
        sector,
        city,
        postcode,
        upper(country) as country_code,

        -- numerics
        cast(employees as integer) as employee_count,
        cast(estimated_annual_spend as decimal(18, 2)) as estimated_annual_spend,
        cast(relationship_rating as integer) as relationship_rating,

        -- dates
        created_at

    from source

)

select * from renamed
