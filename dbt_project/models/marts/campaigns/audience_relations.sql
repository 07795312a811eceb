-- The relations of every campaign audience (docs/business-rules.md section 15): each
-- audience of seeds/campaign_audiences.csv against every relation's segments; an empty
-- filter matches anything.
with

campaign_audiences as (

    select * from {{ ref('campaign_audiences') }}

),

segments as (

    select * from {{ ref('int_relations_campaign_segments') }}

),

matched as (

    select
        campaign_audiences.audience,
        segments.*
    from campaign_audiences
    inner join segments
        on {{ audience_text_filter_matches(
                'campaign_audiences.relation_kind', 'segments.relation_kind') }}
            and {{ audience_boolean_filter_matches(
                'campaign_audiences.needs_reactivation', 'segments.needs_reactivation') }}
            and {{ audience_boolean_filter_matches(
                'campaign_audiences.is_lead', 'segments.is_lead') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.pyramid_level', 'segments.pyramid_level') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.abc_class', 'segments.abc_class') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.customer_group', 'segments.customer_group') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.service_level', 'segments.service_level') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.salesperson_id', 'segments.account_manager_id') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.region', 'segments.region') }}
            and {{ audience_text_filter_matches(
                'campaign_audiences.sector', 'segments.sector') }}
            and {{ audience_boolean_filter_matches(
                'campaign_audiences.has_open_quote', 'segments.has_open_quote') }}

),

final as (

    select
        audience,
        relation_id,
        relation_name,
        relation_kind,
        needs_reactivation,
        is_lead,
        pyramid_level,
        abc_class,
        customer_group,
        service_level,
        account_manager_id,
        account_manager_name,
        region,
        sector,
        has_open_quote,
        contact_count,
        consenting_contact_count,
        {{ as_of_date() }} as as_of_date
    from matched

)

select * from final
