-- The visit plan per salesperson for the coming weeks (docs/business-rules.md section 9):
-- customers due or overdue by the visit norm of their service level, customers to win back
-- (unless their reactivation is postponed), and prospects to follow up; ordered by service
-- level first, released in the week they fall due, poured week by week into each
-- salesperson's capacity (marts.visit_capacity) and given a working day, grouped by
-- postcode area. What never fits stays in the plan, marked over capacity, so management
-- sees the shortfall instead of losing it.
{%- set horizon_weeks = planning_horizon_weeks() %}
{%- set first_week_start = planning_first_week_start() %}

with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

contact_history as (

    select * from {{ ref('int_relations_contact_history') }}

),

service_levels as (

    select * from {{ ref('service_levels') }}

),

service_level_capacities as (

    select * from {{ ref('service_level_capacities') }}

),

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

postponements as (

    select * from {{ ref('int_reactivation_postponements') }}

),

visit_reason_priorities as (

    select * from {{ ref('visit_reason_priorities') }}

),

visit_priority_groups as (

    select * from {{ ref('visit_priority_groups') }}

),

visit_capacity as (

    select * from {{ ref('visit_capacity') }}

),

prospect_scores as (

    select * from {{ ref('prospect_scores') }}

),

working_days as (

    select * from {{ ref('int_salespeople_working_days') }}

),

calendar as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ first_week_start }} as first_week_start,
        {{ planning_add_days(7 * (horizon_weeks | int) - 1, first_week_start) }}
            as horizon_end_date,
        {{ horizon_weeks }} as horizon_weeks,
        -- A prospect contacted on this day is exactly prospect_follow_up_days ago: not yet
        -- older than the limit, so only contact before it calls for a follow-up.
        {{ planning_add_days(-1 * (var('prospect_follow_up_days') | int), as_of_date()) }}
            as follow_up_contact_before

),

assigned_relations as (

    -- Only relations whose account manager is a known salesperson can be planned; the
    -- others are listed in dq_relations_without_salesperson.
    select
        relation_kinds.relation_id,
        relation_kinds.relation_name,
        relation_kinds.relation_kind,
        relation_kinds.needs_reactivation,
        relation_kinds.is_lead,
        relation_kinds.last_two_way_contact_date,
        relation_kinds.revenue_12m,
        -- The first two characters of the postcode (the digits of NL 1234 AB and BE 1000):
        -- visits of one area go on one day.
        substring(trim(relations.postcode), 1, 2) as postcode_area,
        salespeople.salesperson_id,
        salespeople.salesperson_name,
        coalesce(salespeople.visits_per_week, 0) as visits_per_week
    from relation_kinds
    inner join salespeople
        on relation_kinds.account_manager_id = salespeople.salesperson_id
    left join relations
        on relation_kinds.relation_id = relations.relation_id

),

customer_levels as (

    -- The level a customer is served at drives its norm: assigned at the last review,
    -- else tonight's proposal. A customer without a level has no norm to plan by.
    select
        assigned_relations.*,
        coalesce(service_levels.assigned_level, service_levels.proposed_level) as service_level,
        contact_history.last_visit_date
    from assigned_relations
    inner join service_levels
        on assigned_relations.relation_id = service_levels.relation_id
    left join contact_history
        on assigned_relations.relation_id = contact_history.relation_id
    where assigned_relations.relation_kind in ('active', 'inactive')

),

customer_norms as (

    -- 365 / visits_per_year is rounded down to whole days, so a customer gets at least
    -- its norm of visits a year; a level with no visits per year has no norm (no due date).
    select
        customer_levels.*,
        case
            when service_level_capacities.visits_per_year > 0
                then cast(floor(365.0 / service_level_capacities.visits_per_year) as integer)
        end as visit_interval_days
    from customer_levels
    left join service_level_capacities
        on customer_levels.service_level = service_level_capacities.service_level

),

