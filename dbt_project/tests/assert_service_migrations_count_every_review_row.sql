-- marts.service_level_migrations counts every row of service_level_reviews once: per review
-- period, previous level (empty for new customers) and assigned level the counts agree, and
-- no cell exists on one side only. Returns the cells that disagree.
with

service_level_migrations as (

    select * from {{ ref('service_level_migrations') }}

),

service_level_reviews as (

    select * from {{ ref('service_level_reviews') }}

),

review_counts as (

    select
        review_period,
        coalesce(previous_level, '-') as previous_level,
        assigned_level,
        count(*) as relation_count
    from service_level_reviews
    group by review_period, coalesce(previous_level, '-'), assigned_level

),

migration_counts as (

    select
        review_period,
        coalesce(previous_level, '-') as previous_level,
        assigned_level,
        relation_count
    from service_level_migrations

),

final as (

    select
        coalesce(review_counts.review_period, migration_counts.review_period) as review_period,
        coalesce(review_counts.previous_level, migration_counts.previous_level) as previous_level,
        coalesce(review_counts.assigned_level, migration_counts.assigned_level) as assigned_level,
        review_counts.relation_count as review_relation_count,
        migration_counts.relation_count as migration_relation_count
    from review_counts
    full outer join migration_counts
        on review_counts.review_period = migration_counts.review_period
            and review_counts.previous_level = migration_counts.previous_level
            and review_counts.assigned_level = migration_counts.assigned_level
    where
        coalesce(review_counts.relation_count, -1)
        <> coalesce(migration_counts.relation_count, -1)

)

select * from final
