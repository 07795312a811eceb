-- What became of every relation of every recorded audience export (docs/business-rules.md
-- section 15), one row per (export_id, relation_id): its kind at the export (the version
-- of the kind history valid at exported_at, else the kind recorded with the export), its
-- kind now, and its first two-way contact after the export date up to as_of.
with

audience_exports as (

    select * from {{ ref('stg_decisions__audience_exports') }}

),

export_relations as (

    select * from {{ ref('stg_decisions__audience_export_relations') }}

),

kind_history as (

    select * from {{ ref('relation_kinds_history') }}

),

relation_kinds as (

    select * from {{ ref('relation_kinds') }}

),

activity_types as (

    select * from {{ ref('activity_types') }}

),

two_way_contacts as (

    -- Two-way contact as for the relation kind (section 2): a two-way activity, or a quote.
    select
        activities.relation_id,
        activities.occurred_date as contact_date
    from {{ ref('stg_crm__activities') }} as activities
    inner join activity_types
        on activities.activity_type = activity_types.activity_type
    where activity_types.is_two_way
        and activities.occurred_date <= {{ as_of_date() }}

    union all

    select
        relation_id,
        created_date as contact_date
    from {{ ref('stg_crm__opportunities') }}
    where created_date <= {{ as_of_date() }}

),

exported as (

    select
        export_relations.export_id,
        export_relations.relation_id,
        export_relations.relation_kind as recorded_kind,
        export_relations.contact_count,
        audience_exports.exported_at,
        audience_exports.export_date
    from export_relations
    inner join audience_exports
        on export_relations.export_id = audience_exports.export_id

),

kind_at_export as (

    select
        exported.export_id,
        exported.relation_id,
        max(kind_history.relation_kind) as history_kind
    from exported
    inner join kind_history
        on exported.relation_id = kind_history.relation_id
            and exported.exported_at >= kind_history.dbt_valid_from
            and (
                kind_history.dbt_valid_to is null
                or exported.exported_at < kind_history.dbt_valid_to
            )
    group by exported.export_id, exported.relation_id

),

responses as (

    select
        exported.export_id,
        exported.relation_id,
        min(two_way_contacts.contact_date) as first_response_date
    from exported
    inner join two_way_contacts
        on exported.relation_id = two_way_contacts.relation_id
            and exported.export_date < two_way_contacts.contact_date
    group by exported.export_id, exported.relation_id

),

combined as (

    select
        exported.export_id,
        exported.relation_id,
        exported.contact_count,
        exported.export_date,
        coalesce(kind_at_export.history_kind, exported.recorded_kind) as kind_at_export,
        relation_kinds.relation_kind as kind_now,
        responses.first_response_date
    from exported
    left join kind_at_export
        on exported.export_id = kind_at_export.export_id
            and exported.relation_id = kind_at_export.relation_id
    left join relation_kinds
        on exported.relation_id = relation_kinds.relation_id
    left join responses
        on exported.export_id = responses.export_id
            and exported.relation_id = responses.relation_id

),

flagged as (

    select
        export_id,
        relation_id,
        contact_count,
        export_date,
        kind_at_export,
        kind_now,
        first_response_date,
        first_response_date is not null as has_responded,
        coalesce(kind_at_export = 'suspect' and kind_now = 'prospect', false)
            as is_suspect_to_prospect,
        coalesce(
            kind_at_export in ('suspect', 'prospect') and kind_now in ('active', 'inactive'),
            false
        ) as is_new_customer,
        coalesce(kind_at_export = 'inactive' and kind_now = 'active', false)
            as is_reactivated
    from combined

),

final as (

    select
        *,
        is_suspect_to_prospect or is_new_customer or is_reactivated as has_moved_up
    from flagged

)

select * from final
