-- The raw value of every prospect-rating criterion per prospect, one row per prospect and
-- criterion (docs/business-rules.md section 5): only what is known before a first invoice.
-- The criteria and their expressions are listed in
-- macros/rules/prospect_scoring_criteria_values.sql, one `union all` branch each, cast to
-- one numeric type so the union is stable across databases.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where relation_kind = 'prospect'

),

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

prospect_facts as (

    -- Left joins: a prospect with no CRM details or no contact facts still gets a row per
    -- criterion, its unknown values null and its counts 0.
    select
        relation_kinds.relation_id,
        relations.estimated_annual_spend,
        relations.employee_count,
        coalesce(contact_history.two_way_contacts_window, 0) as two_way_contacts_window,
        contact_history.response_rate_window,
        coalesce(contact_history.open_opportunity_amount, 0) as open_quote_amount
    from relation_kinds
    left join relations
        on relation_kinds.relation_id = relations.relation_id
    left join contact_history
        on relation_kinds.relation_id = contact_history.relation_id

),

final as (

    {%- for criterion in prospect_scoring_criteria_values() %}

    select
        relation_id,
        '{{ criterion.criterion }}' as criterion,
        cast({{ criterion.value }} as {{ dbt.type_numeric() }}) as raw_value
    from prospect_facts
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
