-- Every criterion configured in seeds/prospect_scoring_criteria.csv is computed by
-- int_prospects_criteria_unpivoted, and every computed criterion is configured: a
-- criterion in one place only would silently drop out of the scores.
-- The computed criteria are read twice: from the list the model is generated from
-- (macros/rules/prospect_scoring_criteria_values.sql, so the check also bites on an empty
-- warehouse, e.g. in CI) and from its rows.
{%- set code_criteria = [] -%}
{%- for entry in prospect_scoring_criteria_values() -%}
{%- do code_criteria.append(entry.criterion) -%}
{%- endfor %}

with

scoring_criteria as (

    select * from {{ ref('prospect_scoring_criteria') }}

),

criteria_values as (

    select * from {{ ref('int_prospects_criteria_unpivoted') }}

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
select 'prospect_scoring_criteria_values' as criterion, 'no criteria in the macro' as problem
{%- endif %}
