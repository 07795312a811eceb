-- Every weekday of the visit plan's horizon per salesperson, and whether it is a working
-- day (docs/business-rules.md section 9): Monday to Friday minus the public holidays of
-- the salesperson's country, the company's closing days and the salesperson's absences.
-- A day that is more than one of those counts once, in that order (a holiday on which the
-- salesperson was also booked absent is a holiday).
{%- set horizon_weeks = planning_horizon_weeks() %}
{%- set first_week_start = planning_first_week_start() %}

with

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

absences as (

    select * from {{ ref('stg_crm__absences') }}

),

public_holidays as (

    select * from {{ ref('stg_calendars__public_holidays') }}

),

company_closing_days as (

    select * from {{ ref('company_closing_days') }}

),

horizon_days as (

    -- Weekdays only: a week's day offsets 0 (Monday) to 4 (Friday).
    select
        weeks.n + 1 as week_number,
        {{ planning_add_days('7 * weeks.n', first_week_start) }} as week_start,
        {{ planning_add_days('7 * weeks.n + weekdays.n', first_week_start) }} as work_date
    from {{ planning_integer_series(horizon_weeks) }} as weeks
    cross join {{ planning_integer_series(5) }} as weekdays

),

salesperson_countries as (

    select
        salesperson_id,
        coalesce(country_code, '{{ var("default_country") }}') as country_code
    from salespeople

),

holiday_dates as (

    select distinct
        country_code,
        holiday_date
    from public_holidays

),

closing_dates as (

    select distinct closing_date
    from company_closing_days

),

absence_dates as (

    -- Absences overlap when exported twice: a day away is one day.
    select distinct
        absences.salesperson_id,
        horizon_days.work_date
    from absences
    inner join horizon_days
        on absences.absence_start_date <= horizon_days.work_date
            and absences.absence_end_date >= horizon_days.work_date

),

salesperson_days as (

    select
        salesperson_countries.salesperson_id,
        salesperson_countries.country_code,
        horizon_days.week_number,
        horizon_days.week_start,
        horizon_days.work_date,
        case
            when holiday_dates.holiday_date is not null then 'holiday'
            when closing_dates.closing_date is not null then 'closing'
            when absence_dates.work_date is not null then 'absence'
            else 'working'
        end as day_status,
        holiday_dates.holiday_date is null
        and closing_dates.closing_date is null
        and absence_dates.work_date is null as is_working_day
    from salesperson_countries
    cross join horizon_days
    left join holiday_dates
        on salesperson_countries.country_code = holiday_dates.country_code
            and horizon_days.work_date = holiday_dates.holiday_date
    left join closing_dates
        on horizon_days.work_date = closing_dates.closing_date
    left join absence_dates
        on salesperson_countries.salesperson_id = absence_dates.salesperson_id
            and horizon_days.work_date = absence_dates.work_date

),

final as (

    select
        salesperson_days.*,
        -- The n-th working day of the salesperson's week; empty on a day off.
        case
            when salesperson_days.is_working_day
                then sum(case when salesperson_days.is_working_day then 1 else 0 end) over (
                        partition by salesperson_days.salesperson_id, salesperson_days.week_number
                        order by salesperson_days.work_date
                        rows between unbounded preceding and current row
                    )
        end as working_day_number
    from salesperson_days

)

select * from final
