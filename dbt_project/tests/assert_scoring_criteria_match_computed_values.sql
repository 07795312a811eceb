-- Every criterion configured in seeds/scoring_criteria.csv is computed by
-- int_relations_criteria_unpivoted, and every computed criterion is configured: a
-- criterion in one place only would silently drop out of the scores.
-- The computed criteria are read twice: from the model's code (its `'<name>' as criterion`
-- literals, so the check also bites on an empty warehouse, e.g. in CI) and from its rows.
{%- set code_criteria = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.name == 'int_relations_criteria_unpivoted' -%}
        {%- for name in modules.re.findall("'([a-z0-9_]+)' as criterion", node.raw_code) -%}
            {%- do code_criteria.append(name) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

with

scoring_criteria as (

    select * from {{ ref('scoring_criteria') }}

),

criteria_values as (

    select * from {{ ref('int_relations_criteria_unpivoted') }}

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
-- The model's criteria could not be read from its code: fail rather than pass blindly.
union all
select 'int_relations_criteria_unpivoted' as criterion, 'no criteria found in the model code' as problem
{%- endif %}
