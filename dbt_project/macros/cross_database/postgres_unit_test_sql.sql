{#- Unit tests on PostgreSQL compare numbers by value, as on DuckDB and Spark.

    dbt compares a unit test's actual and expected rows as text. PostgreSQL's numeric
    keeps the scale of each value (the sum of 7.50 and 7.50 is 15.00, a ratio of numerics
    has 20 decimals, a fixture's 15.0 stays 15.0), where DuckDB and Spark give a column one
    fixed scale; the same value would then read as a difference. On PostgreSQL only, both
    sides' numeric columns go through trim_scale(), which drops trailing zeros and leaves
    the value as it is: 15.00 and 15.0 both read 15, 0.50000000000000000000 reads 0.5. -#}
{% macro postgres__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {%- set numeric_columns = [] -%}
    {%- for column in get_column_schema_from_query(main_sql) -%}
        {%- if column.dtype | upper in ('DECIMAL', 'NUMERIC') -%}
            {%- do numeric_columns.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
select
    {%- for column_name in expected_column_names %}
    {% if column_name | replace('"', '') | lower in numeric_columns -%}
        trim_scale({{ column_name }}) as {{ column_name }}
    {%- else -%}
        {{ column_name }}
    {%- endif %},
    {%- endfor %}
    {{ adapter.quote("actual_or_expected") }}
from (
    {{ dbt.default__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) }}
) as dbt_internal_unit_test_results
{%- endmacro %}
