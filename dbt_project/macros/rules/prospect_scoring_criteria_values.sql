{#- The prospect rating's criteria (docs/business-rules.md section 5): what is known of a
    relation before its first invoice. One entry per criterion, its key (as in
    seeds/prospect_scoring_criteria.csv) and the SQL expression of its raw value over the
    columns of int_prospects_criteria_unpivoted's prospect_facts CTE. A value that cannot
    be known is null (scored with the criterion's score_when_missing); counts and amounts
    that are simply nothing are 0. To add a criterion: an entry here, a row in
    seeds/prospect_scoring_criteria.csv and its bands in seeds/prospect_scoring_bands.csv
    (tests/assert_prospect_scoring_criteria_match_computed_values.sql compares them). -#}
{% macro prospect_scoring_criteria_values() -%}
    {%- set criteria = [] -%}

    {#- the size of the prize: the CRM's estimate of what the company spends a year. -#}
    {%- do criteria.append({
        'criterion': 'estimated_annual_spend', 'value': 'estimated_annual_spend'}) -%}

    {#- the size of the company. -#}
    {%- do criteria.append({'criterion': 'employee_count', 'value': 'employee_count'}) -%}

    {#- response to contacts: two-way contacts in the contact window (0 without any). -#}
    {%- do criteria.append({
        'criterion': 'two_way_contacts_window', 'value': 'two_way_contacts_window'}) -%}

    {#- response to campaigns; null when no campaign was sent in the window. -#}
    {%- do criteria.append({
        'criterion': 'response_rate_window', 'value': 'response_rate_window'}) -%}

    {#- quotes open at as_of (0 without one). -#}
    {%- do criteria.append({'criterion': 'open_quote_amount', 'value': 'open_quote_amount'}) -%}

    {{- return(criteria) -}}
{%- endmacro %}
