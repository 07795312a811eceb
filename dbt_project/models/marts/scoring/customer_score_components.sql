-- Why each customer has its score (docs/business-rules.md section 5): per criterion the raw
-- value, the band it falls in, the score, the weight and the contribution weight x score.
-- Only customers (active and inactive) are rated: the criteria are about buying and paying,
-- which prospects and suspects have not done.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where relation_kind in ('active', 'inactive')

),

criteria_values as (

    select * from {{ ref('int_relations_criteria_unpivoted') }}

),

scoring_criteria as (

    select * from {{ ref('scoring_criteria') }}

),

scoring_bands as (

    select * from {{ ref('scoring_bands') }}

),

valued as (

    -- Inner joins on purpose: a criterion configured but not computed (or the reverse)
    -- then leaves a customer short of components, which
    -- tests/assert_scoring_every_customer_scored_on_every_criterion.sql reports, instead
    -- of silently scoring it as missing.
    select
        criteria_values.relation_id,
        relation_kinds.relation_kind,
        criteria_values.criterion,
        scoring_criteria.axis,
        scoring_criteria.direction,
        scoring_criteria.weight,
        scoring_criteria.score_when_missing,
        criteria_values.raw_value
    from criteria_values
    inner join relation_kinds
        on criteria_values.relation_id = relation_kinds.relation_id
    inner join scoring_criteria
        on criteria_values.criterion = scoring_criteria.criterion

),

banded as (

    -- The band the raw value falls in (macros/rules/scoring_band.sql); a null raw value
    -- matches no band.
    select
        valued.*,
        scoring_bands.band as matched_band,
        scoring_bands.min_value as band_min_value,
        scoring_bands.max_value as band_max_value,
        scoring_bands.score as band_score
    from valued
    left join scoring_bands
        on
            valued.criterion = scoring_bands.criterion
            and {{ value_in_scoring_band('valued.raw_value', 'scoring_bands') }}

),

scored as (

    -- A known value that matches no band keeps a null score: a gap in the bands must
    -- fail the not_null test rather than be papered over with the missing score.
    select
        relation_id,
        relation_kind,
        criterion,
        axis,
        direction,
        raw_value,
        raw_value is null as is_value_missing,
        case when raw_value is null then 'missing' else matched_band end as band,
        band_min_value,
        band_max_value,
        case when raw_value is null then score_when_missing else band_score end as score,
        weight
    from banded

),

final as (

    select
        relation_id,
        criterion,
        axis,
        raw_value,
        band,
        score,
        weight,
        weight * score as contribution,
        direction,
        is_value_missing,
        band_min_value,
        band_max_value,
        relation_kind,
        {{ as_of_date() }} as as_of_date
    from scored

)

select * from final
