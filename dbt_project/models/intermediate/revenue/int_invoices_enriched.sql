-- Invoice headers with their amounts and the relation they belong to. Documents dated
-- after as_of are left out: a past as_of shows the world as it was.
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

customers as (

    select * from {{ ref('int_erp_customers_linked') }}

),

line_totals as (

    select
        invoice_id,
        sum(amount_excl_vat) as invoice_amount,
        sum(cost_amount) as cost_amount,
        count(*) as line_count
    from invoice_lines
    group by invoice_id

),

enriched as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        customers.relation_id,
        invoices.invoice_type,
        invoices.invoice_date,
        invoices.due_date,
        coalesce(line_totals.invoice_amount, 0) as invoice_amount,
        coalesce(line_totals.cost_amount, 0) as cost_amount,
        coalesce(line_totals.line_count, 0) as line_count,
        invoices.invoice_type = 'credit_note' as is_credit_note
    from invoices
    left join line_totals
        on invoices.invoice_id = line_totals.invoice_id
    left join customers
        on invoices.customer_id = customers.customer_id
    where invoices.invoice_date <= {{ as_of_date() }}

)

select * from enriched
