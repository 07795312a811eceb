-- Every possible raw value of a criterion must fall in a band, or a known value would get
-- no score. With no overlap (assert_prospect_scoring_bands_do_not_overlap) the bands cover the
-- number line when exactly one band has no lower bound, exactly one has no upper bound,
-- every band is non-empty, and every finite max_value is the min_value of another band.
-- Also every configured criterion must have bands at all.
with

scoring_criteria as (

    select * from {{ ref('prospect_scoring_criteria') }}

),

scoring_bands as (

    select * from {{ ref('prospect_scoring_bands') }}

),

bound_counts as (

    select
        scoring_criteria.criterion,
        count(scoring_bands.band) as band_count,
        sum(
            case
                when scoring_bands.band is not null and scoring_bands.min_value is null
                    then 1
                else 0
            end
        ) as unbounded_below_count,
        sum(
            case
                when scoring_bands.band is not null and scoring_bands.max_value is null
                    then 1
                else 0
            end
        ) as unbounded_above_count
    from scoring_criteria
    left join scoring_bands
        on scoring_criteria.criterion = scoring_bands.criterion
    group by scoring_criteria.criterion

),

bound_problems as (

    select
        criterion,
        cast(null as {{ dbt.type_string() }}) as band,
        case
            when band_count = 0 then 'criterion has no bands'
            when unbounded_below_count <> 1 then 'not exactly one band without min_value'
            else 'not exactly one band without max_value'
        end as problem
    from bound_counts
    where band_count = 0 or unbounded_below_count <> 1 or unbounded_above_count <> 1

),

empty_bands as (

    select
        criterion,
        band,
        'min_value is not below max_value' as problem
    from scoring_bands
    where min_value >= max_value

),

gaps as (

    select
        this_band.criterion,
        this_band.band,
        'no band starts at this max_value' as problem
    from scoring_bands as this_band
    left join scoring_bands as next_band
        on
            this_band.criterion = next_band.criterion
            and this_band.max_value = next_band.min_value
    where
        this_band.max_value is not null
        and next_band.band is null

),

final as (

    select * from bound_problems
    union all
    select * from empty_bands
    union all
    select * from gaps

)

select * from final
