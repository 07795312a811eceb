-- The direction column documents how a criterion's bands run: for higher_is_better a
-- higher band never scores less than a lower one, for lower_is_better never more. A
-- warning only: a deliberately peaked band set (e.g. "ideal" order size) is allowed,
-- but should be a conscious choice.
{{ config(severity='warn') }}

with

scoring_criteria as (

    select * from {{ ref('prospect_scoring_criteria') }}

),

scoring_bands as (

    select * from {{ ref('prospect_scoring_bands') }}

),

adjacent as (

    select
        this_band.criterion,
        scoring_criteria.direction,
        this_band.band,
        this_band.score,
        next_band.band as next_band,
        next_band.score as next_score
    from scoring_bands as this_band
    inner join scoring_bands as next_band
        on
            this_band.criterion = next_band.criterion
            and this_band.max_value = next_band.min_value
    inner join scoring_criteria
        on this_band.criterion = scoring_criteria.criterion

)

select *
from adjacent
where
    (direction = 'higher_is_better' and next_score < score)
    or (direction = 'lower_is_better' and next_score > score)
