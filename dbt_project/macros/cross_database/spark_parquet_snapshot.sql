{#- Snapshots on Spark with plain Parquet tables.

    dbt-spark's snapshot materialization accepts only Delta, Iceberg or Hudi tables: it
    closes changed versions with MERGE, which Parquet tables do not have (and the Delta
    and Iceberg jars are not part of pyspark). This is dbt-spark 1.11's materialization
    with one change: for another file format (Parquet, the default) the merge is done as
    a rewrite. The new content of the snapshot - every existing version, with dbt_valid_to
    set where the staging relation closes it (a changed or, with hard_deletes: invalidate,
    a deleted row), plus the new versions - is written to a work table, and the snapshot
    is overwritten from it (INSERT OVERWRITE cannot read the table it overwrites). Same
    rows as the MERGE, at the cost of rewriting the table on every run: right for a
    history of a few versions per relation, not for billions of rows (use Delta there).
    With file_format delta, iceberg or hudi the MERGE of dbt-spark runs unchanged.
    Project materializations take precedence over the adapter's, on Spark only. -#}

{#- The rewritten snapshot as a work table; returns the work relation. -#}
{% macro spark_parquet_snapshot_rebuild(target_relation, staging_relation) %}
    {%- set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() -%}
    {%- set rebuild_relation = target_relation.incorporate(
        path={"identifier": target_relation.identifier ~ "__dbt_rebuild"}) -%}
    {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
    {%- set rebuild_sql -%}
        select
            {%- for column in target_columns %}
            {% if column.name | lower == columns.dbt_valid_to | lower -%}
            case
                when closing.{{ columns.dbt_scd_id }} is not null
                    then closing.{{ columns.dbt_valid_to }}
                else snapshotted.{{ columns.dbt_valid_to }}
            end as {{ adapter.quote(column.name) }}
            {%- else -%}
            snapshotted.{{ adapter.quote(column.name) }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ target_relation }} as snapshotted
        left join (
            select {{ columns.dbt_scd_id }}, {{ columns.dbt_valid_to }}
            from {{ staging_relation }}
            where dbt_change_type in ('update', 'delete')
        ) as closing
            on snapshotted.{{ columns.dbt_scd_id }} = closing.{{ columns.dbt_scd_id }}
            and snapshotted.{{ columns.dbt_valid_to }} is null
        union all
        select
            {%- for column in target_columns %}
            {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ staging_relation }}
        where dbt_change_type = 'insert'
    {%- endset -%}
    {% do adapter.drop_relation(rebuild_relation) %}
    {% call statement('build_snapshot_rebuild_relation') %}
        {{ create_table_as(False, rebuild_relation, rebuild_sql) }}
    {% endcall %}
    {% do return(rebuild_relation) %}
{% endmacro %}


{% materialization snapshot, adapter='spark' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}

  {%- set strategy_name = config.get('strategy') -%}
  {%- set unique_key = config.get('unique_key') %}
  {%- set file_format = config.get('file_format') or 'parquet' -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {%- set is_transactional = file_format in ['delta', 'iceberg', 'hudi'] -%}
  {%- if target_relation_exists and is_transactional
        and not target_relation.is_delta and not target_relation.is_iceberg
        and not target_relation.is_hudi -%}
    {% do exceptions.raise_compiler_error(
        "The existing table " ~ model.schema ~ "." ~ target_table
        ~ " is not in the configured format " ~ file_format) %}
  {% endif %}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}

      {{ adapter.valid_snapshot_target(target_relation, columns) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

      -- this may no-op if the database does not require column expansion
      {% do adapter.expand_target_column_types(from_relation=staging_table,
                                               to_relation=target_relation) %}

      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% do create_columns(target_relation, missing_columns) %}

      {% set source_columns = adapter.get_columns_in_relation(staging_table)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% set quoted_source_columns = [] %}
      {% for column in source_columns %}
        {% do quoted_source_columns.append(adapter.quote(column.name)) %}
      {% endfor %}

      {% if is_transactional %}
        {% set final_sql = snapshot_merge_sql(
              target = target_relation,
              source = staging_table,
              insert_cols = quoted_source_columns
           )
        %}
      {% else %}
        {% set rebuild_relation = spark_parquet_snapshot_rebuild(target_relation, staging_table) %}
        {% set final_sql %}
          insert overwrite table {{ target_relation }} select * from {{ rebuild_relation }}
        {% endset %}
      {% endif %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
  {% endif %}
  {% if rebuild_relation is defined %}
      {% do adapter.drop_relation(rebuild_relation) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
