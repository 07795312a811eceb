{#- Rank of a service level for comparisons: A (1) is better than B (2), better than C (3).
    Unknown levels give null, so a comparison with them is never true. -#}
{% macro service_level_rank(column) -%}
    case {{ column }} when 'A' then 1 when 'B' then 2 when 'C' then 3 end
{%- endmacro %}