customer_due_dates as (

    -- Never visited means due now: the visit has been owed since as_of.
    select
        customer_norms.*,
        case
            when customer_norms.visit_interval_days is null then null
            when customer_norms.last_visit_date is null then calendar.as_of_date
            else {{ planning_add_days(
                'customer_norms.visit_interval_days', 'customer_norms.last_visit_date'
            ) }}
        end as next_due_date
    from customer_norms
    cross join calendar

),

customer_candidates as (

    -- Reactivation wins: for a customer gone quiet the visit is about winning it back,
    -- whatever its visit norm says. Overdue means due before the plan's first Monday.
    select
        customer_due_dates.salesperson_id,
        customer_due_dates.salesperson_name,
        customer_due_dates.visits_per_week,
        customer_due_dates.relation_id,
        customer_due_dates.relation_name,
        customer_due_dates.relation_kind,
        customer_due_dates.is_lead,
        customer_due_dates.needs_reactivation,
        customer_due_dates.service_level,
        customer_due_dates.last_visit_date,
        customer_due_dates.visit_interval_days,
        customer_due_dates.next_due_date,
        case
            when customer_due_dates.next_due_date < calendar.first_week_start
                then {{ dbt.datediff(
                    'customer_due_dates.next_due_date', 'calendar.first_week_start', 'day'
                ) }}
            when customer_due_dates.next_due_date is not null then 0
        end as days_overdue,
        customer_due_dates.last_two_way_contact_date,
        customer_due_dates.revenue_12m,
        cast(null as {{ dbt.type_numeric() }}) as prospect_score,
        customer_due_dates.postcode_area,
        case
            -- A postponed reactivation is no candidate at all until its date: not as a
            -- reactivation, and not by its visit norm either (postponing is the decision
            -- not to go there now).
            when customer_due_dates.needs_reactivation
                and postponements.until_date > calendar.as_of_date then null
            when customer_due_dates.needs_reactivation then 'reactivation'
            when customer_due_dates.next_due_date < calendar.first_week_start then 'overdue'
            when customer_due_dates.next_due_date <= calendar.horizon_end_date then 'due'
        end as reason
    from customer_due_dates
    cross join calendar
    left join postponements
        on customer_due_dates.relation_id = postponements.relation_id

),

prospect_candidates as (

    -- Leads always get a visit (an open quote is waiting); other prospects when the last
    -- two-way contact is older than prospect_follow_up_days or there never was one.
    select
        assigned_relations.salesperson_id,
        assigned_relations.salesperson_name,
        assigned_relations.visits_per_week,
        assigned_relations.relation_id,
        assigned_relations.relation_name,
        assigned_relations.relation_kind,
        assigned_relations.is_lead,
        assigned_relations.needs_reactivation,
        cast(null as {{ dbt.type_string() }}) as service_level,
        contact_history.last_visit_date,
        cast(null as integer) as visit_interval_days,
        cast(null as date) as next_due_date,
        cast(null as integer) as days_overdue,
        assigned_relations.last_two_way_contact_date,
        assigned_relations.revenue_12m,
        cast(prospect_scores.total_score as {{ dbt.type_numeric() }}) as prospect_score,
        assigned_relations.postcode_area,
        'prospect_follow_up' as reason
    from assigned_relations
    cross join calendar
    left join contact_history
        on assigned_relations.relation_id = contact_history.relation_id
    left join prospect_scores
        on assigned_relations.relation_id = prospect_scores.relation_id
    where
        assigned_relations.relation_kind = 'prospect'
        and (
            assigned_relations.is_lead
            or assigned_relations.last_two_way_contact_date is null
            or assigned_relations.last_two_way_contact_date < calendar.follow_up_contact_before
        )

),

candidates as (

    select * from customer_candidates
    where reason is not null

    union all

    select * from prospect_candidates

),

