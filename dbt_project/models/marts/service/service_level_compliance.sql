-- What every customer with a service level actually got against what its level entitles
-- it to (docs/business-rules.md section 11): discounts on the invoice lines of the revenue
-- window, the agreed payment terms, and visits in the contact window.
with

service_levels as (

    select * from {{ ref('service_levels') }}
    where effective_level is not null

),

invoice_lines as (

    select * from {{ ref('int_invoice_lines_windowed') }}

),

erp_customers as (

    select * from {{ ref('int_erp_customers_linked') }}
    where relation_id is not null

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

lines_against_entitlement as (

    select
        invoice_lines.relation_id,
        invoice_lines.gross_amount,
        invoice_lines.discount_pct,
        -- Exactly at the maximum is within the entitlement.
        invoice_lines.discount_pct > service_levels.max_discount_pct as is_over_entitlement,
        -- Percentage points above the maximum (0 when within it).
        cast(
            case
                when invoice_lines.discount_pct > service_levels.max_discount_pct
                    then invoice_lines.discount_pct - service_levels.max_discount_pct
                else 0
            end as decimal(18, 2)
        ) as excess_points
    from invoice_lines
    inner join service_levels
        on invoice_lines.relation_id = service_levels.relation_id

),

discounts as (

    select
        relation_id,
        sum(gross_amount) as gross_revenue_12m,
        sum(gross_amount * discount_pct) as discounted_gross,
        count(*) as invoice_lines,
        sum(case when is_over_entitlement then 1 else 0 end) as lines_over_entitlement,
        -- gross x points, exact; the / 100 comes once, on the sum (below).
        sum(gross_amount * excess_points) as excess_points_gross
    from lines_against_entitlement
    group by relation_id

),

payment_terms as (

    -- A relation linked through several ERP customers gets the longest of their terms.
    select
        relation_id,
        max(payment_terms_days) as agreed_payment_terms_days
    from erp_customers
    group by relation_id

),

final as (

    select
        service_levels.relation_id,
        service_levels.relation_name,
        service_levels.account_manager_id,
        service_levels.region,
        service_levels.sector,
        service_levels.effective_level,
        service_levels.max_discount_pct,
        cast(coalesce(discounts.gross_revenue_12m, 0) as decimal(18, 2)) as gross_revenue_12m,
        cast(
            round(discounts.discounted_gross / nullif(discounts.gross_revenue_12m, 0), 2)
            as decimal(18, 2)
        ) as weighted_discount_pct,
        coalesce(discounts.invoice_lines, 0) as invoice_lines,
        coalesce(discounts.lines_over_entitlement, 0) as lines_over_entitlement,
        -- Multiplied by 0.01 rather than divided by 100: a decimal stays exact on every
        -- engine (DuckDB divides decimals in floating point).
        cast(
            coalesce(round(discounts.excess_points_gross * cast(0.01 as decimal(3, 2)), 2), 0)
            as decimal(18, 2)
        ) as excess_discount_eur,
        payment_terms.agreed_payment_terms_days,
        service_levels.payment_terms_days,
        coalesce(
            payment_terms.agreed_payment_terms_days > service_levels.payment_terms_days, false
        ) as terms_over_entitlement,
        coalesce(contact_history.visits_window, 0) as visits_last_12m,
        service_levels.visits_per_year,
        coalesce(contact_history.visits_window, 0) > service_levels.visits_per_year
            as visits_over_norm,
        coalesce(contact_history.visits_window, 0) < service_levels.visits_per_year
            as visits_under_norm,
        coalesce(discounts.lines_over_entitlement, 0) > 0
        or coalesce(
            payment_terms.agreed_payment_terms_days > service_levels.payment_terms_days, false
        ) as is_over_entitlement,
        service_levels.as_of_date
    from service_levels
    left join discounts
        on service_levels.relation_id = discounts.relation_id
    left join payment_terms
        on service_levels.relation_id = payment_terms.relation_id
    left join contact_history
        on service_levels.relation_id = contact_history.relation_id

)

select * from final
