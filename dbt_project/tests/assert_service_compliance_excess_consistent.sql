-- The excess discount is never negative, and it is zero when no line is over the
-- maximum discount (docs/business-rules.md section 11). Returns the customers that break it.
with

service_level_compliance as (

    select * from {{ ref('service_level_compliance') }}

),

final as (

    select
        relation_id,
        lines_over_entitlement,
        excess_discount_eur
    from service_level_compliance
    where excess_discount_eur < 0
        or (lines_over_entitlement = 0 and excess_discount_eur <> 0)
        or lines_over_entitlement > invoice_lines

)

select * from final
