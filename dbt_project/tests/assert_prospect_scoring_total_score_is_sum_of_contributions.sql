-- total_score is exactly the sum of the prospect's contributions (weight x score) shown
-- in prospect_score_components: the rating a salesperson sees is the one explained.
with

prospect_scores as (

    select * from {{ ref('prospect_scores') }}

),

prospect_score_components as (

    select * from {{ ref('prospect_score_components') }}

),

summed as (

    select
        relation_id,
        sum(contribution) as contribution_total,
        sum(weight * score) as weight_times_score_total
    from prospect_score_components
    group by relation_id

),

compared as (

    select
        prospect_scores.relation_id,
        prospect_scores.total_score,
        summed.contribution_total,
        summed.weight_times_score_total
    from prospect_scores
    full outer join summed
        on prospect_scores.relation_id = summed.relation_id

)

select *
from compared
where
    relation_id is null
    or total_score is null
    or contribution_total is null
    or abs(total_score - contribution_total) > 0.000001
    or abs(total_score - weight_times_score_total) > 0.000001
