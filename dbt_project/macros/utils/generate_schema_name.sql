{#- Use the configured schema name as is (raw, staging, intermediate, marts, config,
    history): users query `marts.customer_pyramid`, not `main_marts.customer_pyramid`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
