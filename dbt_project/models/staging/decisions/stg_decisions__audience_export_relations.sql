with

source as (

    select * from {{ source('decisions', 'audience_export_relations') }}

),

renamed as (

    select
        -- ids
        cast(export_id as integer) as export_id,
        cast(relation_id as {{ dbt.type_string() }}) as relation_id,

        -- strings
        relation_kind,

        -- numerics
        cast(contact_count as integer) as contact_count

    from source

)

select * from renamed
