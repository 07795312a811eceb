-- The review being prepared (docs/business-rules.md section 8): for the next review period
-- after as_of (as_of in January-June -> that year's H2, else next year's H1), every customer's
-- previous level, tonight's proposal, the decision taken so far for that period and the
-- movement they add up to. What the review page works on before `make review` freezes it;
-- the same rules as service_level_reviews, so the frozen review shows what was seen here.
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

open_period as (

    select
        case
            when extract(month from {{ as_of_date() }}) <= 6
                then cast(extract(year from {{ as_of_date() }}) as {{ dbt.type_string() }})
                    || '-H2'
            else cast(extract(year from {{ as_of_date() }}) + 1 as {{ dbt.type_string() }})
                || '-H1'
        end as review_period

),

earlier_reviews as (

    -- Strictly earlier periods: a review of the open period that already ran is not its
    -- own "previous". A late override of an earlier period still counts, as in service_levels.
    select
        service_level_reviews.relation_id,
        service_level_reviews.review_period,
        coalesce(service_level_overrides.level, service_level_reviews.assigned_level)
            as assigned_level,
        row_number() over (
            partition by service_level_reviews.relation_id
            order by service_level_reviews.review_period desc
        ) as recency_rank
    from service_level_reviews
    cross join open_period
    left join service_level_overrides
        on service_level_reviews.relation_id = service_level_overrides.relation_id
            and service_level_reviews.review_period = service_level_overrides.review_period
    where service_level_reviews.review_period < open_period.review_period

),

previous_levels as (

    select
        relation_id,
        assigned_level as previous_level
    from earlier_reviews
    where recency_rank = 1

),

open_overrides as (

    select service_level_overrides.*
    from service_level_overrides
    inner join open_period
        on service_level_overrides.review_period = open_period.review_period

),

frozen as (

    -- Whether `make review` already froze the open period (decisions after it still apply).
    select count(*) > 0 as is_frozen
    from service_level_reviews
    inner join open_period
        on service_level_reviews.review_period = open_period.review_period

),

decided as (

    select
        service_level_proposals.*,
        open_period.review_period,
        previous_levels.previous_level,
        open_overrides.level as override_level,
        coalesce(open_overrides.level, service_level_proposals.proposed_level) as assigned_level,
        open_overrides.reason as override_reason,
        open_overrides.decided_by,
        open_overrides.decided_at,
        frozen.is_frozen
    from service_level_proposals
    cross join open_period
    cross join frozen
    left join previous_levels
        on service_level_proposals.relation_id = previous_levels.relation_id
    left join open_overrides
        on service_level_proposals.relation_id = open_overrides.relation_id

),

final as (

    select
        review_period,
        relation_id,
        relation_name,
        account_manager_id,
        previous_level,
        proposed_level,
        override_level,
        assigned_level,
        case
            when previous_level is null then 'new'
            when {{ service_level_rank('assigned_level') }}
                < {{ service_level_rank('previous_level') }} then 'promoted'
            when {{ service_level_rank('assigned_level') }}
                > {{ service_level_rank('previous_level') }} then 'demoted'
            else 'unchanged'
        end as movement,
        override_reason,
        decided_by,
        decided_at,
        is_frozen,
        abc_class,
        revenue_12m,
        growth_potential,
        revenue_score,
        potential_score,
        potential_band,
        proposal_reason,
        next_abc_class,
        revenue_to_next_class,
        as_of_date
    from decided

)

select * from final
