-- customer_profitability.revenue_12m equals customer_abc.revenue_12m for every customer
-- with revenue (docs/business-rules.md section 16): a customer in the ABC analysis missing
-- from the profitability mart, one with revenue missing from the ABC analysis, or one whose
-- revenue differs. Returns those relations.
with

customer_abc as (

    select * from {{ ref('customer_abc') }}

),

customer_profitability as (

    select * from {{ ref('customer_profitability') }}

),

compared as (

    select
        coalesce(customer_abc.relation_id, customer_profitability.relation_id) as relation_id,
        customer_abc.revenue_12m as abc_revenue_12m,
        customer_profitability.revenue_12m as profitability_revenue_12m
    from customer_abc
    full outer join customer_profitability
        on customer_abc.relation_id = customer_profitability.relation_id

),

final as (

    select *
    from compared
    where (abc_revenue_12m is not null or profitability_revenue_12m > 0)
        and (
            abc_revenue_12m is null
            or profitability_revenue_12m is null
            or abc_revenue_12m <> profitability_revenue_12m
        )

)

select * from final
