-- The first level of segmentation: every relation is exactly one of active, inactive,
-- prospect or suspect at as_of (docs/business-rules.md section 2).
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

revenue as (

    select * from {{ ref('int_relations_revenue_windowed') }}

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

classified as (

    select
        relations.relation_id,
        relations.relation_name,
        relations.account_manager_id,
        salespeople.salesperson_name as account_manager_name,
        salespeople.region,
        relations.sector,
        relations.city,
        relations.country_code,
        revenue.last_invoice_date,
        revenue.revenue_12m,
        contact_history.has_two_way_contact,
        contact_history.last_two_way_contact_date,
        contact_history.has_open_opportunity,
        case
            when revenue.last_invoice_date > {{ months_before_as_of(var('inactive_after_months')) }}
                then 'active'
            when revenue.has_invoice
                then 'inactive'
            when contact_history.has_two_way_contact
                then 'prospect'
            else 'suspect'
        end as relation_kind,
        revenue.has_invoice
        and revenue.last_invoice_date <= {{ months_before_as_of(var('reactivate_after_months')) }}
            as needs_reactivation,
        case
            when revenue.has_invoice
                then {{ months_between_dates('revenue.last_invoice_date', as_of_date()) }}
        end as months_since_last_invoice
    from relations
    left join salespeople
        on relations.account_manager_id = salespeople.salesperson_id
    inner join revenue
        on relations.relation_id = revenue.relation_id
    inner join contact_history
        on relations.relation_id = contact_history.relation_id

),

final as (

    select
        relation_id,
        relation_name,
        relation_kind,
        relation_kind in ('active', 'inactive') as is_customer,
        last_invoice_date,
        months_since_last_invoice,
        needs_reactivation,
        relation_kind = 'prospect' and has_open_opportunity as is_lead,
        has_two_way_contact,
        last_two_way_contact_date,
        revenue_12m,
        account_manager_id,
        account_manager_name,
        region,
        sector,
        city,
        country_code,
        {{ as_of_date() }} as as_of_date
    from classified

)

select * from final
