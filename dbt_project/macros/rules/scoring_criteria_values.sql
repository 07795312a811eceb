{#- The scoring criteria computed by int_relations_criteria_unpivoted (docs/business-rules.md
    section 5): one entry per criterion, its key (as in seeds/scoring_criteria.csv) and the
    SQL expression of its raw value over the columns of that model's relation_facts CTE.
    The model unpivots them in a loop, one `union all` branch each, cast to
    dbt.type_numeric(); tests/assert_scoring_criteria_match_computed_values.sql compares
    these keys with the seed. A value that cannot be known is null (scored with the
    criterion's score_when_missing). To add a criterion: add an entry here (and, if it
    needs a new fact, the column to relation_facts), a row to seeds/scoring_criteria.csv
    and its bands to seeds/scoring_bands.csv. -#}
{% macro scoring_criteria_values() -%}
    {%- set criteria = [] -%}

    {#- buying: revenue in the window; credit notes can make it negative. -#}
    {%- do criteria.append({'criterion': 'revenue_12m', 'value': 'revenue_12m'}) -%}

    {#- buying: number of orders (invoices, not credit notes) in the window. -#}
    {%- do criteria.append({'criterion': 'invoice_count_12m', 'value': 'invoice_count_12m'}) -%}

    {#- buying: average order value; null without invoices in the window. -#}
    {%- do criteria.append({
        'criterion': 'average_order_value_12m', 'value': 'average_order_value_12m'}) -%}

    {#- buying: share of wallet won. An unknown or zero estimate says nothing about the
        share, so it stays null rather than dividing by zero. Not capped at 1: buying more
        than the estimate means the estimate is low, and still the top band. -#}
    {%- do criteria.append({
        'criterion': 'share_of_wallet',
        'value': 'case when estimated_annual_spend > 0'
            ~ ' then revenue_12m / estimated_annual_spend end'}) -%}

    {#- none: margin as a fraction of revenue (0.25 = 25%); meaningless without positive
        revenue. -#}
    {%- do criteria.append({
        'criterion': 'margin_pct_12m',
        'value': 'case when revenue_12m > 0 then margin_12m / revenue_12m end'}) -%}

    {#- none: the share of wallet still to win, never negative; null when the spend is
        unknown. Computed once in int_relations_growth_potential (as for service levels). -#}
    {%- do criteria.append({'criterion': 'growth_potential', 'value': 'growth_potential'}) -%}

    {#- none (payment behaviour): null when nothing was paid in the window. -#}
    {%- do criteria.append({
        'criterion': 'average_days_paid_late', 'value': 'average_days_paid_late'}) -%}

    {#- none (payment behaviour): unpaid amount past its due date at as_of. -#}
    {%- do criteria.append({'criterion': 'overdue_open_amount', 'value': 'overdue_open_amount'}) -%}

    {#- relationship: contact intensity, two-way contacts in the contact window. -#}
    {%- do criteria.append({
        'criterion': 'two_way_contacts_window', 'value': 'two_way_contacts_window'}) -%}

    {#- relationship: responsiveness; null when no campaign was sent in the window. -#}
    {%- do criteria.append({
        'criterion': 'response_rate_window', 'value': 'response_rate_window'}) -%}

    {#- relationship: the account manager's rating 1-5; null when not rated. -#}
    {%- do criteria.append({'criterion': 'relationship_rating', 'value': 'relationship_rating'}) -%}

    {{- return(criteria) -}}
{%- endmacro %}
