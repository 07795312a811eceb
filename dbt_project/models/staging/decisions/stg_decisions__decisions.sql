with

source as (

    select * from {{ source('decisions', 'decisions') }}

),

renamed as (

    select
        -- ids
        cast(decision_id as integer) as decision_id,
        cast(relation_id as {{ dbt.type_string() }}) as relation_id,

        -- strings
        decision_type,
        review_period,
        upper(level) as level,
        reason,
        decided_by,

        -- dates
        cast(until_date as date) as until_date,
        cast(decided_at as {{ dbt.type_timestamp() }}) as decided_at

    from source

)

select * from renamed
