-- ERP customers without a (known) CRM relation id whose KvK/KBO number, normalised, is
-- carried by more than one CRM relation: not linked to any of them
-- (docs/business-rules.md section 14). Record the CRM id in the ERP to link them.
with

customers as (

    select * from {{ ref('int_erp_customers_linked') }}
    where relation_id is null and has_ambiguous_kvk

),

relations as (

    select * from {{ ref('stg_crm__relations') }}
    where kvk_normalised is not null

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}

),

matching_relations as (

    select
        kvk_normalised,
        {{ sorted_string_agg('relation_id', ', ') }} as relation_ids
    from relations
    group by kvk_normalised

),

invoice_totals as (

    select
        customer_id,
        sum(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                then invoice_amount
            else 0
        end) as revenue_12m
    from invoices
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.crm_relation_id,
        customers.kvk_number,
        customers.kvk_normalised,
        customers.kvk_relation_count as relation_count,
        matching_relations.relation_ids,
        coalesce(invoice_totals.revenue_12m, 0) as revenue_12m
    from customers
    inner join matching_relations
        on customers.kvk_normalised = matching_relations.kvk_normalised
    left join invoice_totals
        on customers.customer_id = invoice_totals.customer_id

)

select * from final
