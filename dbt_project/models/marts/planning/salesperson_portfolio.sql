-- Each salesperson's portfolio (docs/business-rules.md section 9): relations per kind and
-- pyramid level, revenue, service-level mix, and how full the visit plan is. Every
-- salesperson appears, also one without relations (all zeros), so an empty portfolio is
-- visible, not missing.
{%- set horizon_weeks = planning_horizon_weeks() %}

with

salespeople as (

    select * from {{ ref('stg_crm__salespeople') }}

),

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

customer_pyramid as (

    select * from {{ ref('customer_pyramid') }}

),

service_levels as (

    select * from {{ ref('service_levels') }}

),

visit_plan as (

    select * from {{ ref('visit_plan') }}

),

visit_capacity as (

    select * from {{ ref('visit_capacity') }}

),

capacity_facts as (

    -- The weeks' capacities after holidays, closing days and absences.
    select
        salesperson_id,
        sum(visit_capacity) as visit_capacity
    from visit_capacity
    group by salesperson_id

),

portfolio_relations as (

    select
        relation_kinds.account_manager_id as salesperson_id,
        relation_kinds.relation_id,
        relation_kinds.relation_kind,
        relation_kinds.is_lead,
        relation_kinds.needs_reactivation,
        relation_kinds.revenue_12m,
        customer_pyramid.pyramid_level,
        -- The level a customer is served at: assigned at the last review, else the proposal.
        coalesce(service_levels.assigned_level, service_levels.proposed_level) as service_level
    from relation_kinds
    left join customer_pyramid
        on relation_kinds.relation_id = customer_pyramid.relation_id
    left join service_levels
        on relation_kinds.relation_id = service_levels.relation_id
    where relation_kinds.account_manager_id is not null

),

relation_facts as (

    select
        salesperson_id,
        count(*) as relation_count,
        count(case when relation_kind = 'active' then 1 end) as active_count,
        count(case when relation_kind = 'inactive' then 1 end) as inactive_count,
        count(case when relation_kind = 'prospect' then 1 end) as prospect_count,
        count(case when relation_kind = 'suspect' then 1 end) as suspect_count,
        count(case when is_lead then 1 end) as lead_count,
        count(case when needs_reactivation then 1 end) as needs_reactivation_count,
        count(case when pyramid_level = 'top' then 1 end) as top_count,
        count(case when pyramid_level = 'large' then 1 end) as large_count,
        count(case when pyramid_level = 'medium' then 1 end) as medium_count,
        count(case when pyramid_level = 'small' then 1 end) as small_count,
        count(case when service_level = 'A' then 1 end) as level_a_count,
        count(case when service_level = 'B' then 1 end) as level_b_count,
        count(case when service_level = 'C' then 1 end) as level_c_count,
        sum(revenue_12m) as revenue_12m
    from portfolio_relations
    group by salesperson_id

),

visit_facts as (

    select
        salesperson_id,
        count(case when within_capacity then 1 end) as visits_planned,
        count(case when not within_capacity then 1 end) as visits_over_capacity,
        count(case when reason = 'overdue' then 1 end) as overdue_visit_count,
        count(case when reason = 'reactivation' then 1 end) as reactivation_visit_count,
        count(case when reason = 'due' then 1 end) as due_visit_count,
        count(case when reason = 'prospect_follow_up' then 1 end) as prospect_follow_up_visit_count
    from visit_plan
    group by salesperson_id

),

combined as (

    select
        salespeople.salesperson_id,
        salespeople.salesperson_name,
        salespeople.region,
        coalesce(relation_facts.relation_count, 0) as relation_count,
        coalesce(relation_facts.active_count, 0) as active_count,
        coalesce(relation_facts.inactive_count, 0) as inactive_count,
        coalesce(relation_facts.prospect_count, 0) as prospect_count,
        coalesce(relation_facts.suspect_count, 0) as suspect_count,
        coalesce(relation_facts.lead_count, 0) as lead_count,
        coalesce(relation_facts.needs_reactivation_count, 0) as needs_reactivation_count,
        coalesce(relation_facts.top_count, 0) as top_count,
        coalesce(relation_facts.large_count, 0) as large_count,
        coalesce(relation_facts.medium_count, 0) as medium_count,
        coalesce(relation_facts.small_count, 0) as small_count,
        coalesce(relation_facts.revenue_12m, 0) as revenue_12m,
        coalesce(relation_facts.level_a_count, 0) as level_a_count,
        coalesce(relation_facts.level_b_count, 0) as level_b_count,
        coalesce(relation_facts.level_c_count, 0) as level_c_count,
        coalesce(salespeople.visits_per_week, 0) as visits_per_week,
        coalesce(visit_facts.visits_planned, 0) as visits_planned,
        coalesce(visit_facts.visits_over_capacity, 0) as visits_over_capacity,
        coalesce(visit_facts.overdue_visit_count, 0) as overdue_visit_count,
        coalesce(visit_facts.reactivation_visit_count, 0) as reactivation_visit_count,
        coalesce(visit_facts.due_visit_count, 0) as due_visit_count,
        coalesce(visit_facts.prospect_follow_up_visit_count, 0) as prospect_follow_up_visit_count,
        coalesce(capacity_facts.visit_capacity, 0) as visit_capacity
    from salespeople
    left join relation_facts
        on salespeople.salesperson_id = relation_facts.salesperson_id
    left join capacity_facts
        on salespeople.salesperson_id = capacity_facts.salesperson_id
    left join visit_facts
        on salespeople.salesperson_id = visit_facts.salesperson_id

),

final as (

    select
        combined.*,
        case
            when combined.visit_capacity > 0
                then 1.0 * combined.visits_planned / combined.visit_capacity
        end as capacity_used_share,
        {{ horizon_weeks }} as planning_horizon_weeks,
        {{ planning_first_week_start() }} as first_week_start,
        {{ as_of_date() }} as as_of_date
    from combined

)

select * from final
