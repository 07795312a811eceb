"""The same dbt project on PostgreSQL and Spark: load the raw layer, run dbt, read the marts.

DuckDB stays the warehouse of record: the ingestion (`orchestration.ingest`) validates and
types the exports into `raw.*` of a DuckDB file. To build the dbt project on another
engine, the raw tables of such a file are copied as they are (same rows, same types,
rejects and run log included) into that engine's `raw` schema, and dbt runs with
`--target postgres` or `--target spark` (targets in `dbt_project/profiles.yml`). The
models, tests, seeds and vars are the same on every engine.

* PostgreSQL: `load_raw_into_postgres` creates `raw.<table>` with the DuckDB column types
  translated, and streams every table through COPY (CSV written by DuckDB). Connection
  from `PYRAMID_PG_HOST/PORT/USER/PASSWORD/DATABASE`, as in the profile.
  `private_postgres` starts a throw-away cluster (initdb + pg_ctl, 127.0.0.1) for tests
  and benchmarks.
* Spark (local, dbt-spark session mode): `load_raw_into_spark` writes each raw table to
  Parquet with DuckDB and saves it as a table in the Spark database `raw`, in the
  warehouse and Derby metastore under `PYRAMID_SPARK_DIR`. Derby admits one process at
  a time: load, run dbt and read the marts in separate processes, one after the other
  (the CLI below is such a process).

`read_marts` reads every mart (and the kind-history snapshot) normalised for comparison
across engines: columns by name, amounts rounded to the cent, dates and timestamps as
ISO text, rows sorted.

CLI (one engine step per process)::

    python -m orchestration.engines start-postgres --dir /tmp/pg --port 55432
    python -m orchestration.engines load-postgres --warehouse data/warehouse.duckdb
    python -m orchestration.engines load-spark --warehouse data/warehouse.duckdb --spark-dir D
    python -m orchestration.engines read-marts --engine spark --spark-dir D --out marts.json

Modules: `raw` (the DuckDB raw layer), `postgres`, `spark`, `dbt` (runs and the build
sequence), `compare` (normalised marts and their differences), `__main__` (the CLI).
"""

from orchestration.engines.compare import (
    diff_marts,
    normalise_relation,
    normalise_value,
    read_marts,
)
from orchestration.engines.dbt import BUILD_SEQUENCE, DbtRun, build_args, run_dbt
from orchestration.engines.postgres import (
    PostgresSettings,
    ensure_postgres_database,
    load_raw_into_postgres,
    private_postgres,
)
from orchestration.engines.raw import raw_table_columns
from orchestration.engines.spark import default_spark_dir, load_raw_into_spark, spark_conf

# The dbt project every engine builds (benchmarks/engine_postgres.py reads it from here).
from orchestration.settings import DBT_PROJECT_DIR

__all__ = [
    "BUILD_SEQUENCE",
    "DBT_PROJECT_DIR",
    "DbtRun",
    "PostgresSettings",
    "build_args",
    "default_spark_dir",
    "diff_marts",
    "ensure_postgres_database",
    "load_raw_into_postgres",
    "load_raw_into_spark",
    "normalise_relation",
    "normalise_value",
    "private_postgres",
    "raw_table_columns",
    "read_marts",
    "run_dbt",
    "spark_conf",
]
