{#- A relation's segment value against one filter column of seeds/campaign_audiences.csv:
    an empty filter matches any value (an empty one too); a text filter lists one or more
    values separated by `|`; a boolean filter must be equal. Written with concat and like
    so that DuckDB, PostgreSQL and Spark read it alike. -#}
{% macro audience_text_filter_matches(filter_column, segment_column) -%}
    ({{ filter_column }} is null or {{ dbt.concat(["'|'", filter_column, "'|'"]) }} like {{ dbt.concat(["'%|'", segment_column, "'|%'"]) }})
{%- endmacro %}

{% macro audience_boolean_filter_matches(filter_column, segment_column) -%}
    ({{ filter_column }} is null or {{ filter_column }} = {{ segment_column }})
{%- endmacro %}
