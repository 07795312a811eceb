-- The raw value of every scoring criterion per relation, one row per relation and
-- criterion (docs/business-rules.md section 5). Unpivoted so that the marts join each value to its
-- weight and bands generically: a new criterion is one more branch here plus rows in
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
        contact_history.response_rate_window
    from relations
    inner join revenue
        on relations.relation_id = revenue.relation_id
    inner join payment_behaviour
        on relations.relation_id = payment_behaviour.relation_id
    inner join contact_history
        on relations.relation_id = contact_history.relation_id

),

final as (

    -- buying: revenue in the window; credit notes can make it negative.
    select
        relation_id,
        'revenue_12m' as criterion,
        cast(revenue_12m as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- buying: number of orders (invoices, not credit notes) in the window.
    select
        relation_id,
        'invoice_count_12m' as criterion,
        cast(invoice_count_12m as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- buying: average order value; null without invoices in the window.
    select
        relation_id,
        'average_order_value_12m' as criterion,
        cast(average_order_value_12m as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- buying: share of wallet won. An unknown or zero estimate says nothing about the
    -- share, so it stays null rather than dividing by zero. Not capped at 1: buying more
    -- than the estimate means the estimate is low, and still the top band.
    select
        relation_id,
        'share_of_wallet' as criterion,
        cast(
            case
                when estimated_annual_spend > 0
                    then revenue_12m / estimated_annual_spend
            end as {{ dbt.type_numeric() }}
        ) as raw_value
    from relation_facts

    union all

    -- none: margin as a fraction of revenue (0.25 = 25%); meaningless without positive revenue.
    select
        relation_id,
        'margin_pct_12m' as criterion,
        cast(
            case
                when revenue_12m > 0
                    then margin_12m / revenue_12m
            end as {{ dbt.type_numeric() }}
        ) as raw_value
    from relation_facts

    union all

    -- none: the share of wallet still to win, never negative (same rule as service levels).
    select
        relation_id,
        'growth_potential' as criterion,
        cast(
            case
                when estimated_annual_spend is null then null
                when estimated_annual_spend > revenue_12m
                    then estimated_annual_spend - revenue_12m
                else 0
            end as {{ dbt.type_numeric() }}
        ) as raw_value
    from relation_facts

    union all

    -- none (payment behaviour): null when nothing was paid in the window.
    select
        relation_id,
        'average_days_paid_late' as criterion,
        cast(average_days_paid_late as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- none (payment behaviour): unpaid amount past its due date at as_of.
    select
        relation_id,
        'overdue_open_amount' as criterion,
        cast(overdue_open_amount as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- relationship: contact intensity, two-way contacts in the contact window.
    select
        relation_id,
        'two_way_contacts_window' as criterion,
        cast(two_way_contacts_window as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- relationship: responsiveness; null when no campaign was sent in the window.
    select
        relation_id,
        'response_rate_window' as criterion,
        cast(response_rate_window as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

    union all

    -- relationship: the account manager's rating 1-5; null when not rated.
    select
        relation_id,
        'relationship_rating' as criterion,
        cast(relationship_rating as {{ dbt.type_numeric() }}) as raw_value
    from relation_facts

)

select * from final
