{#- The date `months` months before as_of. A window "within the last N months" is
    (months_before_as_of(N), as_of]: strictly after this date, up to and including as_of. -#}
{% macro months_before_as_of(months) -%}
    cast({{ dbt.dateadd('month', -1 * (months | int), as_of_date()) }} as date)
{%- endmacro %}
