-- The criteria weights should sum to 1: only then is total_score on the 1-5 scale of the
-- scores and var score_cutoff (3.0 by default) means what it says. A warning, not an
-- error: a BI team trying other weights should still get a build.
{{ config(severity='warn') }}

select sum(weight) as weight_total
from {{ ref('scoring_criteria') }}
having abs(sum(weight) - 1) > 0.0001
