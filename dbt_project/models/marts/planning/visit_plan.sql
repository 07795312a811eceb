-- The visit plan per salesperson for the coming weeks (docs/business-rules.md section 9):
-- customers due or overdue by the visit norm of their service level, customers to win back,
-- and prospects to follow up, ranked by urgency and poured into each salesperson's weekly
-- capacity. What does not fit stays in the plan, marked over capacity, so management sees
-- the shortfall instead of losing it.
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

visit_reason_priorities as (

    select * from {{ ref('visit_reason_priorities') }}

),

calendar as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ first_week_start }} as first_week_start,
        {{ planning_add_days(7 * (horizon_weeks | int - 1), first_week_start) }}
            as last_week_start,
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
        salespeople.salesperson_id,
        salespeople.salesperson_name,
        coalesce(salespeople.visits_per_week, 0) as visits_per_week
    from relation_kinds
    inner join salespeople
        on relation_kinds.account_manager_id = salespeople.salesperson_id

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
        case
            when customer_due_dates.needs_reactivation then 'reactivation'
            when customer_due_dates.next_due_date < calendar.first_week_start then 'overdue'
            when customer_due_dates.next_due_date <= calendar.horizon_end_date then 'due'
        end as reason
    from customer_due_dates
    cross join calendar

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
        'prospect_follow_up' as reason
    from assigned_relations
    cross join calendar
    left join contact_history
        on assigned_relations.relation_id = contact_history.relation_id
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
    -- disagree on where nulls sort). The keys of one reason are constant for the others.
    select
        candidates.*,
        visit_reason_priorities.reason_rank,
        visit_reason_priorities.label_nl as reason_label_nl,
        visit_reason_priorities.label_en as reason_label_en,
        case when candidates.reason = 'overdue' then candidates.days_overdue else 0 end
            as overdue_sort_days,
        case
            when candidates.reason = 'due'
                then {{ dbt.datediff(
                    'calendar.first_week_start', 'candidates.next_due_date', 'day'
                ) }}
            else 0
        end as due_sort_days,
        case
            when candidates.reason = 'prospect_follow_up' and not candidates.is_lead then 1
            else 0
        end as lead_sort_rank,
        -- Never contacted sorts as the oldest contact of all.
        case
            when candidates.reason <> 'prospect_follow_up' then 0
            when candidates.last_two_way_contact_date is null then 999999
            else {{ dbt.datediff(
                'candidates.last_two_way_contact_date', 'calendar.as_of_date', 'day'
            ) }}
        end as contact_age_sort_days,
        case candidates.service_level
            when 'A' then 1
            when 'B' then 2
            when 'C' then 3
            else 4
        end as service_level_sort_rank
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
                coalesce(sort_keys.reason_rank, 999999) asc,
                sort_keys.overdue_sort_days desc,
                sort_keys.due_sort_days asc,
                sort_keys.lead_sort_rank asc,
                sort_keys.contact_age_sort_days desc,
                sort_keys.service_level_sort_rank asc,
                coalesce(sort_keys.revenue_12m, 0) desc,
                sort_keys.relation_id asc
        ) as priority
    from sort_keys

),

scheduled as (

    -- The k-th visit by priority goes to week (k - 1) div visits_per_week (0-based).
    select
        prioritised.*,
        case
            when prioritised.visits_per_week > 0
                then cast(
                        floor((prioritised.priority - 1) * 1.0 / prioritised.visits_per_week)
                        as integer
                    )
        end as capacity_week_index
    from prioritised

),

placed as (

    select
        scheduled.*,
        coalesce(scheduled.capacity_week_index < calendar.horizon_weeks, false) as within_capacity
    from scheduled
    cross join calendar

),

final as (

    -- Visits over capacity are parked in the last week of the horizon: the week they
    -- would have to be squeezed into, and where the shortfall shows on a weekly view.
    select
        placed.salesperson_id,
        placed.salesperson_name,
        placed.relation_id,
        placed.relation_name,
        placed.relation_kind,
        placed.is_lead,
        placed.needs_reactivation,
        placed.service_level,
        placed.reason,
        placed.reason_rank,
        placed.reason_label_nl,
        placed.reason_label_en,
        placed.priority,
        case
            when placed.within_capacity
                then {{ planning_add_days(
                    '7 * placed.capacity_week_index', 'calendar.first_week_start'
                ) }}
            else calendar.last_week_start
        end as week_start,
        case
            when placed.within_capacity then placed.capacity_week_index + 1
            else calendar.horizon_weeks
        end as week_number,
        placed.within_capacity,
        placed.last_visit_date,
        placed.visit_interval_days,
        placed.next_due_date,
        placed.days_overdue,
        placed.last_two_way_contact_date,
        placed.revenue_12m,
        calendar.as_of_date
    from placed
    cross join calendar

)

select * from final
