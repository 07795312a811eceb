-- Every planned visit lies on a Monday within the horizon, and week_number agrees with
-- week_start; visits over capacity sit in the last week. Priorities run 1..n per
-- salesperson without gaps (with unique (salesperson_id, priority) this proves no gaps).
{%- set horizon_weeks = planning_horizon_weeks() %}
with

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

calendar as (

    select {{ planning_first_week_start() }} as first_week_start

),

misplaced_visits as (

    select
        visit_plan.salesperson_id,
        visit_plan.relation_id,
        visit_plan.week_start,
        visit_plan.week_number,
        visit_plan.within_capacity,
        'week_start is not the Monday of week_number in the horizon' as failure
    from visit_plan
    cross join calendar
    where
        visit_plan.week_start
        <> {{ planning_add_days('7 * (visit_plan.week_number - 1)', 'calendar.first_week_start') }}
        or visit_plan.week_number < 1
        or visit_plan.week_number > {{ horizon_weeks }}
        or (not visit_plan.within_capacity and visit_plan.week_number <> {{ horizon_weeks }})

),

priority_gaps as (

    select
        salesperson_id,
        cast(null as {{ dbt.type_string() }}) as relation_id,
        cast(null as date) as week_start,
        cast(max(priority) as integer) as week_number,
        cast(null as boolean) as within_capacity,
        'priorities do not run 1..n' as failure
    from visit_plan
    group by salesperson_id
    having min(priority) <> 1 or max(priority) <> count(*)

),

failures as (

    select * from misplaced_visits
    union all
    select * from priority_gaps

)

select * from failures
