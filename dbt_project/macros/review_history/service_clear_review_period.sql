{#- Pre-hook of service_level_reviews: before a review run writes its period, delete every
    row of that period, so re-running a review replaces it whole (delete+insert alone only
    replaces the rows whose relation is still a customer). Renders nothing on the nightly
    run, on the first build, and when the table does not exist yet; and on Spark, whose
    insert_overwrite replaces the period's partition itself (and which cannot delete from
    a Parquet table). -#}
{% macro service_clear_review_period() -%}
    {%- set review_period = var('review_period', '') | string | trim -%}
    {%- if review_period and modules.re.match('^[0-9]{4}-H[12]$', review_period)
        and service_review_history_strategy() == 'delete+insert' -%}
        {{ return("{% if is_incremental() %}delete from {{ this }} where review_period = '"
            ~ review_period ~ "'{% endif %}") }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
