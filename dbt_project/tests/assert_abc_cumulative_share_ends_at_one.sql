-- The Pareto curve ends at 100%: the last ranked relation's cumulative share is 1.
select max(cumulative_share) as final_share
from {{ ref('customer_abc') }}
having count(*) > 0 and abs(max(cumulative_share) - 1) > 0.000001
