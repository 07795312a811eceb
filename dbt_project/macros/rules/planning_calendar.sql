{#- The visit-plan calendar (docs/business-rules.md section 9), shared by visit_plan and
    salesperson_portfolio so both count the same weeks.

    The plan starts on the Monday of the week after as_of: a plan made on any day of a
    week, Monday or Sunday, is for the weeks that follow it. date_trunc('week', ...) is
    the ISO week (Monday) on DuckDB, PostgreSQL and Spark alike. -#}

{#- var planning_horizon_weeks as an integer >= 1: a horizon of zero weeks has no week
    to put an over-capacity visit in, so it is a configuration error, not an empty plan. -#}
{% macro planning_horizon_weeks() -%}
    {%- set weeks = var('planning_horizon_weeks') | int(-1) -%}
    {%- if weeks < 1 -%}
        {{ exceptions.raise_compiler_error(
            "planning_horizon_weeks must be a whole number of weeks >= 1, got: "
            ~ var('planning_horizon_weeks')) }}
    {%- endif -%}
    {{ weeks }}
{%- endmacro %}

{#- The Monday the first planned week starts. -#}
{% macro planning_first_week_start() -%}
    cast({{ dbt.dateadd('day', 7, 'cast(' ~ dbt.date_trunc('week', as_of_date()) ~ ' as date)') }} as date)
{%- endmacro %}

{#- The date `days` days after `date_expression`, as a date (dateadd returns a timestamp
    on some engines). -#}
{% macro planning_add_days(days, date_expression) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{#- A subquery of the whole numbers 0 to count - 1 in column `n`: digits cross-joined, so
    it is plain SQL on every engine (no generate_series, which Spark and DuckDB spell
    differently). Used for the days and weeks of the horizon. -#}
{% macro planning_integer_series(count) -%}
    {%- set count = count | int -%}
    {%- set ns = namespace(places=1) -%}
    {%- for _ in range(6) if 10 ** ns.places < count -%}
        {%- set ns.places = ns.places + 1 -%}
    {%- endfor -%}
    (
        select
            {%- for place in range(ns.places) %}
            digits_{{ place }}.digit * {{ 10 ** place }}{{ ' +' if not loop.last }}
            {%- endfor %} as n
        from
            {%- for place in range(ns.places) %}
            {{ 'cross join ' if not loop.first }}(
                select 0 as digit union all select 1 union all select 2 union all select 3
                union all select 4 union all select 5 union all select 6 union all select 7
                union all select 8 union all select 9
            ) as digits_{{ place }}
            {%- endfor %}
        where
            {%- for place in range(ns.places) %}
            digits_{{ place }}.digit * {{ 10 ** place }}{{ ' +' if not loop.last }}
            {%- endfor %} < {{ count }}
    )
{%- endmacro %}
