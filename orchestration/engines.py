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
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from orchestration.settings import DATA_DIR, DBT_PROJECT_DIR

RAW_SCHEMA = "raw"
# Schemas whose relations are compared across engines: what users query, and history.
COMPARED_SCHEMAS = ("marts", "history")
# Snapshot bookkeeping that records when a build ran, not what it found.
RUN_TIME_COLUMNS = ("dbt_valid_from", "dbt_updated_at", "dbt_scd_id")
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PostgresSettings:
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = ""
    database: str = "customer_pyramid"
    data_dir: Path | None = field(default=None, compare=False)
    """The cluster's data folder, when this process started it (`private_postgres`)."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PostgresSettings:
        """The connection the `postgres` dbt target uses (same variables, same defaults)."""
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("PYRAMID_PG_HOST") or cls.host,
            port=int(env.get("PYRAMID_PG_PORT") or cls.port),
            user=env.get("PYRAMID_PG_USER") or cls.user,
            password=env.get("PYRAMID_PG_PASSWORD") or cls.password,
            database=env.get("PYRAMID_PG_DATABASE") or cls.database,
        )

    def dbt_env(self) -> dict[str, str]:
        """Environment for dbt's `postgres` target."""
        return {
            "PYRAMID_PG_HOST": self.host,
            "PYRAMID_PG_PORT": str(self.port),
            "PYRAMID_PG_USER": self.user,
            "PYRAMID_PG_PASSWORD": self.password,
            "PYRAMID_PG_DATABASE": self.database,
        }

    def connect(self, database: str | None = None):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=database or self.database,
        )


def _postgres_bin_dir() -> Path:
    """The newest installed PostgreSQL server binaries (Debian keeps them off the PATH)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise FileNotFoundError("PostgreSQL server binaries not found: apt-get install -y postgresql")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_postgres(port: int | None = None, keep: bool = False) -> Iterator[PostgresSettings]:
    """A throw-away PostgreSQL cluster on 127.0.0.1 in a temporary folder.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user
    (the Debian package creates it). The cluster uses the C collation and no fsync: it
    holds test data only. Stopped and removed on exit unless `keep`.
    """
    bin_dir = _postgres_bin_dir()
    port = port or free_port()
    base = Path(tempfile.mkdtemp(prefix="pyramid-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = base / "data"

    def run(args: list[str]) -> None:
        subprocess.run(as_owner + args, check=True, capture_output=True, text=True)

    run(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--locale=C", "--no-sync"]
    )  # fmt: skip
    options = (
        f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off"
    )
    run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
         "-o", options, "-w", "start"])  # fmt: skip
    try:
        yield PostgresSettings(host="127.0.0.1", port=port, user="postgres", data_dir=data)
    finally:
        if not keep:
            subprocess.run(
                [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                capture_output=True,
            )
            shutil.rmtree(base, ignore_errors=True)


def _postgres_type(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    if upper in ("VARCHAR", "TEXT") or upper.startswith("VARCHAR"):
        return "text"
    if upper == "DOUBLE":
        return "double precision"
    if upper.startswith("DECIMAL"):
        return "numeric" + upper[len("DECIMAL") :]
    if upper == "TIMESTAMP WITH TIME ZONE":
        return "timestamptz"
    # BIGINT, INTEGER, SMALLINT, BOOLEAN, DATE, TIMESTAMP mean the same in PostgreSQL.
    return duckdb_type.lower()


def raw_table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every table of the raw schema of a DuckDB warehouse: its columns and their types."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_schema = ?
        order by table_name, ordinal_position
        """,
        [RAW_SCHEMA],
    ).fetchall():
        tables.setdefault(table, []).append((column, data_type))
    if not tables:
        raise ValueError("the DuckDB warehouse has no raw tables: run the ingestion first")
    return tables


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_postgres_database(pg: PostgresSettings) -> None:
    """Create the database when missing, with the C collation (byte order, as DuckDB)."""
    con = pg.connect(database="postgres")
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", [pg.database])
            if cur.fetchone() is None:
                cur.execute(
                    f"create database {_quote(pg.database)} "
                    "template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'"
                )
    finally:
        con.close()


