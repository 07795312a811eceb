-- Portfolio counts add up: the kinds make up relation_count, the pyramid levels of the
-- active customers make up active_count, and every count matches relation_kinds,
-- customer_pyramid and visit_plan per account manager. Every salesperson has a row.
with

portfolio as (

    select * from {{ ref('salesperson_portfolio') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

kind_counts as (

    select
        account_manager_id as salesperson_id,
        count(*) as relation_count,
        sum(case when relation_kind = 'active' then 1 else 0 end) as active_count,
        sum(case when relation_kind = 'inactive' then 1 else 0 end) as inactive_count,
        sum(case when relation_kind = 'prospect' then 1 else 0 end) as prospect_count,
        sum(case when relation_kind = 'suspect' then 1 else 0 end) as suspect_count
    from relation_kinds
    where account_manager_id is not null
    group by account_manager_id

),

visit_counts as (

    select
        salesperson_id,
        count(*) as visit_count
    from visit_plan
    group by salesperson_id

),

compared as (

    select
        salespeople.salesperson_id,
        portfolio.salesperson_id as portfolio_salesperson_id,
        portfolio.relation_count,
        portfolio.active_count,
        portfolio.inactive_count,
        portfolio.prospect_count,
        portfolio.suspect_count,
        portfolio.top_count + portfolio.large_count + portfolio.medium_count
        + portfolio.small_count as pyramid_customer_count,
        portfolio.visits_planned + portfolio.visits_over_capacity as portfolio_visit_count,
        coalesce(kind_counts.relation_count, 0) as expected_relation_count,
        coalesce(kind_counts.active_count, 0) as expected_active_count,
        coalesce(kind_counts.inactive_count, 0) as expected_inactive_count,
        coalesce(kind_counts.prospect_count, 0) as expected_prospect_count,
        coalesce(kind_counts.suspect_count, 0) as expected_suspect_count,
        coalesce(visit_counts.visit_count, 0) as expected_visit_count
    from salespeople
    left join portfolio
        on salespeople.salesperson_id = portfolio.salesperson_id
    left join kind_counts
        on salespeople.salesperson_id = kind_counts.salesperson_id
    left join visit_counts
        on salespeople.salesperson_id = visit_counts.salesperson_id

)

select *
from compared
where
    portfolio_salesperson_id is null
    or active_count + inactive_count + prospect_count + suspect_count <> relation_count
    or relation_count <> expected_relation_count
    or active_count <> expected_active_count
    or inactive_count <> expected_inactive_count
    or prospect_count <> expected_prospect_count
    or suspect_count <> expected_suspect_count
    or pyramid_customer_count <> active_count
    or portfolio_visit_count <> expected_visit_count
