{#- The reference date every rule is evaluated at, as a SQL date literal.
    Order: the dbt var `as_of`, then PYRAMID_AS_OF, then the day the run started.
    Read only when dbt executes (`execute`): while parsing it is a fixed placeholder, so a
    new PYRAMID_AS_OF every night does not make dbt re-parse the models that use it (a
    changed --vars value would make it re-parse the whole project, which is why the
    nightly run passes as_of in the environment, not as a var). -#}
{% macro as_of_date() -%}
    {%- if not execute -%}
        cast('1900-01-01' as date)
    {%- else -%}
        {%- set value = var('as_of', '') or env_var('PYRAMID_AS_OF', '') -%}
        {%- if not value -%}
            {%- set value = run_started_at.strftime('%Y-%m-%d') -%}
        {%- endif -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) -%}
            {{ exceptions.raise_compiler_error("as_of must be an ISO date (YYYY-MM-DD), got: " ~ value) }}
        {%- endif -%}
        cast('{{ value }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- Where as_of_date() took the date from: var, env (PYRAMID_AS_OF) or run_started_at.
    Same order and the same parse-time placeholder as as_of_date(). -#}
{% macro as_of_source() -%}
    {%- if not execute -%}
        var
    {%- elif var('as_of', '') -%}
        var
    {%- elif env_var('PYRAMID_AS_OF', '') -%}
        env:PYRAMID_AS_OF
    {%- else -%}
        run_started_at
    {%- endif -%}
{%- endmacro %}
