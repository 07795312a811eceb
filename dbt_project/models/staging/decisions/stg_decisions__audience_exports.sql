with

source as (

    select * from {{ source('decisions', 'audience_exports') }}

),

renamed as (

    select
        -- ids
        cast(export_id as integer) as export_id,

        -- strings
        audience,
        audience_filters,
        file_format,
        content_sha256,
        exported_by,

        -- numerics
        cast(contact_count as integer) as contact_count,
        cast(relation_count as integer) as relation_count,

        -- dates
        cast(as_of_date as date) as as_of_date,
        cast(exported_at as {{ dbt.type_timestamp() }}) as exported_at,
        cast(exported_at as date) as export_date

    from source

)

select * from renamed
