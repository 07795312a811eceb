-- The rule parameters this build used, one row per parameter (docs/business-rules.md):
-- every rule var (dbt_project.yml defaults, or --vars) and the per-level capacities of
-- seeds/service_level_capacities.csv, each value as text. The lists are in
-- macros/rules/rule_parameters.sql; the rows are generated from them.
{%- set string_type = dbt.type_string() %}
{%- set rule_vars = rule_parameter_vars() %}
{%- set capacity_columns = rule_parameter_capacity_columns() %}
{%- for parameter in rule_vars + capacity_columns %}
{%- if "'" in parameter.description %}
        {{ exceptions.raise_compiler_error(
            "rule parameter descriptions must not contain a single quote: "
            ~ parameter.description) }}
    {%- endif %}
{%- endfor %}

with

service_level_capacities as (

    select * from {{ ref('service_level_capacities') }}

),

var_parameters as (

    {%- for parameter in rule_vars %}

    select
        cast('{{ parameter.name }}' as {{ string_type }}) as name,
        {%- if parameter.name == 'as_of' %}
        cast({{ as_of_date() }} as {{ string_type }}) as value,
        cast('{{ as_of_source() }}' as {{ string_type }}) as source,
        {%- else %}
        cast('{{ var(parameter.name) }}' as {{ string_type }}) as value,
        cast('var' as {{ string_type }}) as source,
        {%- endif %}
        cast('{{ parameter.description }}' as {{ string_type }}) as description
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

capacity_parameters as (

    {%- for capacity in capacity_columns %}

    select
        cast(
            {{ dbt.concat(["'" ~ capacity.column ~ ".'", 'service_level']) }}
            as {{ string_type }}
        ) as name,
        cast({{ capacity.column }} as {{ string_type }}) as value,
        cast('seed:service_level_capacities' as {{ string_type }}) as source,
        cast('{{ capacity.description }}' as {{ string_type }}) as description
    from service_level_capacities
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select * from var_parameters

    union all

    select * from capacity_parameters

)

select * from final
