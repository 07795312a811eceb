{#- Generic test: nothing is dropped silently, rows read = rows loaded + rows rejected. -#}
{% test rows_reconcile(model) %}

select *
from {{ model }}
where rows_read <> rows_loaded + rows_rejected

{% endtest %}
