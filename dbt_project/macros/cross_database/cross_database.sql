{#- Small cross-database helpers where dbt's own macros differ between engines. The models
    stay free of engine-specific SQL: what differs is dispatched here
    (adapter.dispatch: a <adapter>__ macro wins, default__ otherwise). -#}

{#- Calendar months from `first_date` to `second_date`: the month boundaries crossed,
    (year, month) of the second minus (year, month) of the first, e.g. 31 January to
    1 February is 1. Written out with extract() instead of dbt.datediff('month'): on
    Spark that uses months_between, which counts 31 January to 28 February as 2. -#}
{% macro months_between_dates(first_date, second_date) -%}
    cast(
        (extract(year from {{ second_date }}) - extract(year from {{ first_date }})) * 12
        + extract(month from {{ second_date }}) - extract(month from {{ first_date }})
        as {{ dbt.type_bigint() }}
    )
{%- endmacro %}
