{#- Generic test: on every row `column_name` = `minuend` - `subtrahend` exactly (both
    decimals), e.g. contribution = gross_margin_12m - cost_to_serve. Returns the rows
    where it does not hold, a null on either side included. -#}
{% test equals_difference(model, column_name, minuend, subtrahend) %}

select *
from {{ model }}
where {{ column_name }} is null
    or {{ minuend }} is null
    or {{ subtrahend }} is null
    or {{ column_name }} <> {{ minuend }} - {{ subtrahend }}

{% endtest %}