sort_keys as (

    -- Every key is made non-null so the order is the same on every engine (they
    -- disagree on where nulls sort). A customer's priority group is its service level, a
    -- prospect's lead or prospect.
    select
        candidates.*,
        case
            when candidates.relation_kind = 'prospect' and candidates.is_lead then 'lead'
            when candidates.relation_kind = 'prospect' then 'prospect'
            else candidates.service_level
        end as priority_group,
        visit_reason_priorities.reason_rank,
        visit_reason_priorities.label_nl as reason_label_nl,
        visit_reason_priorities.label_en as reason_label_en,
        case when candidates.reason = 'overdue' then candidates.days_overdue else 0 end
            as overdue_sort_days,
        -- Prospects are ordered by their rating (marts.prospect_scores) within their group,
        -- best first; a prospect without one counts as 0. Customers: 0, this key is no
        -- tie-break for them.
        case
            when candidates.reason = 'prospect_follow_up'
                then coalesce(candidates.prospect_score, 0)
            else 0
        end as prospect_sort_score,
        -- Prospects have no revenue: among equally rated ones the oldest contact comes
        -- first, never contacted counting as the oldest of all. Customers: 0, revenue decides.
        case
            when candidates.reason <> 'prospect_follow_up' then 0
            when candidates.last_two_way_contact_date is null then 999999
            else {{ dbt.datediff(
                'candidates.last_two_way_contact_date', 'calendar.as_of_date', 'day'
            ) }}
        end as contact_age_sort_days,
        -- A visit is not planned before the week that holds its due date; overdue,
        -- reactivation and follow-up visits are released in the first week.
        case
            when candidates.reason = 'due'
                then cast(floor({{ dbt.datediff(
                    'calendar.first_week_start', 'candidates.next_due_date', 'day'
                ) }} * 1.0 / 7) as integer) + 1
            else 1
        end as release_week_number
    from candidates
    cross join calendar
    left join visit_reason_priorities
        on candidates.reason = visit_reason_priorities.reason

),

prioritised as (

    select
        sort_keys.*,
        row_number() over (
            partition by sort_keys.salesperson_id
            order by
                coalesce(visit_priority_groups.group_rank, 999999) asc,
                coalesce(sort_keys.reason_rank, 999999) asc,
                sort_keys.prospect_sort_score desc,
                sort_keys.overdue_sort_days desc,
                sort_keys.contact_age_sort_days desc,
                coalesce(sort_keys.revenue_12m, 0) desc,
                sort_keys.relation_id asc
        ) as priority
    from sort_keys
    left join visit_priority_groups
        on sort_keys.priority_group = visit_priority_groups.priority_group

),

{# The roll-forward (docs/business-rules.md section 9). The rule, week by week: week w
    takes, in priority order, the visits released by w and not yet planned, up to its
    capacity c(w). Written without recursion, by this equivalence:

    1. A visit is never displaced by a visit of lower priority, so a visit v lands where
       it would land if only the visits of higher priority (set H) and v existed.
    2. Week by week, the visits of any such set are planned as a work-conserving queue:
       D(w) = min(D(w-1) + c(w), A(w)), D(0) = 0, where A(w) counts the visits released by
       week w and D(w) those planned by week w. Unrolled: D(W) = min over s = 0..W of
       A(s) + C(W) - C(s), with C(w) the capacity of weeks 1..w (cumulative_visit_capacity).
    3. v is planned by week W exactly when D of H plus v exceeds D of H at W. With
       h(s) = A_H(s) - C(s) (A_H: the visits of H released by week s; h(0) = 0), the term s
       grows by one for v when s >= r, v's release week, so this holds exactly when
       min over r <= s <= W of h(s) < min over 0 <= s < r of h(s).
    4. Hence v's week is the first W >= r with h(W) < bar, where bar = min(0, min over
       1 <= s < r of h(s)); no such W within the horizon: over capacity.

    One row per visit and week (n x horizon rows) and one running count per week: linear,
    and plain window functions on every engine. tests/test_visit_plan.py replays the
    week-by-week rule in Python against this model. #}
visit_weeks as (

    select
        prioritised.salesperson_id,
        prioritised.relation_id,
        prioritised.priority,
        prioritised.release_week_number,
        visit_capacity.week_number,
        visit_capacity.cumulative_visit_capacity,
        case when prioritised.release_week_number <= visit_capacity.week_number then 1 else 0 end
            as is_released
    from prioritised
    inner join visit_capacity
        on prioritised.salesperson_id = visit_capacity.salesperson_id

),

