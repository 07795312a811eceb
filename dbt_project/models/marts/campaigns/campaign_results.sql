-- The result of every recorded audience export (docs/business-rules.md section 15): of
-- the relations in the file, how many responded (two-way contact after the export date,
-- up to as_of) and how many moved up a kind since (suspect to prospect, prospect or
-- suspect to customer, inactive to active), as counts and shares.
{%- set bigint = dbt.type_bigint() %}

with

audience_exports as (

    select * from {{ ref('stg_decisions__audience_exports') }}

),

followed as (

    select * from {{ ref('int_audience_export_relations_followed') }}

),

per_export as (

    select
        export_id,
        cast(count(*) as {{ bigint }}) as relations_exported,
        cast(sum(case when has_responded then 1 else 0 end) as {{ bigint }})
            as relations_responded,
        cast(sum(case when has_moved_up then 1 else 0 end) as {{ bigint }})
            as relations_moved_up,
        cast(sum(case when is_suspect_to_prospect then 1 else 0 end) as {{ bigint }})
            as suspects_to_prospect,
        cast(sum(case when is_new_customer then 1 else 0 end) as {{ bigint }})
            as new_customers,
        cast(sum(case when is_reactivated then 1 else 0 end) as {{ bigint }})
            as reactivated_customers
    from followed
    group by export_id

),

final as (

    select
        audience_exports.export_id,
        audience_exports.audience,
        audience_exports.audience_filters,
        audience_exports.exported_by,
        audience_exports.exported_at,
        audience_exports.export_date,
        audience_exports.file_format,
        audience_exports.contact_count,
        coalesce(per_export.relations_exported, 0) as relations_exported,
        coalesce(per_export.relations_responded, 0) as relations_responded,
        case
            when per_export.relations_exported > 0
                then 1.0 * per_export.relations_responded / per_export.relations_exported
        end as response_share,
        coalesce(per_export.relations_moved_up, 0) as relations_moved_up,
        case
            when per_export.relations_exported > 0
                then 1.0 * per_export.relations_moved_up / per_export.relations_exported
        end as moved_up_share,
        coalesce(per_export.suspects_to_prospect, 0) as suspects_to_prospect,
        coalesce(per_export.new_customers, 0) as new_customers,
        coalesce(per_export.reactivated_customers, 0) as reactivated_customers,
        {{ as_of_date() }} as as_of_date
    from audience_exports
    left join per_export
        on audience_exports.export_id = per_export.export_id

)

select * from final
