{#- Generic test: a review period looks like 2027-H1 or 2027-H2 (four digits, "-H", 1 or 2).
    Written without regular expressions so it runs the same on DuckDB, PostgreSQL and Spark. -#}
{% test service_review_period_format(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and not (
        {{ dbt.length(column_name) }} = 7
        {%- for position in range(1, 5) %}
        and substring({{ column_name }}, {{ position }}, 1) between '0' and '9'
        {%- endfor %}
        and substring({{ column_name }}, 5, 2) = '-H'
        and substring({{ column_name }}, 7, 1) in ('1', '2')
    )

{% endtest %}
