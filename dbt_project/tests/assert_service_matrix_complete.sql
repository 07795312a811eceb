-- The service-level matrix seed must hold exactly one row for each of the nine
-- (revenue_score 1-3, potential_score 1-3) cells: a missing cell leaves customers without
-- a proposal, a duplicate one doubles them. Returns every cell that is missing, doubled
-- or out of range.
with

service_level_matrix as (

    select * from {{ ref('service_level_matrix') }}

),

scores as (

    select 1 as score
    union all
    select 2
    union all
    select 3

),

expected_cells as (

    select
        revenue_scores.score as revenue_score,
        potential_scores.score as potential_score
    from scores as revenue_scores
    cross join scores as potential_scores

),

actual_cells as (

    select
        revenue_score,
        potential_score,
        count(*) as row_count
    from service_level_matrix
    group by revenue_score, potential_score

),

final as (

    select
        coalesce(expected_cells.revenue_score, actual_cells.revenue_score) as revenue_score,
        coalesce(expected_cells.potential_score, actual_cells.potential_score) as potential_score,
        coalesce(actual_cells.row_count, 0) as row_count
    from expected_cells
    full outer join actual_cells
        on expected_cells.revenue_score = actual_cells.revenue_score
            and expected_cells.potential_score = actual_cells.potential_score
    where expected_cells.revenue_score is null
        or actual_cells.row_count is null
        or actual_cells.row_count <> 1

)

select * from final
