-- No raw value may fall in two bands of one criterion, or it would be scored twice.
-- Two ranges [min, max) overlap when each starts before the other ends; an empty bound
-- is unbounded on that side.
with

scoring_bands as (

    select * from {{ ref('prospect_scoring_bands') }}

),

overlapping as (

    select
        lower_band.criterion,
        lower_band.band,
        lower_band.min_value,
        lower_band.max_value,
        upper_band.band as overlapping_band,
        upper_band.min_value as overlapping_min_value,
        upper_band.max_value as overlapping_max_value
    from scoring_bands as lower_band
    inner join scoring_bands as upper_band
        on
            lower_band.criterion = upper_band.criterion
            and lower_band.band < upper_band.band
            and (
                lower_band.min_value is null
                or upper_band.max_value is null
                or lower_band.min_value < upper_band.max_value
            )
            and (
                lower_band.max_value is null
                or upper_band.min_value is null
                or lower_band.max_value > upper_band.min_value
            )

)

select * from overlapping
