"""One engine step per process: `python -m orchestration.engines start-postgres|load-postgres|
load-spark|read-marts ...` (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from orchestration.engines.compare import read_marts
from orchestration.engines.postgres import (
    PostgresSettings,
    _postgres_bin_dir,
    load_raw_into_postgres,
    private_postgres,
)
from orchestration.engines.spark import default_spark_dir, load_raw_into_spark


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
