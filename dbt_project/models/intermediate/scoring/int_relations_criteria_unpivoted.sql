-- The raw value of every scoring criterion per relation, one row per relation and
-- criterion (docs/business-rules.md section 5). Unpivoted so that the marts join each value
-- to its weight and bands generically. The criteria and their expressions are listed in
-- macros/rules/scoring_criteria_values.sql: one `union all` branch per criterion is
-- generated from that list, so a new criterion is one more entry there plus rows in
-- seeds/scoring_criteria.csv and seeds/scoring_bands.csv, and no other SQL changes.
-- Every branch casts to the same numeric type so the union is stable across databases;
-- a value that cannot be known stays null and is scored with score_when_missing.
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

revenue as (

    select * from {{ ref('int_relations_revenue_windowed') }}

),

payment_behaviour as (

    select * from {{ ref('int_relations_payment_behaviour') }}

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

growth_potential as (

    select * from {{ ref('int_relations_growth_potential') }}

),

relation_facts as (

    select
        relations.relation_id,
        relations.estimated_annual_spend,
        relations.relationship_rating,
        revenue.revenue_12m,
        revenue.margin_12m,
        revenue.invoice_count_12m,
        revenue.average_order_value_12m,
        payment_behaviour.average_days_paid_late,
        payment_behaviour.overdue_open_amount,
        contact_history.two_way_contacts_window,
        contact_history.response_rate_window,
        growth_potential.growth_potential
    from relations
    inner join revenue
        on relations.relation_id = revenue.relation_id
    inner join payment_behaviour
        on relations.relation_id = payment_behaviour.relation_id
    inner join contact_history
        on relations.relation_id = contact_history.relation_id
    inner join growth_potential
        on relations.relation_id = growth_potential.relation_id

),

final as (

    {%- for criterion in scoring_criteria_values() %}

    select
        relation_id,
        '{{ criterion.criterion }}' as criterion,
        cast({{ criterion.value }} as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
