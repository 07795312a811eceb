{#-
The checks of a scoring configuration: a criteria seed (criterion, direction, ...), its
bands seed (criterion, band, min_value, max_value, score) and the model that computes the
criteria. The customer rating (scoring_criteria, scoring_bands,
int_relations_criteria_unpivoted) and the prospect rating (prospect_scoring_criteria,
prospect_scoring_bands, int_prospects_criteria_unpivoted) run the same checks:
tests/assert_*scoring_bands_*.sql and tests/assert_*scoring_criteria_match_computed_values.sql.
-#}

{#- Every possible raw value of a criterion must fall in a band, or a known value would get
    no score. With no overlap (assert_scoring_bands_do_not_overlap) the bands cover the
    number line when exactly one band has no lower bound, exactly one has no upper bound,
    every band is non-empty, and every finite max_value is the min_value of another band.
    Also every configured criterion must have bands at all. -#}
{% macro scoring_bands_cover_every_value(criteria, bands) %}

with

scoring_criteria as (

    select * from {{ ref(criteria) }}

),

scoring_bands as (

    select * from {{ ref(bands) }}

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

{% endmacro %}

{#- No raw value may fall in two bands of one criterion, or it would be scored twice.
    Two ranges [min, max) overlap when each starts before the other ends; an empty bound
    is unbounded on that side. -#}
{% macro scoring_bands_do_not_overlap(criteria, bands) %}

with

scoring_bands as (

    select * from {{ ref(bands) }}

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

{% endmacro %}

{#- The direction column documents how a criterion's bands run: for higher_is_better a
    higher band never scores less than a lower one, for lower_is_better never more. A
    warning only: a deliberately peaked band set (e.g. "ideal" order size) is allowed,
    but should be a conscious choice. -#}
{% macro scoring_bands_follow_direction(criteria, bands) %}

with

scoring_criteria as (

    select * from {{ ref(criteria) }}

),

scoring_bands as (

    select * from {{ ref(bands) }}

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

{% endmacro %}

{#- Every criterion configured in the criteria seed is computed by the unpivoted model, and
    every computed criterion is configured: a criterion in one place only would silently
    drop out of the scores. The computed criteria are read twice: from the list the model
    is generated from (`criteria_values`, the entries of `values_macro`, so the check also
    bites on an empty warehouse, e.g. in CI) and from the model's rows. -#}
{% macro scoring_criteria_match_computed_values(criteria, unpivoted, criteria_values, values_macro) %}
{%- set code_criteria = [] -%}
{%- for entry in criteria_values -%}
{%- do code_criteria.append(entry.criterion) -%}
{%- endfor %}

with

scoring_criteria as (

    select * from {{ ref(criteria) }}

),

criteria_values as (

    select * from {{ ref(unpivoted) }}

),

computed as (

    select distinct criterion from criteria_values
    {% for name in code_criteria %}
    union all
    select '{{ name }}' as criterion
    {% endfor %}

),

compared as (

    select
        coalesce(configured.criterion, computed.criterion) as criterion,
        case
            when computed.criterion is null then 'configured but not computed'
            else 'computed but not configured'
        end as problem
    from scoring_criteria as configured
    full outer join computed
        on configured.criterion = computed.criterion
    where configured.criterion is null or computed.criterion is null

)

select distinct * from compared
{%- if execute and code_criteria | length == 0 %}
-- The criteria list is empty: fail rather than pass blindly.
union all
select '{{ values_macro }}' as criterion, 'no criteria in the macro' as problem
{%- endif %}
{% endmacro %}
