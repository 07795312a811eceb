-- Visits each salesperson can make in each week of the plan (docs/business-rules.md
-- section 9): visits_per_week for a full week of five working days, in proportion for a
-- week with fewer, rounded down: floor(visits_per_week x working_days / 5). The days that
-- made the week shorter are counted by kind, so a planner sees why.

with

working_days as (

    select * from {{ ref('int_salespeople_working_days') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

weeks as (

    select
        salesperson_id,
        country_code,
        week_number,
        week_start,
        sum(case when day_status = 'working' then 1 else 0 end) as working_days,
        sum(case when day_status = 'holiday' then 1 else 0 end) as holiday_days,
        sum(case when day_status = 'closing' then 1 else 0 end) as closing_days,
        sum(case when day_status = 'absence' then 1 else 0 end) as absence_days
    from working_days
    group by salesperson_id, country_code, week_number, week_start

),

capacities as (

    select
        weeks.salesperson_id,
        salespeople.salesperson_name,
        weeks.country_code,
        weeks.week_number,
        weeks.week_start,
        cast(weeks.working_days as integer) as working_days,
        cast(weeks.holiday_days as integer) as holiday_days,
        cast(weeks.closing_days as integer) as closing_days,
        cast(weeks.absence_days as integer) as absence_days,
        coalesce(salespeople.visits_per_week, 0) as visits_per_week,
        cast(
            floor(coalesce(salespeople.visits_per_week, 0) * weeks.working_days / 5.0)
            as integer
        ) as visit_capacity
    from weeks
    inner join salespeople
        on weeks.salesperson_id = salespeople.salesperson_id

),

final as (

    select
        capacities.*,
        -- A week's visits are spread over its working days, at most this many a day.
        case
            when capacities.working_days > 0
                then cast(
                        ceil(capacities.visit_capacity * 1.0 / capacities.working_days)
                        as integer
                    )
            else 0
        end as max_visits_per_day,
        -- Visits the weeks up to and including this one can take: the roll-forward of
        -- visit_plan reads it.
        sum(capacities.visit_capacity) over (
            partition by capacities.salesperson_id
            order by capacities.week_number
            rows between unbounded preceding and current row
        ) as cumulative_visit_capacity,
        {{ as_of_date() }} as as_of_date
    from capacities

)

select * from final
