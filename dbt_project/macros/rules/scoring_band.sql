{#- Whether `value` falls in the scoring band `band` (a row of scoring_bands or
    prospect_scoring_bands; docs/business-rules.md section 5): min_value inclusive,
    max_value exclusive, an empty bound unbounded on that side, so a value exactly on a
    boundary belongs to the upper band. A null value falls in no band. -#}
{% macro value_in_scoring_band(value, band) -%}
    ({{ band }}.min_value is null or {{ value }} >= {{ band }}.min_value)
    and ({{ band }}.max_value is null or {{ value }} < {{ band }}.max_value)
{%- endmacro %}
