-- What the numbers miss: every source record that was not loaded, and why.
with

rejects as (

    select * from {{ source('pipeline', 'ingest_rejects') }}

),

final as (

    select
        source_table,
        source_file,
        line_number,
        column_name,
        raw_value,
        reason
    from rejects

)

select * from final
