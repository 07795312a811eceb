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

{#- `expression` with every character that is not a digit removed. PostgreSQL and DuckDB
    replace only the first match without the 'g' flag; Spark replaces all and has no flags. -#}
{% macro digits_only(expression) -%}
    {{ return(adapter.dispatch('digits_only')(expression)) }}
{%- endmacro %}

{% macro default__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '')
{%- endmacro %}

{#- The values of `expression` in a group, sorted and joined by `separator`. DuckDB and
    PostgreSQL have string_agg with an order; Spark sorts a collected array. -#}
{% macro sorted_string_agg(expression, separator) -%}
    {{ return(adapter.dispatch('sorted_string_agg')(expression, separator)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, separator) -%}
    string_agg({{ expression }}, '{{ separator }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, separator) -%}
    concat_ws('{{ separator }}', array_sort(collect_list({{ expression }})))
{%- endmacro %}
