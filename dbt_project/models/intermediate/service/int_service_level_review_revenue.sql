-- Revenue around each half-yearly review per relation (docs/business-rules.md section 12):
-- the level the relation was assigned in the review (a later override for that period
-- replaces the frozen one, as in service_levels), and its revenue in the
-- `results_before_months` months before the review date, [review_date - N months,
-- review_date), and since the review date, [review_date, as_of].
with

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

service_level_overrides as (

    select * from {{ ref('int_service_level_overrides') }}

),

invoices as (

    -- Revenue as in section 1: credit notes count negatively; nothing after as_of.
    select * from {{ ref('int_invoices_enriched') }}
    where relation_id is not null
        and invoice_date <= {{ as_of_date() }}

),

reviews as (

    select
        service_level_reviews.relation_id,
        service_level_reviews.review_period,
        coalesce(service_level_overrides.level, service_level_reviews.assigned_level)
            as assigned_level,
        service_level_reviews.account_manager_id,
        -- YYYY-H1 is reviewed on 1 January, YYYY-H2 on 1 July.
        cast(
            {{ dbt.concat([
                "substring(service_level_reviews.review_period, 1, 4)",
                "case when " ~ dbt.right("service_level_reviews.review_period", "1")
                ~ " = '1' then '-01-01' else '-07-01' end",
            ]) }} as date
        ) as review_date
    from service_level_reviews
    left join service_level_overrides
        on service_level_reviews.relation_id = service_level_overrides.relation_id
            and service_level_reviews.review_period = service_level_overrides.review_period

),

windows as (

    select
        relation_id,
        review_period,
        assigned_level,
        account_manager_id,
        review_date,
        cast(
            {{ dbt.dateadd('month', -1 * (var('results_before_months') | int), 'review_date') }}
            as date
        ) as before_start_date
    from reviews

),

revenue as (

    select
        windows.relation_id,
        windows.review_period,
        sum(case when invoices.invoice_date >= windows.before_start_date
                and invoices.invoice_date < windows.review_date
                then invoices.invoice_amount
            else 0
        end) as revenue_before_review,
        sum(case when invoices.invoice_date >= windows.review_date
                then invoices.invoice_amount
            else 0
        end) as revenue_since_review
    from windows
    inner join invoices
        on windows.relation_id = invoices.relation_id
    group by windows.relation_id, windows.review_period

),

final as (

    select
        windows.relation_id,
        windows.review_period,
        windows.assigned_level,
        windows.account_manager_id,
        windows.review_date,
        windows.before_start_date,
        cast(coalesce(revenue.revenue_before_review, 0) as decimal(18, 2))
            as revenue_before_review,
        cast(coalesce(revenue.revenue_since_review, 0) as decimal(18, 2))
            as revenue_since_review
    from windows
    left join revenue
        on windows.relation_id = revenue.relation_id
            and windows.review_period = revenue.review_period

)

select * from final
