-- No salesperson has more visits planned in a week than that week's visit_capacity
-- (marts.visit_capacity: holidays, closing days and absences taken off), a visit is within
-- capacity exactly when it has a planned week, and every planned week is a week of the
-- salesperson's capacity.
with

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

visit_capacity as (

    select * from {{ ref('visit_capacity') }}

),

weekly_load as (

    select
        salesperson_id,
        week_number,
        count(*) as visits_in_week
    from visit_plan
    where week_number is not null
    group by salesperson_id, week_number

),

overloaded_weeks as (

    select
        weekly_load.salesperson_id,
        weekly_load.week_number,
        weekly_load.visits_in_week,
        visit_capacity.visit_capacity,
        'more visits in the week than its visit_capacity (or no such week)' as failure
    from weekly_load
    left join visit_capacity
        on weekly_load.salesperson_id = visit_capacity.salesperson_id
            and weekly_load.week_number = visit_capacity.week_number
    where visit_capacity.week_number is null
        or weekly_load.visits_in_week > visit_capacity.visit_capacity

),

inconsistent_visits as (

    select
        salesperson_id,
        week_number,
        cast(priority as {{ dbt.type_bigint() }}) as visits_in_week,
        cast(null as integer) as visit_capacity,
        'within_capacity does not match having a planned week' as failure
    from visit_plan
    where within_capacity <> (week_number is not null)
        or (week_start is null) <> (week_number is null)

),

failures as (

    select * from overloaded_weeks
    union all
    select * from inconsistent_visits

)

select * from failures
