{#- Segment history (docs/business-rules.md section 13): every relation's kind, pyramid
    level, ABC class and service level per refresh date, kept across refreshes so any two
    dates can be compared. Like service_level_reviews it is an incremental table that
    survives rebuilds: full_refresh=false keeps `dbt build --full-refresh` from wiping it,
    and the working warehouse (with this table) is what every refresh builds on. Each
    refresh writes the rows of its as_of; re-running a date replaces that date (pre-hook
    segment_history_clear_date, delete+insert); an as_of older than the newest kept date
    writes nothing, so history never gets an older date after a newer one. -#}
{{
    config(
        materialized='incremental',
        unique_key=['relation_id', 'snapshot_date'],
        incremental_strategy=segment_history_strategy(),
        partition_by=segment_history_partition_by(),
        full_refresh=false,
        on_schema_change='append_new_columns',
        pre_hook=segment_history_clear_date()
    )
}}

with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

customer_pyramid as (

    select * from {{ ref('customer_pyramid') }}

),

customer_abc as (

    select * from {{ ref('customer_abc') }}

),

service_levels as (

    select * from {{ ref('service_levels') }}

),

{% if is_incremental() %}

kept as (

    select max(snapshot_date) as latest_snapshot_date from {{ this }}

),

{% else %}

kept as (

    -- First build: nothing kept yet.
    select cast(null as date) as latest_snapshot_date

),

{% endif %}

final as (

    select
        cast(relation_kinds.relation_id as {{ dbt.type_string() }}) as relation_id,
        cast(relation_kinds.as_of_date as date) as snapshot_date,
        cast(relation_kinds.relation_kind as {{ dbt.type_string() }}) as relation_kind,
        cast(customer_pyramid.pyramid_level as {{ dbt.type_string() }}) as pyramid_level,
        cast(customer_abc.abc_class as {{ dbt.type_string() }}) as abc_class,
        cast(service_levels.effective_level as {{ dbt.type_string() }}) as effective_level
    from relation_kinds
    cross join kept
    left join customer_pyramid
        on relation_kinds.relation_id = customer_pyramid.relation_id
    left join customer_abc
        on relation_kinds.relation_id = customer_abc.relation_id
    left join service_levels
        on relation_kinds.relation_id = service_levels.relation_id
    where
        kept.latest_snapshot_date is null
        or kept.latest_snapshot_date <= relation_kinds.as_of_date

)

select * from final
