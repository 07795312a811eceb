-- The compliance summary per salesperson and level adds up to the per-customer rows
-- (docs/business-rules.md section 11): in total, and per level. Returns the levels (or
-- 'all') whose totals differ.
with

service_level_compliance as (

    select * from {{ ref('service_level_compliance') }}

),

service_level_compliance_summary as (

    select * from {{ ref('service_level_compliance_summary') }}

),

per_customer as (

    select
        effective_level,
        count(*) as customers,
        sum(case when is_over_entitlement then 1 else 0 end) as customers_over_entitlement,
        sum(case when terms_over_entitlement then 1 else 0 end) as customers_over_terms,
        sum(invoice_lines) as invoice_lines,
        sum(lines_over_entitlement) as lines_over_entitlement,
        sum(gross_revenue_12m) as gross_revenue_12m,
        sum(excess_discount_eur) as excess_discount_eur
    from service_level_compliance
    group by effective_level

),

per_summary as (

    select
        effective_level,
        sum(customers) as customers,
        sum(customers_over_entitlement) as customers_over_entitlement,
        sum(customers_over_terms) as customers_over_terms,
        sum(invoice_lines) as invoice_lines,
        sum(lines_over_entitlement) as lines_over_entitlement,
        sum(gross_revenue_12m) as gross_revenue_12m,
        sum(excess_discount_eur) as excess_discount_eur
    from service_level_compliance_summary
    group by effective_level

),

final as (

    select coalesce(per_customer.effective_level, per_summary.effective_level) as effective_level
    from per_customer
    full outer join per_summary
        on per_customer.effective_level = per_summary.effective_level
    where per_customer.effective_level is null
        or per_summary.effective_level is null
        or per_customer.customers <> per_summary.customers
        or per_customer.customers_over_entitlement <> per_summary.customers_over_entitlement
        or per_customer.customers_over_terms <> per_summary.customers_over_terms
        or per_customer.invoice_lines <> per_summary.invoice_lines
        or per_customer.lines_over_entitlement <> per_summary.lines_over_entitlement
        or per_customer.gross_revenue_12m <> per_summary.gross_revenue_12m
        or per_customer.excess_discount_eur <> per_summary.excess_discount_eur

)

select * from final
