-- The invoice lines that show what a customer was actually given (docs/business-rules.md
-- section 11): lines of documents of type invoice (credit notes left out), of ERP
-- customers linked to a relation, dated in the revenue window (as_of - N months, as_of].
-- The gross amount is quantity x unit_price, before discount.
with

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}
    where relation_id is not null
        and not is_credit_note
        and invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
        and invoice_date <= {{ as_of_date() }}

),

windowed as (

    select
        invoice_lines.invoice_id,
        invoice_lines.line_number,
        invoices.relation_id,
        invoices.customer_id,
        invoices.invoice_date,
        invoice_lines.quantity,
        invoice_lines.unit_price,
        -- An empty discount is no discount; an empty quantity or price gives no gross.
        coalesce(invoice_lines.discount_pct, 0) as discount_pct,
        cast(
            coalesce(invoice_lines.quantity * invoice_lines.unit_price, 0) as decimal(28, 4)
        ) as gross_amount
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id

)

select * from windowed
