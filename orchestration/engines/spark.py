"""Spark (local, dbt-spark session mode): the session, and the raw layer of a DuckDB
warehouse saved as tables of the Spark database `raw`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from orchestration.engines.raw import raw_table_columns
from orchestration.ingest.schema import RAW_SCHEMA
from orchestration.settings import DATA_DIR
from orchestration.sql import sql_ident


def default_spark_dir() -> Path:
    return Path(os.environ.get("PYRAMID_SPARK_DIR") or DATA_DIR / "spark").resolve()


def spark_conf(spark_dir: Path) -> dict[str, str]:
    """The Spark session settings of the `spark` dbt target (profiles.yml), for `spark_dir`.

    The warehouse folder and the Derby metastore are set explicitly: by default Spark
    puts both in the working directory.
    """
    spark_dir = Path(spark_dir)
    return {
        "spark.master": "local[2]",
        "spark.sql.warehouse.dir": f"{spark_dir}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # dbt-spark sets this for its sessions; the loader and reader match it.
        "spark.sql.ansi.enabled": "false",
    }


def spark_session(spark_dir: Path):
    """A local Spark session on the warehouse and metastore under `spark_dir`."""
    from pyspark.sql import SparkSession

    Path(spark_dir).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("customer-pyramid").enableHiveSupport()
    for key, value in spark_conf(spark_dir).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def load_raw_into_spark(warehouse: Path, spark_dir: Path) -> dict[str, int]:
    """Replace the Spark database `raw` with the raw tables of `warehouse`.

    Each table is written to Parquet by DuckDB and saved as a managed Parquet table.
    DuckDB's timestamps carry no time zone; Spark reads them as TIMESTAMP_NTZ, which is
    cast to TIMESTAMP in the UTC session, keeping the wall-clock time. Starts (and stops)
    a Spark session in this process: no other process may hold the metastore meanwhile.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType

    spark_dir = Path(spark_dir)
    staging = spark_dir / "raw_parquet"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with duckdb.connect(str(warehouse), read_only=True) as source:
        tables = list(raw_table_columns(source))
        for table in tables:
            source.execute(
                f"copy (select * from {RAW_SCHEMA}.{sql_ident(table)}) "
                f"to '{staging / table}.parquet' (format parquet)"
            )
    spark = spark_session(spark_dir)
    counts: dict[str, int] = {}
    try:
        spark.sql(f"drop database if exists {RAW_SCHEMA} cascade")
        spark.sql(f"create database {RAW_SCHEMA}")
        for table in tables:
            frame = spark.read.parquet(str(staging / f"{table}.parquet"))
            frame = frame.select(
                [
                    F.col(field.name).cast("timestamp").alias(field.name)
                    if isinstance(field.dataType, TimestampNTZType)
                    else F.col(field.name)
                    for field in frame.schema.fields
                ]
            )
            frame.write.format("parquet").mode("overwrite").saveAsTable(f"{RAW_SCHEMA}.{table}")
            counts[table] = spark.table(f"{RAW_SCHEMA}.{table}").count()
    finally:
        spark.stop()
        shutil.rmtree(staging, ignore_errors=True)
    return counts
