-- Cost price per relation over the revenue window (docs/business-rules.md section 16):
-- the cost_amount of the same invoice and credit-note lines revenue_12m sums (credit-note
-- lines carry a negative cost). cost_amount is an optional column of erp/invoice_lines: a
-- line without it counts as cost 0 and is counted, so the margin of such a customer is
-- shown as incomplete instead of silently too high.
with

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}
    where relation_id is not null
        and invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}

),

windowed as (

    select
        invoices.relation_id,
        sum(coalesce(invoice_lines.cost_amount, 0)) as cost_12m,
        cast(count(*) as {{ dbt.type_bigint() }}) as invoice_lines_12m,
        cast(
            sum(case when invoice_lines.cost_amount is null then 1 else 0 end)
            as {{ dbt.type_bigint() }}
        ) as lines_without_cost_12m
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    group by invoices.relation_id

)

select * from windowed
