-- Payment behaviour per relation at as_of: how late invoices were paid in the revenue
-- window, and how much is overdue and still open. Payments after as_of do not count.
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}
    where relation_id is not null and not is_credit_note

),

payments as (

    select * from {{ ref('stg_erp__payments') }}
    where paid_date <= {{ as_of_date() }}

),

paid_per_invoice as (

    select
        invoice_id,
        sum(paid_amount) as paid_amount,
        max(paid_date) as last_paid_date
    from payments
    group by invoice_id

),

invoice_status as (

    select
        invoices.relation_id,
        invoices.invoice_id,
        invoices.invoice_date,
        invoices.due_date,
        invoices.invoice_amount,
        coalesce(paid_per_invoice.paid_amount, 0) as paid_amount,
        paid_per_invoice.last_paid_date,
        case
            when invoices.due_date is not null and paid_per_invoice.last_paid_date is not null
                then greatest(
                        {{ dbt.datediff(
                            'invoices.due_date', 'paid_per_invoice.last_paid_date', 'day'
                        ) }},
                        0
                    )
        end as days_paid_late
    from invoices
    left join paid_per_invoice
        on invoices.invoice_id = paid_per_invoice.invoice_id

),

per_relation as (

    select
        relation_id,
        avg(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                then days_paid_late
        end) as average_days_paid_late,
        sum(case when due_date < {{ as_of_date() }} and invoice_amount > paid_amount
                then invoice_amount - paid_amount
            else 0
        end) as overdue_open_amount,
        sum(case when due_date < {{ as_of_date() }} and invoice_amount > paid_amount
                then 1
            else 0
        end) as overdue_invoice_count
    from invoice_status
    group by relation_id

),

final as (

    select
        relations.relation_id,
        per_relation.average_days_paid_late,
        coalesce(per_relation.overdue_open_amount, 0) as overdue_open_amount,
        coalesce(per_relation.overdue_invoice_count, 0) as overdue_invoice_count
    from relations
    left join per_relation
        on relations.relation_id = per_relation.relation_id

)

select * from final
