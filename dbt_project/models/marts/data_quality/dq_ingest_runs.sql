-- The latest load of every source table: rows read, loaded and rejected, and when.
with

runs as (

    select * from {{ source('pipeline', 'ingest_runs') }}

),

final as (

    select
        source_table,
        source_file,
        file_format,
        delimiter,
        decimal_separator,
        rows_read,
        rows_loaded,
        rows_rejected,
        extra_columns,
        loaded_at,
        {{ as_of_date() }} as as_of_date
    from runs

)

select * from final
