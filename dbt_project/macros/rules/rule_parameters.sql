{#- The rule parameters that marts.rule_parameters exposes (docs/business-rules.md).

    rule_parameter_vars(): every rule var of dbt_project.yml with what it means and its
    unit, in the order of dbt_project.yml. as_of is the effective date (see as_of_date());
    review_period is left out: it says which review a run freezes, not how a rule works.
    A new rule var gets an entry here (tests/assert_rule_parameters_match_vars.sql and
    tests/test_marts.py check the mart against the vars).

    rule_parameter_capacity_columns(): the columns of seeds/service_level_capacities.csv
    exposed once per service level, as `<column>.<level>`.

    Descriptions are SQL string literals: no single quotes in them. A var that is no
    number (a country code) is marked 'text': true and compared as text. -#}
{% macro rule_parameter_vars() -%}
    {{ return([
        {'name': 'as_of', 'description':
            'Reference date (ISO YYYY-MM-DD) every rule of this build was evaluated at: var as_of, else PYRAMID_AS_OF, else the day the run started.'},
        {'name': 'revenue_window_months', 'description':
            'Months in the revenue window (as_of - N months, as_of] used for revenue_12m (months).'},
        {'name': 'inactive_after_months', 'description':
            'A customer with no invoice for this many months is inactive (months).'},
        {'name': 'reactivate_after_months', 'description':
            'A customer with no invoice for this many months needs reactivation (months).'},
        {'name': 'abc_a_share', 'description':
            'ABC: a relation is A while the revenue share ranked above it is below this (fraction).'},
        {'name': 'abc_b_share', 'description':
            'ABC: a relation is B while the revenue share ranked above it is below this (fraction).'},
        {'name': 'pyramid_top_pct', 'description':
            'Customer pyramid: cumulative share of active customers that is top (percent).'},
        {'name': 'pyramid_large_pct', 'description':
            'Customer pyramid: cumulative share of active customers that is top or large (percent).'},
        {'name': 'pyramid_medium_pct', 'description':
            'Customer pyramid: cumulative share of active customers that is top, large or medium (percent).'},
        {'name': 'potential_high', 'description':
            'Growth potential (estimated_annual_spend - revenue_12m) from which potential_score is 3 (EUR).'},
        {'name': 'potential_medium', 'description':
            'Growth potential from which potential_score is 2 (EUR).'},
        {'name': 'score_cutoff', 'description':
            'Minimum total score (sum of weight x score) worth account-management effort (points).'},
        {'name': 'matrix_relationship_threshold', 'description':
            'Relationship axis score (weighted average of relationship criteria, 1-5) that counts as good (points).'},
        {'name': 'matrix_buying_threshold', 'description':
            'Buying axis score (weighted average of buying criteria, 1-5) that counts as high (points).'},
        {'name': 'contact_window_months', 'description':
            'Months of contact history used for contact intensity and response rate (months).'},
        {'name': 'planning_horizon_weeks', 'description':
            'Weeks ahead the visit plan covers, starting the Monday after as_of (weeks).'},
        {'name': 'default_country', 'text': true, 'description':
            'Country (NL or BE) whose public holidays a salesperson has off when crm/salespeople gives none (ISO country code).'},
        {'name': 'prospect_follow_up_days', 'description':
            'A prospect whose last two-way contact is older than this is due a follow-up (days).'},
        {'name': 'results_before_months', 'description':
            'Results per level: months before a review date, [review_date - N months, review_date), whose revenue is compared with the revenue since (months).'},
        {'name': 'cost_per_visit', 'description':
            'Profitability: what one visit made to a customer costs, part of the cost to serve (EUR per visit).'},
    ]) }}
{%- endmacro %}

{% macro rule_parameter_capacity_columns() -%}
    {{ return([
        {'column': 'response_time_hours', 'description':
            'Service level: answer within this many hours (hours).'},
        {'column': 'max_discount_pct', 'description':
            'Service level: maximum discount (percent).'},
        {'column': 'payment_terms_days', 'description':
            'Service level: payment term (days).'},
        {'column': 'free_delivery', 'description':
            'Service level: delivery is free (true/false).'},
        {'column': 'fixed_contact_person', 'description':
            'Service level: the customer has a fixed contact person (true/false).'},
        {'column': 'visits_per_year', 'description':
            'Service level: planned visits per year, the visit norm of the visit plan (visits).'},
    ]) }}
{%- endmacro %}
