-- marts.rule_parameters shows the values this build used: every numeric rule var appears
-- once with the value of var() (compared as numbers, so 0.80 and 0.8 agree), a text var
-- (default_country) with its text, as_of is the
-- effective date, and visits_per_year per level equals the capacities seed. Returns the
-- parameters that differ or are missing.
with

rule_parameters as (

    select * from {{ ref('rule_parameters') }}

),

service_level_capacities as (

    select * from {{ ref('service_level_capacities') }}

),

expected_vars as (

    {%- for parameter in rule_parameter_vars()
        if parameter.name != 'as_of' and not parameter.text %}

    select
        '{{ parameter.name }}' as name,
        cast({{ var(parameter.name) }} as {{ dbt.type_numeric() }}) as expected_value
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

var_differences as (

    select expected_vars.name
    from expected_vars
    left join rule_parameters
        on expected_vars.name = rule_parameters.name
    where rule_parameters.name is null
        or cast(rule_parameters.value as {{ dbt.type_numeric() }})
        <> expected_vars.expected_value

),

as_of_difference as (

    select 'as_of' as name
    from service_level_capacities
    where not exists (
            select rule_parameters.name
            from rule_parameters
            where rule_parameters.name = 'as_of'
                and rule_parameters.value = cast({{ as_of_date() }} as {{ dbt.type_string() }})
        )
        -- one row is enough: the seed has a row per level
        and service_level_capacities.service_level = 'A'

),

text_differences as (

    {%- for parameter in rule_parameter_vars() if parameter.text %}

    select '{{ parameter.name }}' as name
    from service_level_capacities
    where not exists (
            select rule_parameters.name
            from rule_parameters
            where rule_parameters.name = '{{ parameter.name }}'
                and rule_parameters.value = '{{ var(parameter.name) }}'
        )
        and service_level_capacities.service_level = 'A'
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

capacity_differences as (

    select service_level_capacities.service_level as name
    from service_level_capacities
    left join rule_parameters
        on rule_parameters.name
            = {{ dbt.concat(["'visits_per_year.'", 'service_level_capacities.service_level']) }}
    where rule_parameters.name is null
        or cast(rule_parameters.value as {{ dbt.type_int() }})
        <> service_level_capacities.visits_per_year

),

final as (

    select name from var_differences

    union all

    select name from as_of_difference

    union all

    select name from text_differences

    union all

    select name from capacity_differences

)

select * from final
