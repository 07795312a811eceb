"""PostgreSQL: connection settings, a private throw-away cluster, and the raw layer of a
DuckDB warehouse copied into it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.engines.raw import raw_table_columns
from orchestration.ingest.schema import RAW_SCHEMA
from orchestration.sql import sql_ident


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


def ensure_postgres_database(pg: PostgresSettings) -> None:
    """Create the database when missing, with the C collation (byte order, as DuckDB)."""
    con = pg.connect(database="postgres")
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", [pg.database])
            if cur.fetchone() is None:
                cur.execute(
                    f"create database {sql_ident(pg.database)} "
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
                    target = f"{RAW_SCHEMA}.{sql_ident(table)}"
                    column_ddl = ", ".join(
                        f"{sql_ident(name)} {_postgres_type(data_type)}"
                        for name, data_type in columns
                    )
                    cur.execute(f"create table {target} ({column_ddl})")
                    csv_path = Path(tmp) / f"{table}.csv"
                    source.execute(
                        f"copy (select * from {RAW_SCHEMA}.{sql_ident(table)}) to '{csv_path}' "
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
