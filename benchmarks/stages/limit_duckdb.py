"""The limit: the same marts from one DuckDB script in one connection, no orchestration.

`python -m benchmarks.stages.limit_duckdb --sources DIR --db FILE --manifest MANIFEST --json OUT`

1. `load`: every source file as `CREATE TABLE raw.<table> AS SELECT * FROM read_csv(...)`
   with the contract's types given up front: no validation, no rejects, no line
   numbers, no run log (the two bookkeeping tables are created empty, as the
   data-quality marts read them).
2. `models`: the seeds (typed as their `column_types`), then the compiled SQL of every
   dbt model and snapshot from a `dbt compile` manifest, in dependency order, each as
   `CREATE TABLE` (or `CREATE VIEW` where the model is a view in dbt, so the limit
   does the same work as the real build, not more). No tests, no hooks, no documentation
   comments, no transactions per model. The snapshot is built as its first run would be:
   the snapshotted model plus the four dbt_* columns.

This is what the pipeline's logic costs on this machine with nothing around it; stage
`refresh` and `dbt_build` are compared with it (`ratio_to_limit`).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import duckdb

from benchmarks.dbt_tools import manifest_build_order
from orchestration.ingest import ensure_raw_schema, find_source_file
from orchestration.ingest.contract import RAW_SQL_TYPE, SOURCE_TABLES


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def typed_read_csv_sql(path: Path, table) -> str:
    """`read_csv(...)` of `path` with every column typed by the contract (other columns
    as text): no validation, no rejects, no line numbers."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        header = next(csv.reader(file))
    types = {column.name: RAW_SQL_TYPE[column.type] for column in table.columns}
    columns = ", ".join(
        f"{_quote(name)}: {_quote(types.get(name.strip().lower(), 'varchar'))}" for name in header
    )
    return (
        f"read_csv({_quote(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}})"
    )


def plain_load_sql(path: Path, table) -> str:
    """CREATE TABLE AS over read_csv with every column typed by the contract."""
    return (
        f"CREATE OR REPLACE TABLE raw.{_ident(table.name)} AS SELECT * FROM "
        f"{typed_read_csv_sql(path, table)}"
    )


def load(con: duckdb.DuckDBPyConnection, sources: Path) -> list[dict]:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    ensure_raw_schema(con)  # the two empty bookkeeping tables the dq marts read
    timings = []
    for table in SOURCE_TABLES:
        path = find_source_file(sources, table)
        started = time.perf_counter()
        con.execute(plain_load_sql(path, table))
        rows = con.execute(f"SELECT count(*) FROM raw.{_ident(table.name)}").fetchone()[0]
        timings.append(
            {"table": table.name, "seconds": time.perf_counter() - started, "rows": rows}
        )
    return timings


def _seed_sql(item: dict) -> str:
    types = {
        name: (value if "{" not in str(value) else "varchar")
        for name, value in item["column_types"].items()
    }
    options = ""
    if types:
        options = (
            ", types = {"
            + ", ".join(f"{_quote(name)}: {_quote(str(value))}" for name, value in types.items())
            + "}"
        )
    return (
        f"CREATE OR REPLACE TABLE {item['relation_name']} AS SELECT * FROM read_csv("
        f"{_quote(item['seed_path'])}, header = true{options})"
    )


def build_models(con: duckdb.DuckDBPyConnection, manifest: Path) -> list[dict]:
    items = manifest_build_order(manifest)
    schemas = sorted({item["schema"] for item in items})
    for schema in schemas:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
    timings = []
    for item in items:
        kind, relation = item["resource_type"], item["relation_name"]
        if kind == "seed":
            sql = _seed_sql(item)
        elif kind == "snapshot":
            sql = (
                f"CREATE OR REPLACE TABLE {relation} AS SELECT *, "
                "md5(relation_id::varchar || now()::varchar) AS dbt_scd_id, "
                "now()::timestamp AS dbt_updated_at, now()::timestamp AS dbt_valid_from, "
                f"NULL::timestamp AS dbt_valid_to FROM ({item['compiled_code']})"
            )
        elif item["materialized"] == "ephemeral":
            continue  # inlined as a CTE into the models that use it
        elif item["materialized"] == "view":
            sql = f"CREATE OR REPLACE VIEW {relation} AS {item['compiled_code']}"
        else:  # table, incremental (its first build), anything else materialised
            sql = f"CREATE OR REPLACE TABLE {relation} AS {item['compiled_code']}"
        started = time.perf_counter()
        con.execute(sql)
        timings.append(
            {
                "name": item["name"],
                "resource_type": kind,
                "materialized": item["materialized"],
                "seconds": time.perf_counter() - started,
            }
        )
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)

    for suffix in ("", ".wal"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(args.db)) as con:
        load_started = time.perf_counter()
        load_timings = load(con, args.sources)
        load_seconds = time.perf_counter() - load_started
        models_started = time.perf_counter()
        model_timings = build_models(con, args.manifest)
        con.execute("CHECKPOINT")
        models_seconds = time.perf_counter() - models_started
    total = time.perf_counter() - started
    args.json.write_text(
        json.dumps(
            {
                "seconds": total,
                "load_seconds": load_seconds,
                "models_seconds": models_seconds,
                "load": load_timings,
                "models": model_timings,
            },
            indent=1,
        )
    )
    print(f"load {load_seconds:.2f} s, models {models_seconds:.2f} s, total {total:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