def load_raw_into_postgres(warehouse: Path, pg: PostgresSettings) -> dict[str, int]:
    """Replace the `raw` schema of the PostgreSQL database with the raw tables of `warehouse`.

    Each table goes through CSV written by DuckDB and PostgreSQL's COPY: NULL is an empty
    field, an empty string a quoted one, so both survive. Returns rows per table.
    """
    ensure_postgres_database(pg)
    counts: dict[str, int] = {}
    with (
        duckdb.connect(str(warehouse), read_only=True) as source,
        tempfile.TemporaryDirectory(prefix="pyramid-raw-") as tmp,
    ):
        tables = raw_table_columns(source)
        con = pg.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"drop schema if exists {RAW_SCHEMA} cascade")
                cur.execute(f"create schema {RAW_SCHEMA}")
                for table, columns in tables.items():
                    target = f"{RAW_SCHEMA}.{_quote(table)}"
                    column_ddl = ", ".join(
                        f"{_quote(name)} {_postgres_type(data_type)}" for name, data_type in columns
                    )
                    cur.execute(f"create table {target} ({column_ddl})")
                    csv_path = Path(tmp) / f"{table}.csv"
                    source.execute(
                        f"copy (select * from {RAW_SCHEMA}.{_quote(table)}) to '{csv_path}' "
                        "(format csv, header true, null '')"
                    )
                    with csv_path.open(encoding="utf-8") as handle:
                        cur.copy_expert(
                            f"copy {target} from stdin with (format csv, header true)", handle
                        )
                    csv_path.unlink()
                    cur.execute(f"select count(*) from {target}")
                    counts[table] = cur.fetchone()[0]
                    cur.execute(f"analyze {target}")
        finally:
            con.close()
    return counts


# --------------------------------------------------------------------------- Spark


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
                f"copy (select * from {RAW_SCHEMA}.{_quote(table)}) "
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


# --------------------------------------------------------------------------- dbt


@dataclass(frozen=True)
class DbtRun:
    args: list[str]
    returncode: int
    seconds: float
    statuses: dict[str, str]
    """unique_id -> status of every node dbt ran (run_results.json)."""
    log: str


def run_dbt(
    target: str,
    args: list[str],
    env: dict[str, str],
    work_dir: Path,
    timeout: float = 3600,
) -> DbtRun:
    """One `dbt <args> --target <target>` in its own process, with its own target and log
    folders under `work_dir` (so runs on several engines never share build output)."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    dbt = Path(sys.executable).parent / "dbt"
    command = [
        str(dbt), *args, "--target", target, "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    seconds = time.perf_counter() - started
    results_file = work_dir / "target" / "run_results.json"
    statuses = {}
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8"))
        statuses = {result["unique_id"]: result["status"] for result in results["results"]}
        results_file.unlink()
    return DbtRun(command, completed.returncode, seconds, statuses, completed.stdout)


# The builds every engine runs for the comparison: a first build at the first review of
# the demo year (everything, unit tests included, with the review freezing 2026-H2), then
# the next review at the end of the demo data, which reads the history the first froze
# (incremental service_level_reviews, a second version in the kind snapshot).
BUILD_SEQUENCE: tuple[tuple[str, str, bool], ...] = (
    ("2026-07-01", "2026-H2", True),
    ("2026-11-23", "2027-H1", False),
)


def build_args(as_of: str, review_period: str, unit_tests: bool) -> list[str]:
    args = ["build", "--vars", json.dumps({"as_of": as_of, "review_period": review_period})]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


# --------------------------------------------------------------------------- comparison


def normalise_value(value):
    """One value in a form that is equal across engines: numbers to the cent (as text),
    dates and timestamps as ISO text (no time zone), booleans and text as they are."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Decimal):
        rounded = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        return str(rounded + 0)  # + 0 turns -0.00 into 0.00
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def normalise_relation(columns: list[str], rows: list[tuple]) -> dict:
    """A relation as {columns, rows}: columns sorted by name, rows sorted.

    The snapshot's run-time columns are left out and dbt_valid_to becomes whether the
    version is current: the engines ran at different moments, not on different data.
    """
    names = [name.lower() for name in columns]
    keep = sorted((name, index) for index, name in enumerate(names) if name not in RUN_TIME_COLUMNS)
    normalised = []
    for row in rows:
        values = []
        for name, index in keep:
            value = row[index]
            if name == "dbt_valid_to":
                value = "current" if value is None else "closed"
            values.append(normalise_value(value))
        normalised.append(values)
    normalised.sort(key=lambda values: [(value is None, str(value)) for value in values])
    return {"columns": [name for name, _ in keep], "rows": normalised}


def _read_duckdb(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {COMPARED_SCHEMAS} and table_type = 'BASE TABLE'"
        ).fetchall()
        result = {}
        for schema, table in relations:
            cursor = con.execute(f"select * from {schema}.{_quote(table)}")
            columns = [description[0] for description in cursor.description]
            result[f"{schema}.{table}"] = normalise_relation(columns, cursor.fetchall())
        return result


def _read_postgres(pg: PostgresSettings) -> dict[str, dict]:
    con = pg.connect()
    try:
        with con.cursor() as cur:
            cur.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema = any(%s) and table_type = 'BASE TABLE'",
                [list(COMPARED_SCHEMAS)],
            )
            relations = cur.fetchall()
            result = {}
            for schema, table in relations:
                cur.execute(f"select * from {schema}.{_quote(table)}")
                columns = [description[0] for description in cur.description]
                result[f"{schema}.{table}"] = normalise_relation(columns, cur.fetchall())
            return result
    finally:
        con.close()


