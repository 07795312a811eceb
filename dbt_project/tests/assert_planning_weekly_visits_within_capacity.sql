-- No salesperson has more visits within capacity in one week than visits_per_week, and
-- every visit over capacity ranks after all visits within capacity: capacity is filled in
-- priority order, never skipped.
with

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

weekly_load as (

    select
        salesperson_id,
        week_start,
        count(*) as visits_in_week
    from visit_plan
    where within_capacity
    group by salesperson_id, week_start

),

overloaded_weeks as (

    select
        weekly_load.salesperson_id,
        weekly_load.week_start,
        weekly_load.visits_in_week,
        coalesce(salespeople.visits_per_week, 0) as visits_per_week,
        'more visits in the week than visits_per_week' as failure
    from weekly_load
    left join salespeople
        on weekly_load.salesperson_id = salespeople.salesperson_id
    where weekly_load.visits_in_week > coalesce(salespeople.visits_per_week, 0)

),

priority_bounds as (

    select
        salesperson_id,
        max(case when within_capacity then priority end) as last_within_priority,
        min(case when not within_capacity then priority end) as first_over_priority
    from visit_plan
    group by salesperson_id

),

skipped_capacity as (

    select
        salesperson_id,
        cast(null as date) as week_start,
        last_within_priority as visits_in_week,
        first_over_priority as visits_per_week,
        'a visit over capacity ranks before a visit within capacity' as failure
    from priority_bounds
    where first_over_priority < last_within_priority

),

failures as (

    select * from overloaded_weeks
    union all
    select * from skipped_capacity

)

select * from failures
