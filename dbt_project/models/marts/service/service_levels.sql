-- The service level of every customer (docs/business-rules.md sections 7 and 8): tonight's proposal
-- beside the level assigned at the latest review, and the capacities that come with it.
-- Between reviews assigned_level does not move, whatever the nightly proposal says.
with

service_level_proposals as (

    select * from {{ ref('service_level_proposals') }}

),

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

service_level_overrides as (

    select * from {{ ref('int_service_level_overrides') }}

),

service_level_capacities as (

    select * from {{ ref('service_level_capacities') }}

),

ranked_reviews as (

    -- The latest review the relation took part in.
    select
        relation_id,
        review_period,
        override_level,
        assigned_level,
        override_reason,
        decided_by,
        decided_at,
        row_number() over (
            partition by relation_id
            order by review_period desc
        ) as recency_rank
    from service_level_reviews

),

latest_reviews as (

    select
        relation_id,
        review_period,
        override_level,
        assigned_level,
        override_reason,
        decided_by,
        decided_at
    from ranked_reviews
    where recency_rank = 1

),

assigned as (

    select
        latest_reviews.relation_id,
        latest_reviews.review_period,
        -- An override recorded after the review ran still applies to its period, and a
        -- later one replaces the one frozen into the review; a frozen one stays otherwise.
        coalesce(service_level_overrides.level, latest_reviews.assigned_level) as assigned_level,
        (
            service_level_overrides.level is not null
            or latest_reviews.override_level is not null
        ) as has_override,
        case
            when service_level_overrides.level is not null then service_level_overrides.reason
            else latest_reviews.override_reason
        end as override_reason,
        case
            when service_level_overrides.level is not null then service_level_overrides.decided_by
            else latest_reviews.decided_by
        end as decided_by,
        case
            when service_level_overrides.level is not null then service_level_overrides.decided_at
            else latest_reviews.decided_at
        end as decided_at
    from latest_reviews
    left join service_level_overrides
        on latest_reviews.relation_id = service_level_overrides.relation_id
            and latest_reviews.review_period = service_level_overrides.review_period

),

combined as (

    select
        service_level_proposals.*,
        assigned.assigned_level,
        assigned.review_period,
        coalesce(assigned.has_override, false) as has_override,
        assigned.override_reason,
        assigned.decided_by,
        assigned.decided_at,
        -- The level the customer is served at today: assigned, or the proposal for a
        -- customer who has not been reviewed yet.
        coalesce(assigned.assigned_level, service_level_proposals.proposed_level)
            as effective_level
    from service_level_proposals
    left join assigned
        on service_level_proposals.relation_id = assigned.relation_id

),

final as (

    select
        combined.relation_id,
        combined.relation_name,
        combined.relation_kind,
        combined.abc_class,
        combined.revenue_12m,
        combined.estimated_annual_spend,
        combined.growth_potential,
        combined.revenue_score,
        combined.potential_score,
        combined.potential_band,
        combined.proposed_level,
        combined.proposal_reason,
        combined.next_abc_class,
        combined.revenue_to_next_class,
        combined.assigned_level,
        combined.review_period,
        combined.has_override,
        combined.override_reason,
        combined.decided_by,
        combined.decided_at,
        -- A customer never reviewed counts as different: the next review adds it as new.
        case
            when combined.assigned_level is null then true
            when combined.proposed_level <> combined.assigned_level then true
            else false
        end as is_proposal_different,
        combined.effective_level,
        service_level_capacities.response_time_hours,
        service_level_capacities.response_rule_nl,
        service_level_capacities.response_rule_en,
        service_level_capacities.max_discount_pct,
        service_level_capacities.payment_terms_days,
        service_level_capacities.free_delivery as has_free_delivery,
        service_level_capacities.fixed_contact_person as has_fixed_contact_person,
        service_level_capacities.visits_per_year,
        combined.account_manager_id,
        combined.region,
        combined.sector,
        combined.as_of_date
    from combined
    left join service_level_capacities
        on combined.effective_level = service_level_capacities.service_level

)

select * from final
