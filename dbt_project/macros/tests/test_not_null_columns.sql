{#-
Generic test: none of `columns` holds a null, checked in one scan of the model.

The same guarantee as a `not_null` test on each column, at the cost of one query per model
instead of one per column: a refresh runs every data test, and dbt spends ~20 ms of its own
on each node whatever the data (benchmarks/README.md). A failure returns one row per column
that holds nulls: the column's name and how many rows.
-#}
{% test not_null_columns(model, columns) %}

with null_counts as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as n_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}
)

{% for column in columns -%}
select
    '{{ column }}' as column_name,
    n_{{ loop.index }} as null_rows
from null_counts
where n_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{% endfor %}

{% endtest %}
