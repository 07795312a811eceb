-- Revenue facts per relation at as_of, reused by kinds, ABC, pyramid, scoring and
-- service levels. Revenue counts credit notes negatively; "being a customer" counts
-- only documents of type invoice (docs/business-rules.md sections 1 and 2).
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

invoices as (

    select * from {{ ref('int_invoices_enriched') }}
    where relation_id is not null

),

windowed as (

    select
        relation_id,
        sum(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                then invoice_amount
            else 0
        end) as revenue_12m,
        sum(case when invoice_date > {{ months_before_as_of(2 * var('revenue_window_months')) }}
                and invoice_date <= {{ months_before_as_of(var('revenue_window_months')) }}
                then invoice_amount
            else 0
        end) as revenue_prior_12m,
        sum(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                then invoice_amount - cost_amount
            else 0
        end) as margin_12m,
        sum(case when invoice_date > {{ months_before_as_of(var('revenue_window_months')) }}
                and not is_credit_note then 1
            else 0
        end) as invoice_count_12m,
        min(case when not is_credit_note then invoice_date end) as first_invoice_date,
        max(case when not is_credit_note then invoice_date end) as last_invoice_date
    from invoices
    group by relation_id

),

final as (

    select
        relations.relation_id,
        coalesce(windowed.revenue_12m, 0) as revenue_12m,
        coalesce(windowed.revenue_prior_12m, 0) as revenue_prior_12m,
        coalesce(windowed.margin_12m, 0) as margin_12m,
        coalesce(windowed.invoice_count_12m, 0) as invoice_count_12m,
        case
            when windowed.invoice_count_12m > 0
                then windowed.revenue_12m / windowed.invoice_count_12m
        end as average_order_value_12m,
        windowed.first_invoice_date,
        windowed.last_invoice_date,
        windowed.last_invoice_date is not null as has_invoice
    from relations
    left join windowed
        on relations.relation_id = windowed.relation_id

)

select * from final
