-- Why each prospect has its rating (docs/business-rules.md section 5): per criterion known
-- before a first invoice the raw value, the band it falls in, the score, the weight and
-- the contribution weight x score, as customer_score_components explains a customer's.
with

criteria_values as (

    select * from {{ ref('int_prospects_criteria_unpivoted') }}

),

prospect_scoring_criteria as (

    select * from {{ ref('prospect_scoring_criteria') }}

),

prospect_scoring_bands as (

    select * from {{ ref('prospect_scoring_bands') }}

),

valued as (

    -- An inner join on purpose: a criterion configured but not computed (or the reverse)
    -- leaves a prospect short of components, which
    -- tests/assert_prospect_scoring_criteria_match_computed_values.sql reports.
    select
        criteria_values.relation_id,
        criteria_values.criterion,
        prospect_scoring_criteria.direction,
        prospect_scoring_criteria.weight,
        prospect_scoring_criteria.score_when_missing,
        criteria_values.raw_value
    from criteria_values
    inner join prospect_scoring_criteria
        on criteria_values.criterion = prospect_scoring_criteria.criterion

),

banded as (

    -- The band the raw value falls in (macros/rules/scoring_band.sql); a null raw value
    -- matches no band.
    select
        valued.*,
        prospect_scoring_bands.band as matched_band,
        prospect_scoring_bands.min_value as band_min_value,
        prospect_scoring_bands.max_value as band_max_value,
        prospect_scoring_bands.score as band_score
    from valued
    left join prospect_scoring_bands
        on
            valued.criterion = prospect_scoring_bands.criterion
            and {{ value_in_scoring_band('valued.raw_value', 'prospect_scoring_bands') }}

),

final as (

    -- A known value that matches no band keeps a null score: a gap in the bands fails the
    -- not_null test rather than being scored as missing.
    select
        relation_id,
        criterion,
        raw_value,
        case when raw_value is null then 'missing' else matched_band end as band,
        case when raw_value is null then score_when_missing else band_score end as score,
        weight,
        weight * case when raw_value is null then score_when_missing else band_score end
            as contribution,
        direction,
        raw_value is null as is_value_missing,
        band_min_value,
        band_max_value,
        {{ as_of_date() }} as as_of_date
    from banded

)

select * from final
