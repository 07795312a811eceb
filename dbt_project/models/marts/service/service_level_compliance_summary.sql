-- The margin given away beyond the service levels, per salesperson and level
-- (docs/business-rules.md section 11): totals of service_level_compliance. The column is
-- named salesperson_id so that a salesperson's dashboard sees only their own rows.
with

service_level_compliance as (

    select * from {{ ref('service_level_compliance') }}

),

summed as (

    select
        account_manager_id as salesperson_id,
        effective_level,
        count(*) as customers,
        sum(case when is_over_entitlement then 1 else 0 end) as customers_over_entitlement,
        sum(case when lines_over_entitlement > 0 then 1 else 0 end) as customers_over_discount,
        sum(case when terms_over_entitlement then 1 else 0 end) as customers_over_terms,
        sum(invoice_lines) as invoice_lines,
        sum(lines_over_entitlement) as lines_over_entitlement,
        cast(sum(gross_revenue_12m) as decimal(18, 2)) as gross_revenue_12m,
        cast(sum(excess_discount_eur) as decimal(18, 2)) as excess_discount_eur
    from service_level_compliance
    group by account_manager_id, effective_level

),

final as (

    select
        salesperson_id,
        effective_level,
        customers,
        customers_over_entitlement,
        customers_over_discount,
        customers_over_terms,
        invoice_lines,
        lines_over_entitlement,
        gross_revenue_12m,
        excess_discount_eur,
        cast(
            round(excess_discount_eur / nullif(gross_revenue_12m, 0), 6) as decimal(18, 6)
        ) as excess_share_of_gross
    from summed

)

select * from final
