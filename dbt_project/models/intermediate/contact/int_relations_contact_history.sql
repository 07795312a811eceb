-- Contact history per relation at as_of: two-way contact ever (what makes a suspect a
-- prospect), recent contact intensity, campaign response, last visit, and open quotes.
-- Which activity types are two-way is configured in seeds/activity_types.csv.
with

relations as (

    select * from {{ ref('stg_crm__relations') }}

),

activity_types as (

    select * from {{ ref('activity_types') }}

),

activities as (

    select
        activities.relation_id,
        activities.activity_type,
        activities.occurred_date,
        coalesce(activity_types.is_two_way, false) as is_two_way
    from {{ ref('stg_crm__activities') }} as activities
    left join activity_types
        on activities.activity_type = activity_types.activity_type
    where activities.occurred_date <= {{ as_of_date() }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}
    where created_date <= {{ as_of_date() }}

),

activity_facts as (

    select
        relation_id,
        max(case when is_two_way then occurred_date end) as last_two_way_activity_date,
        sum(case when is_two_way
                and occurred_date > {{ months_before_as_of(var('contact_window_months')) }}
                then 1
            else 0
        end) as two_way_contacts_window,
        sum(case when not is_two_way
                and occurred_date > {{ months_before_as_of(var('contact_window_months')) }}
                then 1
            else 0
        end) as one_way_contacts_window,
        sum(case when activity_type = 'campaign_sent'
                and occurred_date > {{ months_before_as_of(var('contact_window_months')) }}
                then 1
            else 0
        end) as campaigns_sent_window,
        sum(case when activity_type = 'campaign_response'
                and occurred_date > {{ months_before_as_of(var('contact_window_months')) }}
                then 1
            else 0
        end) as campaign_responses_window,
        max(case when activity_type = 'visit' then occurred_date end) as last_visit_date,
        sum(case when activity_type = 'visit'
                and occurred_date > {{ months_before_as_of(var('contact_window_months')) }}
                then 1
            else 0
        end) as visits_window
    from activities
    group by relation_id

),

opportunity_facts as (

    -- A quote is open at as_of when it was not closed on or before as_of.
    select
        relation_id,
        max(created_date) as last_opportunity_date,
        sum(case when closed_date is null or closed_date > {{ as_of_date() }}
                then 1
            else 0
        end) as open_opportunity_count,
        sum(case when closed_date is null or closed_date > {{ as_of_date() }}
                then coalesce(opportunity_amount, 0)
            else 0
        end) as open_opportunity_amount
    from opportunities
    group by relation_id

),

final as (

    select
        relations.relation_id,
        -- A quote is two-way contact too (docs/business-rules.md section 2).
        activity_facts.last_two_way_activity_date is not null
        or opportunity_facts.last_opportunity_date is not null as has_two_way_contact,
        case
            when opportunity_facts.last_opportunity_date is null
                then activity_facts.last_two_way_activity_date
            when activity_facts.last_two_way_activity_date is null
                then opportunity_facts.last_opportunity_date
            else greatest(
                    activity_facts.last_two_way_activity_date,
                    opportunity_facts.last_opportunity_date
                )
        end as last_two_way_contact_date,
        coalesce(activity_facts.two_way_contacts_window, 0) as two_way_contacts_window,
        coalesce(activity_facts.one_way_contacts_window, 0) as one_way_contacts_window,
        coalesce(activity_facts.campaigns_sent_window, 0) as campaigns_sent_window,
        coalesce(activity_facts.campaign_responses_window, 0) as campaign_responses_window,
        case
            when activity_facts.campaigns_sent_window > 0
                then least(
                        1.0 * activity_facts.campaign_responses_window
                        / activity_facts.campaigns_sent_window,
                        1.0
                    )
        end as response_rate_window,
        activity_facts.last_visit_date,
        coalesce(activity_facts.visits_window, 0) as visits_window,
        coalesce(opportunity_facts.open_opportunity_count, 0) > 0 as has_open_opportunity,
        coalesce(opportunity_facts.open_opportunity_amount, 0) as open_opportunity_amount,
        opportunity_facts.last_opportunity_date
    from relations
    left join activity_facts
        on relations.relation_id = activity_facts.relation_id
    left join opportunity_facts
        on relations.relation_id = opportunity_facts.relation_id

)

select * from final
