{#- How segment_history keeps one snapshot per refresh date, per engine (the same split as
    the review history: macros/review_history/service_review_history_config.sql).

    DuckDB and PostgreSQL: delete+insert on (relation_id, snapshot_date), after the
    pre-hook segment_history_clear_date() emptied the date, so re-running a date replaces
    it whole.
    Spark with Parquet tables has no DELETE: the table is partitioned by snapshot_date and
    a refresh overwrites its own date's partition (insert_overwrite, dynamic partition
    overwrite); a refresh that writes no rows (an as_of older than the newest snapshot)
    overwrites no partition. -#}
{% macro segment_history_strategy() -%}
    {{ return(adapter.dispatch('segment_history_strategy')()) }}
{%- endmacro %}

{% macro default__segment_history_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__segment_history_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro segment_history_partition_by() -%}
    {{ return(adapter.dispatch('segment_history_partition_by')()) }}
{%- endmacro %}

{% macro default__segment_history_partition_by() -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__segment_history_partition_by() -%}
    {{ return(['snapshot_date']) }}
{%- endmacro %}

{#- Pre-hook of segment_history: delete the rows of tonight's date before they are written
    again, unless a later date is kept (then nothing of this date is written either: an
    older date never follows a newer one). Tonight's date is the one the rows carry,
    relation_kinds.as_of_date. Renders nothing on the first build and on Spark. -#}
{% macro segment_history_clear_date() -%}
    {%- if segment_history_strategy() == 'delete+insert' -%}
        {{ return("{% if is_incremental() %}delete from {{ this }} "
            ~ "where snapshot_date = (select max(kinds.as_of_date) from {{ ref('relation_kinds') }} as kinds) "
            ~ "and snapshot_date >= (select max(kept.snapshot_date) from {{ this }} as kept)"
            ~ "{% endif %}") }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
