-- Every planned visit lies on a Monday within the horizon and week_number agrees with
-- week_start; release_week_start agrees with release_week_number the same way; a due visit
-- is released in the week holding its due date, every other visit in the first week.
-- Priorities run 1..n per salesperson without gaps (with unique (salesperson_id,
-- priority) this proves no gaps).
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
        visit_plan.week_number,
        'week_start or release_week_start is not the Monday of its week in the horizon'
            as failure
    from visit_plan
    cross join calendar
    where
        visit_plan.week_start
        <> {{ planning_add_days('7 * (visit_plan.week_number - 1)', 'calendar.first_week_start') }}
        or visit_plan.week_number < 1
        or visit_plan.week_number > {{ horizon_weeks }}
        or visit_plan.release_week_start <> {{ planning_add_days(
            '7 * (visit_plan.release_week_number - 1)', 'calendar.first_week_start'
        ) }}
        or visit_plan.release_week_number < 1
        or visit_plan.release_week_number > {{ horizon_weeks }}

),

misreleased_visits as (

    select
        visit_plan.salesperson_id,
        visit_plan.relation_id,
        visit_plan.release_week_number as week_number,
        'released in another week than the one holding its due date (due) or the first'
            as failure
    from visit_plan
    cross join calendar
    where
        (
            visit_plan.reason = 'due'
            and (
                visit_plan.next_due_date < visit_plan.release_week_start
                or visit_plan.next_due_date
                > {{ planning_add_days(6, 'visit_plan.release_week_start') }}
            )
        )
        or (visit_plan.reason <> 'due' and visit_plan.release_week_number <> 1)

),

priority_gaps as (

    select
        salesperson_id,
        cast(null as {{ dbt.type_string() }}) as relation_id,
        cast(max(priority) as integer) as week_number,
        'priorities do not run 1..n' as failure
    from visit_plan
    group by salesperson_id
    having min(priority) <> 1 or max(priority) <> count(*)

),

failures as (

    select * from misplaced_visits
    union all
    select * from misreleased_visits
    union all
    select * from priority_gaps

)

select * from failures
