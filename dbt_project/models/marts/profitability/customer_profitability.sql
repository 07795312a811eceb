-- Customers who cost more than they bring (docs/business-rules.md section 16), one row
-- per customer (relation_kind active or inactive) over the revenue window:
-- gross margin = revenue_12m - cost_12m; cost to serve = visits x var cost_per_visit +
-- the excess discount of section 11 (service_level_compliance); contribution = gross
-- margin - cost to serve; unprofitable when the contribution is below zero.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where is_customer

),

revenue as (

    select * from {{ ref('int_relations_revenue_windowed') }}

),

cost as (

    select * from {{ ref('int_relations_cost_windowed') }}

),

customer_pyramid as (

    select * from {{ ref('customer_pyramid') }}

),

compliance as (

    select * from {{ ref('service_level_compliance') }}

),

visits as (

    select
        relation_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as visits_12m
    from {{ ref('stg_crm__activities') }}
    where activity_type = 'visit'
        and occurred_date > {{ months_before_as_of(var('revenue_window_months')) }}
        and occurred_date <= {{ as_of_date() }}
    group by relation_id

),

amounts as (

    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.relation_kind,
        customer_pyramid.pyramid_level,
        customer_pyramid.pyramid_level_order,
        compliance.effective_level,
        relation_kinds.account_manager_id,
        relation_kinds.account_manager_name,
        relation_kinds.region,
        relation_kinds.sector,
        cast(revenue.revenue_12m as decimal(18, 2)) as revenue_12m,
        cast(coalesce(cost.cost_12m, 0) as decimal(18, 2)) as cost_12m,
        coalesce(cost.invoice_lines_12m, 0) as invoice_lines_12m,
        coalesce(cost.lines_without_cost_12m, 0) as lines_without_cost_12m,
        coalesce(visits.visits_12m, 0) as visits_12m,
        cast({{ var('cost_per_visit') }} as decimal(18, 2)) as cost_per_visit,
        cast(coalesce(compliance.excess_discount_eur, 0) as decimal(18, 2))
            as excess_discount_eur
    from relation_kinds
    inner join revenue
        on relation_kinds.relation_id = revenue.relation_id
    left join cost
        on relation_kinds.relation_id = cost.relation_id
    left join customer_pyramid
        on relation_kinds.relation_id = customer_pyramid.relation_id
    left join compliance
        on relation_kinds.relation_id = compliance.relation_id
    left join visits
        on relation_kinds.relation_id = visits.relation_id

),

costed as (

    select
        *,
        cast(revenue_12m - cost_12m as decimal(18, 2)) as gross_margin_12m,
        cast(visits_12m * cost_per_visit as decimal(18, 2)) as visit_cost_12m
    from amounts

),

served as (

    select
        *,
        cast(visit_cost_12m + excess_discount_eur as decimal(18, 2)) as cost_to_serve
    from costed

),

final as (

    select
        relation_id,
        relation_name,
        relation_kind,
        pyramid_level,
        pyramid_level_order,
        effective_level,
        account_manager_id,
        account_manager_name,
        region,
        sector,
        revenue_12m,
        cost_12m,
        gross_margin_12m,
        invoice_lines_12m,
        lines_without_cost_12m,
        lines_without_cost_12m = 0 as has_complete_cost,
        visits_12m,
        cost_per_visit,
        visit_cost_12m,
        excess_discount_eur,
        cost_to_serve,
        cast(gross_margin_12m - cost_to_serve as decimal(18, 2)) as contribution,
        gross_margin_12m - cost_to_serve < 0 as is_unprofitable,
        {{ as_of_date() }} as as_of_date
    from served

)

select * from final
