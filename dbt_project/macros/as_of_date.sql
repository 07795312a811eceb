{#- The reference date every rule is evaluated at, as a SQL date literal.
    Order: the dbt var `as_of`, then PYRAMID_AS_OF, then the day the run started. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of', '') or env_var('PYRAMID_AS_OF', '') -%}
    {%- if not value -%}
        {%- set value = run_started_at.strftime('%Y-%m-%d') -%}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) -%}
        {{ exceptions.raise_compiler_error("as_of must be an ISO date (YYYY-MM-DD), got: " ~ value) }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}