def _read_spark(spark_dir: Path) -> dict[str, dict]:
    spark = spark_session(spark_dir)
    try:
        existing = {row[0] for row in spark.sql("show databases").collect()}
        result = {}
        for schema in COMPARED_SCHEMAS:
            if schema not in existing:
                continue
            for row in spark.sql(f"show tables in {schema}").collect():
                if row.isTemporary:
                    continue
                frame = spark.table(f"{schema}.{row.tableName}")
                rows = [tuple(record) for record in frame.collect()]
                result[f"{schema}.{row.tableName}"] = normalise_relation(frame.columns, rows)
        return result
    finally:
        spark.stop()


def read_marts(
    engine: str,
    *,
    warehouse: Path | None = None,
    pg: PostgresSettings | None = None,
    spark_dir: Path | None = None,
) -> dict[str, dict]:
    """Every table in the marts and history schemas of one engine, normalised."""
    if engine == "duckdb":
        return _read_duckdb(Path(warehouse))
    if engine == "postgres":
        return _read_postgres(pg or PostgresSettings.from_env())
    if engine == "spark":
        return _read_spark(Path(spark_dir or default_spark_dir()))
    raise ValueError(f"unknown engine {engine!r}: duckdb, postgres or spark")


def diff_marts(reference: dict[str, dict], other: dict[str, dict]) -> list[str]:
    """What differs between two `read_marts` results, one line per relation (empty: equal)."""
    problems = []
    for name in sorted(set(reference) | set(other)):
        if name not in other:
            problems.append(f"{name}: missing")
            continue
        if name not in reference:
            problems.append(f"{name}: not in the reference")
            continue
        expected, actual = reference[name], other[name]
        if expected["columns"] != actual["columns"]:
            only_expected = sorted(set(expected["columns"]) - set(actual["columns"]))
            only_actual = sorted(set(actual["columns"]) - set(expected["columns"]))
            problems.append(
                f"{name}: columns differ, only in the reference {only_expected}, "
                f"only here {only_actual}"
            )
            continue
        expected_rows = [tuple(row) for row in expected["rows"]]
        actual_rows = [tuple(row) for row in actual["rows"]]
        if expected_rows != actual_rows:
            missing = sorted(set(expected_rows) - set(actual_rows), key=str)
            extra = sorted(set(actual_rows) - set(expected_rows), key=str)
            detail = ""
            if missing and extra:
                pairs = zip(expected["columns"], missing[0], extra[0], strict=True)
                detail = "; first difference: " + ", ".join(
                    f"{column}: {want!r} != {got!r}" for column, want, got in pairs if want != got
                )
            problems.append(
                f"{name}: {len(expected_rows)} rows in the reference, {len(actual_rows)} here, "
                f"{len(missing)} missing, {len(extra)} not in the reference{detail}"
            )
    return problems


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.engines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    start = commands.add_parser(
        "start-postgres", help="start a private PostgreSQL cluster (prints its variables)"
    )
    start.add_argument("--port", type=int, default=None)

    for name in ("load-postgres", "load-spark"):
        load = commands.add_parser(name, help="copy the raw tables of a DuckDB warehouse")
        load.add_argument("--warehouse", type=Path, required=True)
        if name == "load-spark":
            load.add_argument("--spark-dir", type=Path, default=None)

    read = commands.add_parser("read-marts", help="write the normalised marts as JSON")
    read.add_argument("--engine", choices=("duckdb", "postgres", "spark"), required=True)
    read.add_argument("--warehouse", type=Path, default=None)
    read.add_argument("--spark-dir", type=Path, default=None)
    read.add_argument("--out", type=Path, required=True)

    args = parser.parse_args(argv)
    if args.command == "start-postgres":
        cluster = private_postgres(port=args.port, keep=True)
        pg = cluster.__enter__()
        for key, value in pg.dbt_env().items():
            print(f"export {key}={value}")
        owner = "runuser -u postgres -- " if os.geteuid() == 0 else ""
        print(f"# stop it with: {owner}{_postgres_bin_dir()}/pg_ctl -D {pg.data_dir} stop")
        return 0
    if args.command == "load-postgres":
        counts = load_raw_into_postgres(args.warehouse, PostgresSettings.from_env())
    elif args.command == "load-spark":
        counts = load_raw_into_spark(args.warehouse, args.spark_dir or default_spark_dir())
    else:
        marts = read_marts(args.engine, warehouse=args.warehouse, spark_dir=args.spark_dir)
        args.out.write_text(json.dumps(marts), encoding="utf-8")
        counts = {name: len(relation["rows"]) for name, relation in marts.items()}
    # Rows per table, as the last line of the output (Spark may print before it).
    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
