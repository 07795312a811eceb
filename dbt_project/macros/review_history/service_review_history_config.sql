{#- How service_level_reviews replaces the rows of a review period, per engine.

    DuckDB and PostgreSQL: delete+insert on (relation_id, review_period), after the
    pre-hook service_clear_review_period() emptied the period.
    Spark with Parquet tables has neither DELETE nor MERGE (those need Delta, Iceberg or
    Hudi): the table is partitioned by review_period and a review overwrites its own
    partition (insert_overwrite, dynamic partition overwrite), which replaces the period
    whole as the pre-hook does elsewhere; earlier periods are untouched, and the nightly
    run, which writes no rows, overwrites no partition. -#}
{% macro service_review_history_strategy() -%}
    {{ return(adapter.dispatch('service_review_history_strategy')()) }}
{%- endmacro %}

{% macro default__service_review_history_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__service_review_history_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro service_review_history_partition_by() -%}
    {{ return(adapter.dispatch('service_review_history_partition_by')()) }}
{%- endmacro %}

{% macro default__service_review_history_partition_by() -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__service_review_history_partition_by() -%}
    {{ return(['review_period']) }}
{%- endmacro %}
