-- Every customer (active or inactive) is rated on every configured criterion exactly
-- once, and has one row in customer_scores: nobody drops out of the rating unseen.
with

relation_kinds as (

    select * from {{ ref('relation_kinds') }}
    where relation_kind in ('active', 'inactive')

),

scoring_criteria as (

    select * from {{ ref('scoring_criteria') }}

),

customer_score_components as (

    select * from {{ ref('customer_score_components') }}

),

customer_scores as (

    select * from {{ ref('customer_scores') }}

),

expected as (

    select count(*) as criterion_count from scoring_criteria

),

component_counts as (

    select
        relation_id,
        count(*) as component_count,
        count(distinct criterion) as distinct_criterion_count
    from customer_score_components
    group by relation_id

),

score_counts as (

    select
        relation_id,
        count(*) as score_row_count
    from customer_scores
    group by relation_id

),

checked as (

    select
        relation_kinds.relation_id,
        coalesce(component_counts.component_count, 0) as component_count,
        coalesce(component_counts.distinct_criterion_count, 0) as distinct_criterion_count,
        expected.criterion_count,
        coalesce(score_counts.score_row_count, 0) as score_row_count
    from relation_kinds
    cross join expected
    left join component_counts
        on relation_kinds.relation_id = component_counts.relation_id
    left join score_counts
        on relation_kinds.relation_id = score_counts.relation_id

)

select *
from checked
where
    component_count <> criterion_count
    or distinct_criterion_count <> criterion_count
    or score_row_count <> 1
