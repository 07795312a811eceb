-- Every visit planned in a week has a planned_date on a working day of the salesperson
-- in that week (not a weekend, holiday of its country, closing day or absence), a visit
-- over capacity has none, and no day has more visits than the week's max_visits_per_day.
with

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

working_days as (

    select * from {{ ref('int_salespeople_working_days') }}

),

visit_capacity as (

    select * from {{ ref('visit_capacity') }}

),

misdated_visits as (

    select
        visit_plan.salesperson_id,
        visit_plan.planned_date,
        'planned_date missing, or not a working day of the planned week' as failure
    from visit_plan
    left join working_days
        on visit_plan.salesperson_id = working_days.salesperson_id
            and visit_plan.planned_date = working_days.work_date
    where
        (visit_plan.week_number is null and visit_plan.planned_date is not null)
        or (
            visit_plan.week_number is not null
            and (
                working_days.work_date is null
                or not working_days.is_working_day
                or working_days.week_number <> visit_plan.week_number
            )
        )

),

daily_load as (

    select
        salesperson_id,
        week_number,
        planned_date,
        count(*) as visits_on_day
    from visit_plan
    where planned_date is not null
    group by salesperson_id, week_number, planned_date

),

crowded_days as (

    select
        daily_load.salesperson_id,
        daily_load.planned_date,
        'more visits on the day than max_visits_per_day' as failure
    from daily_load
    inner join visit_capacity
        on daily_load.salesperson_id = visit_capacity.salesperson_id
            and daily_load.week_number = visit_capacity.week_number
    where daily_load.visits_on_day > visit_capacity.max_visits_per_day

),

failures as (

    select * from misdated_visits
    union all
    select * from crowded_days

)

select * from failures
