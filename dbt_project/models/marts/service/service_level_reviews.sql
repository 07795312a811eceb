{#- Frozen history of the half-yearly reviews (docs/business-rules.md section 8). Only a review run
    (var review_period = YYYY-H1/H2) writes rows, and only for that period: delete+insert
    on (relation_id, review_period) replaces the period's rows, and the pre-hook first
    clears the whole period, so a relation that dropped out since an earlier run of the
    same review leaves no stale row: a repeated review is idempotent. full_refresh=false
    keeps `dbt build --full-refresh` from wiping the history. On Spark (Parquet, no
    delete) the same is an insert_overwrite of the review_period partition: see
    macros/review_history/service_review_history_config.sql. -#}
{{
    config(
        materialized='incremental',
        unique_key=['relation_id', 'review_period'],
        incremental_strategy=service_review_history_strategy(),
        partition_by=service_review_history_partition_by(),
        full_refresh=false,
        on_schema_change='append_new_columns',
        pre_hook=service_clear_review_period()
    )
}}

{%- set review_period = var('review_period', '') | string | trim -%}
{%- if review_period and not modules.re.match('^[0-9]{4}-H[12]$', review_period) -%}
    {{ exceptions.raise_compiler_error(
        "review_period must look like 2027-H1 or 2027-H2, got: " ~ review_period) }}
{%- endif %}

with

service_level_proposals as (

    select * from {{ ref('service_level_proposals') }}

),

service_level_overrides as (

    select * from {{ ref('int_service_level_overrides') }}
    where review_period = '{{ review_period }}'

),

{% if is_incremental() %}

earlier_reviews as (

    -- Strictly earlier periods only: re-running a period must not see its own rows as
    -- "previous". The period format sorts chronologically as text.
    select * from {{ this }}
    where review_period < '{{ review_period }}'

),

{% else %}

earlier_reviews as (

    -- First build: no history yet. Typed like the real table so the columns line up.
    select
        cast(null as {{ dbt.type_string() }}) as relation_id,
        cast(null as {{ dbt.type_string() }}) as review_period,
        cast(null as {{ dbt.type_string() }}) as assigned_level
    from service_level_proposals
    where 1 = 0

),

{% endif %}

latest_earlier_review as (

    select
        relation_id,
        assigned_level,
        row_number() over (
            partition by relation_id
            order by review_period desc
        ) as recency_rank
    from earlier_reviews

),

previous_levels as (

    select
        relation_id,
        assigned_level as previous_level
    from latest_earlier_review
    where recency_rank = 1

),

decided as (

    select
        service_level_proposals.relation_id,
        previous_levels.previous_level,
        service_level_proposals.proposed_level,
        service_level_overrides.level as override_level,
        coalesce(service_level_overrides.level, service_level_proposals.proposed_level)
            as assigned_level,
        service_level_overrides.reason as override_reason,
        service_level_overrides.decided_by,
        service_level_overrides.decided_at,
        service_level_proposals.abc_class,
        service_level_proposals.revenue_12m,
        service_level_proposals.estimated_annual_spend,
        service_level_proposals.growth_potential,
        service_level_proposals.revenue_score,
        service_level_proposals.potential_score,
        service_level_proposals.account_manager_id,
        service_level_proposals.as_of_date
    from service_level_proposals
    left join previous_levels
        on service_level_proposals.relation_id = previous_levels.relation_id
    left join service_level_overrides
        on service_level_proposals.relation_id = service_level_overrides.relation_id

),

moved as (

    select
        decided.*,
        -- Levels rank A (1) > B (2) > C (3): a lower rank number is a better level.
        case
            when decided.previous_level is null then 'new'
            when {{ service_level_rank('assigned_level') }}
                < {{ service_level_rank('previous_level') }} then 'promoted'
            when {{ service_level_rank('assigned_level') }}
                > {{ service_level_rank('previous_level') }} then 'demoted'
            else 'unchanged'
        end as movement
    from decided

),

final as (

    select
        cast(relation_id as {{ dbt.type_string() }}) as relation_id,
        cast('{{ review_period }}' as {{ dbt.type_string() }}) as review_period,
        cast(previous_level as {{ dbt.type_string() }}) as previous_level,
        cast(proposed_level as {{ dbt.type_string() }}) as proposed_level,
        cast(override_level as {{ dbt.type_string() }}) as override_level,
        cast(assigned_level as {{ dbt.type_string() }}) as assigned_level,
        cast(movement as {{ dbt.type_string() }}) as movement,
        cast(override_reason as {{ dbt.type_string() }}) as override_reason,
        cast(decided_by as {{ dbt.type_string() }}) as decided_by,
        cast(decided_at as {{ dbt.type_timestamp() }}) as decided_at,
        -- The facts behind the proposal, frozen with it so a review stays explainable.
        cast(abc_class as {{ dbt.type_string() }}) as abc_class,
        cast(revenue_12m as decimal(18, 2)) as revenue_12m,
        cast(estimated_annual_spend as decimal(18, 2)) as estimated_annual_spend,
        cast(growth_potential as decimal(18, 2)) as growth_potential,
        cast(revenue_score as integer) as revenue_score,
        cast(potential_score as integer) as potential_score,
        cast(account_manager_id as {{ dbt.type_string() }}) as account_manager_id,
        cast(as_of_date as date) as as_of_date
    from moved
    -- The nightly run (no review period) writes nothing; the first build still creates
    -- the empty, typed table.
    {% if not review_period %}
    where 1 = 0
    {% endif %}

)

select * from final
