-- The week-by-week rule of the visit plan, checked per salesperson and week w of
-- marts.visit_capacity: no visit is planned before its release week; the visits released
-- by w and not planned by w (planned later or over capacity) all rank after every visit
-- planned in w (a higher-priority visit is never passed over); and a week with spare
-- capacity leaves no released visit unplanned. One row per visit and week: linear.
with

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

visit_capacity as (

    select * from {{ ref('visit_capacity') }}

),

early_visits as (

    select
        salesperson_id,
        week_number,
        'planned before its release week' as failure
    from visit_plan
    where week_number < release_week_number

),

visit_weeks as (

    select
        visit_capacity.salesperson_id,
        visit_capacity.week_number,
        visit_capacity.visit_capacity,
        visit_plan.priority,
        visit_plan.week_number = visit_capacity.week_number as is_planned_this_week,
        visit_plan.release_week_number <= visit_capacity.week_number
        and (
            visit_plan.week_number is null
            or visit_plan.week_number > visit_capacity.week_number
        ) as is_waiting
    from visit_capacity
    inner join visit_plan
        on visit_capacity.salesperson_id = visit_plan.salesperson_id

),

weeks as (

    select
        salesperson_id,
        week_number,
        max(visit_capacity) as visit_capacity,
        sum(case when is_planned_this_week then 1 else 0 end) as planned_visits,
        max(case when is_planned_this_week then priority end) as last_planned_priority,
        min(case when is_waiting then priority end) as first_waiting_priority
    from visit_weeks
    group by salesperson_id, week_number

),

unfair_weeks as (

    select
        salesperson_id,
        week_number,
        'a visit released and waiting ranks before a visit planned in the week' as failure
    from weeks
    where first_waiting_priority < last_planned_priority

),

idle_weeks as (

    select
        salesperson_id,
        week_number,
        'spare capacity while a released visit waits' as failure
    from weeks
    where planned_visits < visit_capacity
        and first_waiting_priority is not null

),

failures as (

    select * from early_visits
    union all
    select * from unfair_weeks
    union all
    select * from idle_weeks

)

select * from failures