backlog as (

    -- h(s): visits of higher priority released by week s, minus the capacity of weeks 1..s.
    select
        visit_weeks.*,
        coalesce(sum(visit_weeks.is_released) over (
            partition by visit_weeks.salesperson_id, visit_weeks.week_number
            order by visit_weeks.priority
            rows between unbounded preceding and 1 preceding
        ), 0) - visit_weeks.cumulative_visit_capacity as backlog_ahead
    from visit_weeks

),

release_bars as (

    select
        backlog.*,
        min(
            case
                when backlog.week_number < backlog.release_week_number
                    then backlog.backlog_ahead
                else 0
            end
        ) over (partition by backlog.relation_id) as release_bar
    from backlog

),

filled as (

    select
        relation_id,
        min(
            case
                when week_number >= release_week_number and backlog_ahead < release_bar
                    then week_number
            end
        ) as planned_week_number
    from release_bars
    group by relation_id

),

placed as (

    select
        prioritised.*,
        filled.planned_week_number,
        filled.planned_week_number is not null as within_capacity,
        {{ planning_add_days(
            '7 * (prioritised.release_week_number - 1)', 'calendar.first_week_start'
        ) }} as release_week_start,
        case
            when filled.planned_week_number is not null
                then {{ planning_add_days(
                    '7 * (filled.planned_week_number - 1)', 'calendar.first_week_start'
                ) }}
        end as week_start
    from prioritised
    cross join calendar
    left join filled
        on prioritised.relation_id = filled.relation_id

),

day_slots as (

    -- A week's visits sorted by postcode area, then priority, fill its working days in
    -- order, at most max_visits_per_day a day: one area per day where it fits.
    select
        placed.relation_id,
        placed.salesperson_id,
        placed.planned_week_number,
        cast(floor(
            (row_number() over (
                partition by placed.salesperson_id, placed.planned_week_number
                order by
                    case when placed.postcode_area is null then 1 else 0 end asc,
                    coalesce(placed.postcode_area, '') asc,
                    placed.priority asc
            ) - 1) * 1.0 / visit_capacity.max_visits_per_day
        ) as integer) + 1 as working_day_number
    from placed
    inner join visit_capacity
        on placed.salesperson_id = visit_capacity.salesperson_id
            and placed.planned_week_number = visit_capacity.week_number
    where visit_capacity.max_visits_per_day > 0

),

planned_dates as (

    select
        day_slots.relation_id,
        working_days.work_date as planned_date
    -- day_slots carries its salesperson and week: joining `placed` again here made DuckDB
    -- plan a join that took 72 s at 100k relations (0.8 s for the whole model without it).
    from day_slots
    inner join working_days
        on day_slots.salesperson_id = working_days.salesperson_id
            and day_slots.planned_week_number = working_days.week_number
            and day_slots.working_day_number = working_days.working_day_number

),

final as (

    select
        placed.salesperson_id,
        placed.salesperson_name,
        placed.relation_id,
        placed.relation_name,
        placed.relation_kind,
        placed.is_lead,
        placed.needs_reactivation,
        placed.service_level,
        placed.priority_group,
        placed.reason,
        placed.reason_rank,
        placed.reason_label_nl,
        placed.reason_label_en,
        placed.priority,
        placed.release_week_start,
        placed.release_week_number,
        placed.week_start,
        placed.planned_week_number as week_number,
        planned_dates.planned_date,
        placed.within_capacity,
        placed.postcode_area,
        placed.last_visit_date,
        placed.visit_interval_days,
        placed.next_due_date,
        placed.days_overdue,
        placed.last_two_way_contact_date,
        placed.revenue_12m,
        placed.prospect_score,
        calendar.as_of_date
    from placed
    cross join calendar
    left join planned_dates
        on placed.relation_id = planned_dates.relation_id

)

select * from final
