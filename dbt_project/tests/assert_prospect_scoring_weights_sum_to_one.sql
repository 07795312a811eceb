-- The prospect criteria weights should sum to 1: only then is a prospect's total_score on
-- the 1-5 scale of the scores, like a customer's. A warning, not an error: a BI team
-- trying other weights should still get a build.
{{ config(severity='warn') }}

select sum(weight) as weight_total
from {{ ref('prospect_scoring_criteria') }}
having abs(sum(weight) - 1) > 0.0001
