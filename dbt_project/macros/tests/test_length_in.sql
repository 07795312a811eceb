{#- Generic test: every non-null value is a text of one of the given `lengths`. -#}
{% test length_in(model, column_name, lengths) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and length({{ column_name }}) not in ({{ lengths | join(', ') }})

{% endtest %}
