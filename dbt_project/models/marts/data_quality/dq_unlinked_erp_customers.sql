-- ERP customers that link to no CRM relation: their revenue is in no segment until a
-- CRM id or a matching KvK number is recorded.
with

customers as (

    select * from {{ ref('int_erp_customers_linked') }}
    where relation_id is null

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}

),

invoice_totals as (

    select
        customer_id,
        count(*) as invoice_count,
        sum(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                then invoice_amount
            else 0
        end) as revenue_12m,
        max(invoice_date) as last_invoice_date
    from invoices
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.crm_relation_id,
        customers.kvk_number,
        case
            when customers.has_ambiguous_kvk and customers.crm_relation_id is not null
                then 'CRM relation id unknown in the CRM, KvK number of several relations'
            when customers.has_ambiguous_kvk
                then 'no CRM relation id, KvK number of several relations'
            when customers.kvk_number is not null and customers.kvk_normalised is null
                and customers.crm_relation_id is not null
                then 'CRM relation id unknown in the CRM, KvK number not 8 or 10 digits'
            when customers.kvk_number is not null and customers.kvk_normalised is null
                then 'no CRM relation id, KvK number not 8 or 10 digits'
            when customers.crm_relation_id is not null
                then 'CRM relation id unknown in the CRM, no relation with this KvK number'
            when customers.kvk_number is not null
                then 'no CRM relation id, no relation with this KvK number'
            else 'no CRM relation id and no KvK number'
        end as reason,
        coalesce(invoice_totals.invoice_count, 0) as invoice_count,
        coalesce(invoice_totals.revenue_12m, 0) as revenue_12m,
        invoice_totals.last_invoice_date
    from customers
    left join invoice_totals
        on customers.customer_id = invoice_totals.customer_id

)

select * from final
