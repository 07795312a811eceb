"""Benchmark the pipeline at scale, against the limit and a pandas peer (issue #5).

    python -m benchmarks.run [--scales small,medium] [--repeats 3] [--stages ...]

Per scale it generates (or reuses) demo sources under data/bench/<scale>/sources and
times, each stage as its own process, the median of `--repeats` runs:

  generate        the demo generator (invoice lines per second)
  ingest          every source table through orchestration.ingest.load_table
  limit           the same marts from one DuckDB script: plain typed load + compiled models
  limit_load      ... its load part (what `ingest` is compared with)
  limit_models    ... its model part (what `dbt_build` is compared with)
  dbt_build       `dbt build` alone on a warehouse that already holds the raw tables
  dbt_startup     dbt_build minus the time dbt spent executing nodes
  refresh         `python -m orchestration.cli refresh`: the whole Dagster nightly run
  refresh_overhead  refresh minus (ingest + dbt node time): Dagster + dbt fixed overhead
  peer            the core marts in pandas (benchmarks/peer_pandas.py)
  page:<name>     dashboard pages, from benchmarks/bench_dashboard.py when it exists

See benchmarks/README.md for what each figure means. Timings on a shared machine are
noisy: every row is a median, and `cpu_seconds` (CPU time of the process tree) is given
beside wall time because it hardly moves when other work takes the cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from benchmarks.dbt_tools import dbt_command, summarize_run_results
from benchmarks.measure import Measurement, machine_info, run_measured
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT, load_settings

SCALES = {"small": 10_000, "medium": 100_000, "large": 1_000_000}
STAGES = ("generate", "ingest", "limit", "dbt_build", "refresh", "peer", "pages", "postgres")
DEFAULT_AS_OF = "2026-11-23"
DEFAULT_SEED = 42
BENCH_DIR = REPO_ROOT / "data" / "bench"
RESULTS_FILE = REPO_ROOT / "benchmarks" / "results" / "latest.json"
DASHBOARD_BENCH = REPO_ROOT / "benchmarks" / "bench_dashboard.py"
DASHBOARD_WARM_RUNS = 10
PYTHON = sys.executable
DBT = str(REPO_ROOT / ".venv" / "bin" / "dbt")

# Targets of issue #5, checked and printed at the end (see README).
TARGET_REFRESH_TO_LIMIT = 2.0  # at medium
TARGET_REFRESH_TO_LIMIT_LARGE = 1.5
TARGET_LARGE_PEAK_MB = 8000  # "under 8 GB", in MB (10^6 bytes) as peak_rss_mb
TARGET_OVERHEAD_SECONDS = 15.0
TARGET_PEER_SPEEDUP_MEDIUM = 3.0
TARGET_GENERATOR_ROWS_PER_S = 1_000_000


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def median(values: list[float]) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def remove_db(path: Path) -> None:
    for suffix in ("", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> None:
    remove_db(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if Path(f"{source}.wal").exists():
        shutil.copyfile(f"{source}.wal", f"{target}.wal")


def generator_fingerprint(scale: int, seed: int, as_of: str) -> dict:
    digest = hashlib.sha256()
    generator = sorted((REPO_ROOT / "orchestration" / "demo").glob("*.py"))
    for module in [*generator, REPO_ROOT / "orchestration" / "ingest" / "contract.py"]:
        digest.update(module.read_bytes())
    return {"scale": scale, "seed": seed, "end_date": as_of, "code_sha256": digest.hexdigest()}


class Stage:
    """The measurements of one stage at one scale, and the row it becomes."""

    def __init__(self, name: str, scale: str):
        self.name = name
        self.scale = scale
        self.runs: list[Measurement] = []
        self.details: list[dict] = []

    def add(self, measurement: Measurement, detail: dict | None = None) -> None:
        self.runs.append(measurement)
        self.details.append(detail or {})

    @property
    def seconds(self) -> float | None:
        return median([run.seconds for run in self.runs])

    @property
    def median_index(self) -> int:
        """Index of the run whose wall time is the median (lower middle)."""
        order = sorted(range(len(self.runs)), key=lambda i: self.runs[i].seconds)
        return order[(len(order) - 1) // 2]

    def row(self, **extra) -> dict:
        return {
            "stage": self.name,
            "scale": self.scale,
            "seconds": round(self.seconds, 3) if self.seconds is not None else None,
            "ratio_to_limit": None,
            "ratio_to_peer": None,
            "peak_rss_mb": round(max(run.peak_rss_mb for run in self.runs), 1)
            if self.runs
            else None,
            "cpu_seconds": round(median([run.cpu_seconds for run in self.runs]), 3)
            if self.runs
            else None,
            "n_runs": len(self.runs),
            "runs_seconds": [round(run.seconds, 3) for run in self.runs],
            "load_average": [round(run.load_average, 2) for run in self.runs],
            **extra,
        }


def derived_row(name: str, scale: str, seconds: float | None, **extra) -> dict:
    """A row computed from other rows (no process of its own)."""
    return {
        "stage": name,
        "scale": scale,
        "seconds": round(seconds, 3) if seconds is not None else None,
        "ratio_to_limit": None,
        "ratio_to_peer": None,
        "peak_rss_mb": None,
        **extra,
    }


# --------------------------------------------------------------------------- the bench


class ScaleBench:
    """All stages at one scale. Each `run_pass` adds one run of every stage; `rows` turns
    the runs gathered so far into result rows (medians, ratios, targets)."""

    def __init__(self, args: argparse.Namespace, scale: str, repeats: int, machine: dict):
        self.args = args
        self.scale = scale
        self.relations = SCALES[scale]
        self.repeats = repeats
        self.machine = machine
        self.as_of = args.as_of
        self.root = BENCH_DIR / scale
        self.sources = self.root / "sources"
        self.work = self.root / "work"
        self.stages: dict[str, Stage] = {}
        self.extra_rows: dict[str, dict] = {}
        self.passes_done = 0
        self.pass_seconds: list[float] = []
        self.ingest_warehouse = self.work / "ingest" / "warehouse.duckdb"
        self.limit_warehouse = self.work / "limit" / "warehouse.duckdb"
        self.limit_manifest: Path | None = None
        self.dbt_build_dir = self.work / "dbt_build"
        self.refresh_dir = self.work / "refresh"
        self.published_warehouse = self.refresh_dir / "warehouse.duckdb"
        self.peer_consistency: dict | None = None

    def stage(self, name: str) -> Stage:
        return self.stages.setdefault(name, Stage(name, self.scale))

    # ---- sources

    def sources_fresh(self) -> bool:
        meta = self.root / "sources.json"
        if not meta.exists() or not (self.sources / "erp" / "invoice_lines.csv").exists():
            return False
        recorded = json.loads(meta.read_text())
        return recorded == generator_fingerprint(self.relations, self.args.seed, self.as_of)

    def generator_command(self, out: Path) -> list[str]:
        return [
            PYTHON,
            "-m",
            "orchestration.demo",
            "--out",
            str(out),
            "--scale",
            str(self.relations),
            "--seed",
            str(self.args.seed),
            "--end-date",
            self.as_of,
        ]

    def adopt_sources(self, generated: Path) -> None:
        if self.sources.exists():
            shutil.rmtree(self.sources)
        generated.rename(self.sources)
        meta = generator_fingerprint(self.relations, self.args.seed, self.as_of)
        (self.root / "sources.json").write_text(json.dumps(meta, indent=1))

    def ensure_sources(self) -> None:
        if self.sources_fresh():
            return
        log(f"{self.scale}: generating sources (untimed) into {self.sources}")
        scratch = self.root / "generate_scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        run_measured(self.generator_command(scratch), cwd=REPO_ROOT, label="generator")
        self.adopt_sources(scratch)

    def dbt_env(self, warehouse: Path) -> dict[str, str]:
        return {
            "PYRAMID_BUILD_WAREHOUSE": str(warehouse),
            "PYRAMID_WAREHOUSE": str(warehouse),
            "PYRAMID_AS_OF": self.as_of,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    # ---- one run of each stage

    def run_generate(self) -> None:
        """The generator into a scratch folder; it becomes the cache when that is stale."""
        scratch = self.root / "generate_scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        measurement = run_measured(
            self.generator_command(scratch), cwd=REPO_ROOT, label="generator"
        )
        counts = {
            match.group(1): int(match.group(2).replace(",", ""))
            for match in re.finditer(r"^(\w+)\s+([\d,]+) rows", measurement.stdout, re.M)
            if match.group(1) != "total"
        }
        internal = re.search(r"invoice lines: ([\d,]+) per second", measurement.stdout)
        self.stage("generate").add(
            measurement,
            {
                "counts": counts,
                "internal_lines_per_s": int(internal.group(1).replace(",", ""))
                if internal
                else None,
            },
        )
        if self.sources_fresh():
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            self.adopt_sources(scratch)

    def run_ingest(self) -> None:
        out = self.work / "ingest" / "ingest.json"
        command = [
            PYTHON,
            "-m",
            "benchmarks.ingest_stage",
            "--sources",
            str(self.sources),
            "--db",
            str(self.ingest_warehouse),
            "--json",
            str(out),
        ]
        if self.args.profile_ingest:
            command.append("--profile")
        measurement = run_measured(command, cwd=REPO_ROOT, label="ingest")
        self.stage("ingest").add(measurement, json.loads(out.read_text()))

    def compile_for_limit(self) -> Path:
        """`dbt compile` into a target folder of our own; its manifest holds the SQL."""
        compile_dir = self.work / "limit" / "compile"
        warehouse = compile_dir / "warehouse.duckdb"  # same name: same catalog in the SQL
        remove_db(warehouse)
        compile_dir.mkdir(parents=True, exist_ok=True)
        target = compile_dir / "target"
        log(f"{self.scale}: dbt compile for the limit (untimed)")
        run_measured(
            [*dbt_command("compile", target, compile_dir / "logs"), "--quiet"],
            cwd=DBT_PROJECT_DIR,
            env=self.dbt_env(warehouse),
            label="dbt compile",
        )
        return target / "manifest.json"

    def run_limit(self) -> None:
        if self.limit_manifest is None:
            self.limit_manifest = self.compile_for_limit()
        out = self.work / "limit" / "limit.json"
        measurement = run_measured(
            [
                PYTHON,
                "-m",
                "benchmarks.limit",
                "--sources",
                str(self.sources),
                "--db",
                str(self.limit_warehouse),
                "--manifest",
                str(self.limit_manifest),
                "--json",
                str(out),
            ],
            cwd=REPO_ROOT,
            label="limit",
        )
        self.stage("limit").add(measurement, json.loads(out.read_text()))

    def run_dbt_build(self) -> None:
        warehouse = self.dbt_build_dir / "warehouse.duckdb"
        target, logs = self.dbt_build_dir / "target", self.dbt_build_dir / "logs"
        env = self.dbt_env(warehouse)
        if "dbt_build" not in self.stages:
            if not self.ingest_warehouse.exists():
                raise RuntimeError("dbt_build needs the ingest stage's warehouse (stage ingest)")
            copy_db(self.ingest_warehouse, warehouse)
            # Warm-up: a parse, so every timed build parses partially, like a nightly run
            # whose vars did not change.
            log(f"{self.scale}: dbt parse warm-up (untimed)")
            run_measured(
                [*dbt_command("parse", target, logs), "--quiet"],
                cwd=DBT_PROJECT_DIR,
                env=env,
                label="dbt parse",
            )
        measurement = run_measured(
            dbt_command("build", target, logs),
            cwd=DBT_PROJECT_DIR,
            env=env,
            label="dbt build",
        )
        summary = summarize_run_results(target / "run_results.json")
        if summary["failed"]:
            raise RuntimeError(f"dbt build had failures: {summary['failed'][:5]}")
        self.stage("dbt_build").add(measurement, summary)

    def refresh_env(self) -> dict[str, str]:
        folder = self.refresh_dir
        return {
            "PYRAMID_SOURCE_DIR": str(self.sources),
            "PYRAMID_WAREHOUSE": str(folder / "warehouse.duckdb"),
            "PYRAMID_BUILD_WAREHOUSE": str(folder / "build" / "warehouse.duckdb"),
            "PYRAMID_AS_OF": self.as_of,
            "DAGSTER_HOME": str(folder / "dagster_home"),
        }

    def run_refresh(self) -> None:
        env = self.refresh_env()
        if "refresh" not in self.stages:
            ensure_dagster_manifest()
            shutil.rmtree(self.refresh_dir, ignore_errors=True)
            home = self.refresh_dir / "dagster_home"
            # `orchestration.cli` writes its dagster.yaml there, as for a user.
            home.mkdir(parents=True)
            prepared = self.dbt_build_dir / "warehouse.duckdb"
            if prepared.exists():
                # Start from "last night's" state (marts, snapshot): every timed run is a
                # steady-state nightly run, not a first installation.
                copy_db(prepared, Path(env["PYRAMID_BUILD_WAREHOUSE"]))
        started = dt.datetime.now(dt.UTC)
        measurement = run_measured(
            [PYTHON, "-m", "orchestration.cli", "refresh"],
            cwd=REPO_ROOT,
            env=env,
            label="refresh",
        )
        detail: dict = {}
        run_results = load_settings(env).dbt_target_dir / "run_results.json"
        dbt_summary = _pipeline_run_results_since(run_results, started)
        if dbt_summary is not None:
            detail["dbt"] = dbt_summary
        else:
            log(f"  warning: {run_results} is not this run's")
        steps = run_measured(
            [PYTHON, "-m", "benchmarks.dagster_steps"], cwd=REPO_ROOT, env=env, label="steps"
        )
        detail["dagster"] = json.loads(steps.stdout or "{}")
        self.stage("refresh").add(measurement, detail)

    def run_peer(self) -> None:
        out = self.work / "peer"
        measurement = run_measured(
            [
                PYTHON,
                "-m",
                "benchmarks.peer_pandas",
                "--sources",
                str(self.sources),
                "--seeds",
                str(REPO_ROOT / "seeds"),
                "--out",
                str(out / "marts"),
                "--as-of",
                self.as_of,
                "--json",
                str(out / "peer.json"),
            ],
            cwd=REPO_ROOT,
            label="pandas peer",
        )
        self.stage("peer").add(measurement, json.loads((out / "peer.json").read_text()))
        if self.peer_consistency is None:
            self.peer_consistency = self.check_peer(out / "marts")

    def check_peer(self, marts: Path) -> dict:
        """Compare the peer's counts with the real marts (published warehouse or limit)."""
        import duckdb

        candidates = [self.published_warehouse, self.limit_warehouse]
        warehouse = next((path for path in candidates if path.exists()), None)
        if warehouse is None:
            return {"checked": False, "reason": "no warehouse with marts to compare"}
        queries = {
            "relation_kinds": (
                "select relation_kind, count(*), count(*) filter (needs_reactivation), "
                "count(*) filter (is_lead) from {} group by all order by all",
                "marts.relation_kinds",
                "relation_kinds",
            ),
            "abc": (
                "select abc_class, count(*) from {} group by all order by all",
                "marts.customer_abc",
                "customer_abc",
            ),
            "pyramid": (
                "select pyramid_level, count(*) from {} group by all order by all",
                "marts.customer_pyramid",
                "customer_pyramid",
            ),
            "service_levels": (
                "select proposed_level, count(*) from {} group by all order by all",
                "marts.service_level_proposals",
                "service_level_proposals",
            ),
            "visit_plan": (
                "select reason, within_capacity, count(*) from {} group by all order by all",
                "marts.visit_plan",
                "visit_plan",
            ),
        }
        mismatches = {}
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for name, (sql, mart, parquet) in queries.items():
                ours = con.execute(sql.format(mart)).fetchall()
                theirs = con.execute(sql.format(f"'{marts / (parquet + '.parquet')}'")).fetchall()
                if ours != theirs:
                    mismatches[name] = {"marts": str(ours), "peer": str(theirs)}
        if mismatches:
            log(f"  WARNING: the pandas peer's counts differ from the marts: {sorted(mismatches)}")
            for name, values in mismatches.items():
                log(f"    {name}: marts {values['marts']} peer {values['peer']}")
        else:
            log(f"  pandas peer matches the marts ({', '.join(queries)}) of {warehouse}")
        return {
            "checked": True,
            "against": str(warehouse.relative_to(REPO_ROOT)),
            "compared": list(queries),
            "matches": not mismatches,
            "mismatches": mismatches,
        }

    def run_postgres(self) -> None:
        """The nightly dbt build on PostgreSQL (benchmarks/engine_postgres.py), once per
        scale up to medium, on the raw layer of the ingest stage: `dbt_build_postgres`,
        with `ratio_to_duckdb` = its seconds / the DuckDB `dbt_build` seconds."""
        if "dbt_build_postgres" in self.extra_rows or self.scale == "large":
            return
        try:
            import dbt.adapters.postgres  # noqa: F401
        except ImportError:
            log(f"{self.scale}: no dbt-postgres (make test-engines installs it): skipped")
            return
        if not self.ingest_warehouse.exists():
            log(f"{self.scale}: the postgres stage needs the ingest stage's warehouse")
            return
        warehouse = self.work / "postgres" / "warehouse.duckdb"
        copy_db(self.ingest_warehouse, warehouse)
        command = [
            PYTHON,
            "-m",
            "benchmarks.engine_postgres",
            "--source-dir",
            str(self.sources),
            "--warehouse",
            str(warehouse),
            "--as-of",
            self.as_of,
            "--work-dir",
            str(self.work / "postgres"),
        ]
        measurement = run_measured(command, cwd=REPO_ROOT, env={}, label="postgres", check=False)
        lines = (measurement.stdout or "").strip().splitlines()
        if measurement.returncode != 0 or not lines:
            log(f"  engine_postgres failed (exit {measurement.returncode})")
            return
        result = json.loads(lines[-1])
        row = derived_row("dbt_build_postgres", self.scale, result.get("seconds"))
        row.update({key: value for key, value in result.items() if key not in row})
        row["peak_rss_mb"] = result.get("peak_rss_mb")
        self.extra_rows["dbt_build_postgres"] = row

    def run_pages(self) -> None:
        """Hook for benchmarks/bench_dashboard.py (another engineer's; see README).

        It is run once per scale (it repeats internally), as a script on the published
        warehouse of the refresh stage with `--cold-runs` = repeats and `--warm-runs` 10.
        Its printed table (page, cold p50/p95, warm p50/p95 in ms) becomes one
        `page:<name>` row per page: `seconds` is the cold p50 (the first view in a fresh
        process, what a user waits for after a refresh); peak_rss_mb is that of the whole
        bench_dashboard process tree.
        """
        if any(name.startswith("page:") for name in self.extra_rows):
            return
        if not DASHBOARD_BENCH.exists():
            log(f"{self.scale}: no benchmarks/bench_dashboard.py yet: page timings skipped")
            return
        if not self.published_warehouse.exists():
            log(f"{self.scale}: page timings need the refresh stage's published warehouse")
            return
        measurement = run_measured(
            [
                PYTHON,
                str(DASHBOARD_BENCH),
                "--warehouse",
                str(self.published_warehouse),
                "--cold-runs",
                str(self.repeats),
                "--warm-runs",
                str(DASHBOARD_WARM_RUNS),
            ],
            cwd=REPO_ROOT,
            env={"PYRAMID_WAREHOUSE": str(self.published_warehouse), "PYRAMID_AS_OF": self.as_of},
            label="bench_dashboard",
            check=False,
        )
        pages = _page_rows(measurement.stdout) if measurement.returncode == 0 else []
        if not pages:
            log(f"  bench_dashboard gave no page figures (exit {measurement.returncode})")
            self.extra_rows["page:error"] = derived_row(
                "page:error",
                self.scale,
                None,
                note=(measurement.stderr or measurement.stdout)[-2000:],
            )
            return
        for page in pages:
            name = f"page:{page['page']}"
            row = derived_row(name, self.scale, page["cold_p50_ms"] / 1000)
            row["peak_rss_mb"] = round(measurement.peak_rss_mb, 1)
            row.update({key: value for key, value in page.items() if key != "page"})
            row["note"] = (
                "seconds = cold p50 of the page's queries (first view in a fresh process); "
                "peak_rss_mb of the whole bench_dashboard run"
            )
            self.extra_rows[name] = row

    def run_pass(self, stages: list[str]) -> None:
        """One run of every selected stage, in pipeline order."""
        started = time.perf_counter()
        index = self.passes_done + 1
        self.work.mkdir(parents=True, exist_ok=True)
        if "generate" in stages:
            log(f"{self.scale} pass {index}: generate")
            self.run_generate()
        self.ensure_sources()
        for name in ("ingest", "limit", "dbt_build", "refresh", "peer", "pages", "postgres"):
            if name in stages:
                log(f"{self.scale} pass {index}: {name}")
                getattr(self, f"run_{name}")()
        self.passes_done += 1
        self.pass_seconds.append(time.perf_counter() - started)
        log(f"{self.scale} pass {index} done in {self.pass_seconds[-1]:.0f} s")

    # ---- rows

    def rows(self) -> list[dict]:
        rows: dict[str, dict] = {}
        if "generate" in self.stages:
            rows["generate"] = self.generate_row()
        if "ingest" in self.stages:
            rows["ingest"] = self.ingest_row()
        if "limit" in self.stages:
            rows.update(self.limit_rows())
        if "dbt_build" in self.stages:
            rows.update(self.dbt_build_rows())
        if "refresh" in self.stages:
            rows["refresh"] = self.refresh_row()
        if "peer" in self.stages:
            rows["peer"] = self.stage("peer").row(
                phases={
                    key: round(median([d[key] for d in self.stage("peer").details]), 3)
                    for key in ("read", "compute", "write")
                },
                consistency=self.peer_consistency,
            )
        rows.update(self.extra_rows)
        self.add_ratios_and_targets(rows)
        for row in rows.values():
            row["machine"] = self.machine
        return list(rows.values())

    def generate_row(self) -> dict:
        stage = self.stage("generate")
        counts = stage.details[-1]["counts"]
        lines = counts.get("erp_invoice_lines", 0)
        rows_per_s = lines / stage.seconds
        return stage.row(
            rows=lines,
            rows_per_s=round(rows_per_s),
            rows_per_cpu_s=round(lines / median([run.cpu_seconds for run in stage.runs])),
            all_rows=sum(counts.values()),
            internal_lines_per_s=median(
                [detail["internal_lines_per_s"] for detail in stage.details]
            ),
            target="generator >= 1,000,000 invoice lines/s",
            target_met=rows_per_s >= TARGET_GENERATOR_ROWS_PER_S,
        )

    def ingest_row(self) -> dict:
        stage = self.stage("ingest")
        detail = stage.details[stage.median_index]
        rows = sum(table["rows_read"] for table in detail["tables"])
        size = sum(table["bytes"] for table in detail["tables"])
        tables = {}
        for table in detail["tables"]:
            name = table["table"]
            tables[name] = round(
                median(
                    [
                        next(t["seconds"] for t in d["tables"] if t["table"] == name)
                        for d in stage.details
                    ]
                ),
                3,
            )
        row = stage.row(
            rows=rows,
            rows_per_s=round(rows / stage.seconds),
            mb_per_s=round(size / 1e6 / stage.seconds, 1),
            source_mb=round(size / 1e6, 1),
            in_process_seconds=round(median([d["seconds"] for d in stage.details]), 3),
            tables=tables,
            rows_rejected=sum(table["rows_rejected"] for table in detail["tables"]),
        )
        if any(table.get("statements") for table in detail["tables"]):
            row["statements"] = _top_statements(detail)
        return row

    def limit_rows(self) -> dict[str, dict]:
        stage = self.stage("limit")
        detail = stage.details[stage.median_index]
        rows = sum(table["rows"] for table in detail["load"])
        load_seconds = median([d["load_seconds"] for d in stage.details])
        models_seconds = median([d["models_seconds"] for d in stage.details])
        top = sorted(detail["models"], key=lambda model: -model["seconds"])[:10]
        return {
            "limit": stage.row(
                in_process_seconds=round(median([d["seconds"] for d in stage.details]), 3),
                top_models=[{"name": m["name"], "seconds": round(m["seconds"], 3)} for m in top],
            ),
            "limit_load": derived_row(
                "limit_load",
                self.scale,
                load_seconds,
                rows=rows,
                rows_per_s=round(rows / load_seconds),
                note="plain typed read_csv into raw.*, timed inside the limit's process",
            ),
            "limit_models": derived_row(
                "limit_models",
                self.scale,
                models_seconds,
                note="compiled seeds + models + snapshot, timed inside the limit's process",
            ),
        }

    def dbt_build_rows(self) -> dict[str, dict]:
        stage = self.stage("dbt_build")
        detail = stage.details[stage.median_index]
        pairs = list(zip(stage.runs, stage.details, strict=True))
        busy = median([d["busy_seconds"] for d in stage.details])
        node_sum = median([d["node_seconds_sum"] for d in stage.details])
        return {
            "dbt_build": stage.row(
                node_seconds_sum=round(node_sum, 3),
                node_busy_seconds=round(busy, 3),
                seconds_by_type={k: round(v, 3) for k, v in detail["seconds_by_type"].items()},
                count_by_type=detail["count_by_type"],
                top_models=detail["top_models"],
                top_tests=detail["top_tests"],
            ),
            "dbt_startup": derived_row(
                "dbt_startup",
                self.scale,
                median([run.seconds - d["busy_seconds"] for run, d in pairs]),
                by_brief_definition=round(
                    median([run.seconds - d["node_seconds_sum"] for run, d in pairs]), 3
                ),
                note="dbt_build wall time minus the time at least one node was executing "
                "(by_brief_definition: minus the sum of node times, which counts nodes run "
                "side by side by threads: 2 twice, so it understates the start-up)",
            ),
        }

    def refresh_row(self) -> dict:
        stage = self.stage("refresh")
        detail = stage.details[stage.median_index]
        dbt_runs = [d["dbt"] for d in stage.details if "dbt" in d]
        return stage.row(
            steps=_step_breakdown(stage),
            dbt_node_busy_seconds=_round(median([d["busy_seconds"] for d in dbt_runs])),
            dbt_node_seconds_sum=_round(median([d["node_seconds_sum"] for d in dbt_runs])),
            dbt_top_models=detail.get("dbt", {}).get("top_models"),
        )

    def add_ratios_and_targets(self, rows: dict[str, dict]) -> None:
        limit = rows.get("limit", {}).get("seconds")
        peer = rows.get("peer", {}).get("seconds")
        if "ingest" in rows:
            rows["ingest"]["ratio_to_limit"] = ratio(
                rows["ingest"]["seconds"], rows.get("limit_load", {}).get("seconds")
            )
        if "dbt_build" in rows:
            rows["dbt_build"]["ratio_to_limit"] = ratio(
                rows["dbt_build"]["seconds"], rows.get("limit_models", {}).get("seconds")
            )
        if "dbt_build_postgres" in rows:
            rows["dbt_build_postgres"]["ratio_to_duckdb"] = ratio(
                rows["dbt_build_postgres"]["seconds"], rows.get("dbt_build", {}).get("seconds")
            )
        if "peer" in rows:
            rows["peer"]["ratio_to_limit"] = ratio(peer, limit)
        if "limit" in rows:
            rows["limit"]["ratio_to_peer"] = ratio(limit, peer)
        if "refresh" not in rows:
            return
        refresh = rows["refresh"]
        refresh["ratio_to_limit"] = ratio(refresh["seconds"], limit)
        refresh["ratio_to_peer"] = ratio(refresh["seconds"], peer)
        if peer:
            refresh["target_peer"] = "faster than the pandas peer (ratio_to_peer < 1)"
            refresh["target_peer_met"] = refresh["seconds"] < peer
            if self.scale == "medium":
                refresh["target_peer"] += "; 3x faster at 100k (ratio_to_peer <= 0.333)"
                refresh["target_peer_met"] = refresh["seconds"] * TARGET_PEER_SPEEDUP_MEDIUM <= peer
        if self.scale == "medium" and limit:
            refresh["target_limit"] = "within 2x the limit at 100k (ratio_to_limit <= 2)"
            refresh["target_limit_met"] = refresh["seconds"] <= TARGET_REFRESH_TO_LIMIT * limit
        if self.scale == "large" and limit:
            refresh["target_limit"] = (
                "within 1.5x the limit at 1M (ratio_to_limit <= 1.5), "
                f"peak memory under {TARGET_LARGE_PEAK_MB} MB"
            )
            refresh["target_limit_met"] = (
                refresh["seconds"] <= TARGET_REFRESH_TO_LIMIT_LARGE * limit
                and refresh["peak_rss_mb"] < TARGET_LARGE_PEAK_MB
            )
        ingestion = refresh["steps"].get("ingestion_steps")
        dbt_busy = refresh.get("dbt_node_busy_seconds")
        overhead_target = f"Dagster + dbt fixed overhead < {TARGET_OVERHEAD_SECONDS:g} s"
        if ingestion is None or dbt_busy is None:
            # Said in the table and the targets, not left out: a missing row hides a bug.
            rows["refresh_overhead"] = derived_row(
                "refresh_overhead",
                self.scale,
                None,
                target=overhead_target,
                target_met=None,
                note="not measured: the refresh's Dagster steps or its dbt run_results.json "
                "were not found (see the warnings above the table)",
            )
            return
        # What the refresh spent neither loading files nor executing dbt nodes, all taken
        # from the same run. (The ingest stage's time is another process on another file:
        # at 1M relations it ran longer than the refresh's own ingestion.)
        overhead = refresh["seconds"] - (ingestion + dbt_busy)
        ingest = rows.get("ingest", {}).get("seconds")
        publish = refresh["steps"].get("published_warehouse")
        rows["refresh_overhead"] = derived_row(
            "refresh_overhead",
            self.scale,
            overhead,
            by_brief_definition=_round(
                refresh["seconds"] - (ingestion + refresh["dbt_node_seconds_sum"])
            ),
            vs_ingest_stage=None
            if ingest is None
            else _round(refresh["seconds"] - (ingest + dbt_busy)),
            publish_seconds=publish,
            target=overhead_target,
            target_met=overhead < TARGET_OVERHEAD_SECONDS,
            note="refresh - (its ingestion steps + the time its dbt was executing nodes); "
            "includes Dagster's run and event bookkeeping, dbt's start-up and parse, and "
            "the publication copy (publish_seconds). by_brief_definition subtracts the sum "
            "of dbt node times instead, which double-counts parallel nodes; "
            "vs_ingest_stage subtracts the ingest stage instead of the refresh's own steps",
        )


# --------------------------------------------------------------------------- pieces


def ensure_dagster_manifest() -> None:
    """Dagster's dbt assets need dbt_project/target/manifest.json (`make manifest`)."""
    if (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        return
    log("dbt_project/target/manifest.json missing: dbt parse (as `make manifest` does)")
    run_measured([DBT, "parse", "--quiet"], cwd=DBT_PROJECT_DIR, label="dbt parse")


def configure_bytecode(mode: str) -> dict:
    """Set how child processes get compiled bytecode; warm the cache once (untimed)."""
    inherited = os.environ.get("PYTHONDONTWRITEBYTECODE")
    if mode == "cache":
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / "pycache")
        log("warming the bytecode cache data/bench/pycache (untimed)")
        run_measured(
            [
                PYTHON,
                "-c",
                "import orchestration.definitions, orchestration.cli, orchestration.demo, "
                "benchmarks.peer_pandas, benchmarks.limit, benchmarks.ingest_stage, "
                "dbt.cli.main, dbt.adapters.duckdb, dagster_dbt",
            ],
            cwd=REPO_ROOT,
            label="bytecode warm-up",
        )
    elif inherited:
        log("note: PYTHONDONTWRITEBYTECODE is set: every process compiles its imports")
    return {
        "mode": mode,
        "inherited_PYTHONDONTWRITEBYTECODE": inherited,
        "pycache_prefix": os.environ.get("PYTHONPYCACHEPREFIX"),
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _pipeline_run_results_since(run_results: Path, started: dt.datetime) -> dict | None:
    """The refresh's dbt run_results, if they were written by this run."""
    if not run_results.exists():
        return None
    summary = summarize_run_results(run_results)
    invoked = summary.get("invocation_started_at")
    if not invoked:
        return None
    when = dt.datetime.fromisoformat(invoked.replace("Z", "+00:00"))
    if when < started:
        return None  # an older run's
    summary.pop("nodes", None)
    return summary


def _step_breakdown(stage: Stage) -> dict:
    """Median seconds per Dagster step group: ingestion assets, dbt, publication, rest."""
    groups: dict[str, list[float]] = {}
    for run, detail in zip(stage.runs, stage.details, strict=True):
        dagster = detail.get("dagster") or {}
        steps = dagster.get("steps") or []
        if not steps:
            continue
        ingest = sum(step["seconds"] for step in steps if "__" in step["step_key"])
        dbt = sum(step["seconds"] for step in steps if step["step_key"] == "dbt_models")
        publish = sum(
            step["seconds"] for step in steps if step["step_key"] == "published_warehouse"
        )
        run_seconds = (dagster.get("end") or 0) - (dagster.get("start") or 0)
        values = {
            "ingestion_steps": ingest,
            "dbt_models": dbt,
            "published_warehouse": publish,
            "dagster_run": run_seconds,
            "dagster_between_steps": run_seconds - ingest - dbt - publish,
            "process_outside_run": run.seconds - run_seconds,
        }
        for key, value in values.items():
            groups.setdefault(key, []).append(value)
    return {key: round(median(values), 3) for key, values in groups.items()}


def _top_statements(detail: dict, limit: int = 15) -> list[dict]:
    statements = []
    for table in detail["tables"]:
        for statement in table.get("statements", []):
            statements.append({"table": table["table"], **statement})
    statements.sort(key=lambda item: -item["seconds"])
    return [{**item, "seconds": round(item["seconds"], 3)} for item in statements[:limit]]


def _page_rows(stdout: str) -> list[dict]:
    """Rows of bench_dashboard's table: `page  cold p50  cold p95  warm p50  warm p95`."""
    pattern = re.compile(r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
    rows = []
    for line in stdout.splitlines():
        match = pattern.match(line)
        if match:
            name, *values = match.groups()
            keys = ("cold_p50_ms", "cold_p95_ms", "warm_p50_ms", "warm_p95_ms")
            rows.append({"page": name, **dict(zip(keys, map(float, values), strict=True))})
    return rows


# --------------------------------------------------------------------------- output

COLUMNS = (
    ("stage", -20, "{}"),
    ("scale", 7, "{}"),
    ("seconds", 9, "{:.2f}"),
    ("ratio_to_limit", 14, "{:.2f}"),
    ("ratio_to_peer", 13, "{:.2f}"),
    ("peak_rss_mb", 11, "{:.0f}"),
    ("cpu_seconds", 11, "{:.1f}"),
    ("rows_per_s", 12, "{:,.0f}"),
    ("mb_per_s", 8, "{:.1f}"),
)


def _cell(text: str, width: int) -> str:
    """Right-aligned in `width` characters; a negative width aligns left."""
    return f"{text:<{-width}}" if width < 0 else f"{text:>{width}}"


def format_table(rows: list[dict]) -> str:
    lines = [" ".join(_cell(name, width) for name, width, _ in COLUMNS)]
    for row in rows:
        cells = []
        for name, width, fmt in COLUMNS:
            value = row.get(name)
            cells.append(_cell("-" if value is None else fmt.format(value), width))
        lines.append(" ".join(cells))
    return "\n".join(lines)


def format_details(rows: list[dict]) -> str:
    out = []
    for row in rows:
        scale = row["scale"]
        if row["stage"] == "dbt_build":
            out.append(f"\n[{scale}] dbt build: slowest models (seconds, median run)")
            out.extend(f"  {m['seconds']:8.2f}  {m['name']}" for m in row["top_models"])
            out.append(
                f"  node time: sum {row['node_seconds_sum']:.1f} s, "
                f"busy {row['node_busy_seconds']:.1f} s; by type {row['seconds_by_type']} "
                f"counts {row['count_by_type']}"
            )
            out.append(
                "  slowest tests: "
                + ", ".join(f"{t['name'][:40]} {t['seconds']:.2f}" for t in row["top_tests"][:5])
            )
        if row["stage"] == "refresh" and row.get("steps"):
            out.append(f"\n[{scale}] refresh breakdown (median seconds): {row['steps']}")
        if row["stage"] == "dbt_build_postgres":
            out.append(
                f"\n[{scale}] dbt build on PostgreSQL: {row['seconds']} s, "
                f"{row.get('ratio_to_duckdb')} x the DuckDB dbt_build"
            )
        if row["stage"] == "ingest":
            out.append(f"\n[{scale}] ingest per table (median seconds): {row['tables']}")
            for statement in row.get("statements", []):
                out.append(
                    f"  {statement['seconds']:7.2f}  {statement['table']:<18} {statement['sql']}"
                )
        if row["stage"] == "limit":
            out.append(
                f"\n[{scale}] limit: slowest models: "
                + ", ".join(f"{m['name']} {m['seconds']:.2f}" for m in row["top_models"][:6])
            )
        if row["stage"] == "peer" and row.get("consistency"):
            consistency = row["consistency"]
            state = "matches" if consistency.get("matches") else "DIFFERS FROM"
            out.append(f"\n[{scale}] pandas peer {state} the marts: {consistency}")
    return "\n".join(out)


def format_targets(rows: list[dict]) -> str:
    out = ["\nTargets (issue #5):"]
    for row in rows:
        for key in ("target", "target_peer", "target_limit"):
            if key in row:
                met = row.get(f"{key}_met")
                state = "NOT MEASURED" if met is None else "MET" if met else "MISSED"
                out.append(f"  [{row['scale']}] {row['stage']}: {row[key]}: {state}")
    return "\n".join(out)


def write_results(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(rows, indent=1, default=str))
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scales", default="small,medium", help="comma-separated: small,medium,large"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage (median)")
    parser.add_argument(
        "--large-repeats", type=int, default=1, help="runs per stage at scale large"
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=28.0,
        help="the first run of every stage always happens; further runs (passes) only "
        "while the last pass of that scale fits in what is left of this budget "
        "(0: no budget)",
    )
    parser.add_argument(
        "--stages", default=",".join(STAGES), help=f"comma-separated subset of {STAGES}"
    )
    parser.add_argument("--as-of", default=DEFAULT_AS_OF, help="reference date and data end")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--profile-ingest", action="store_true", help="time every SQL statement of ingestion"
    )
    parser.add_argument("--json", type=Path, default=RESULTS_FILE, help="results file")
    parser.add_argument(
        "--bytecode",
        choices=("cache", "env"),
        default="cache",
        help="cache (default): let every child process read and write compiled bytecode "
        "under data/bench/pycache, as a normal installation does; env: keep the "
        "environment as it is (with PYTHONDONTWRITEBYTECODE=1 and a venv without .pyc "
        "files every process compiles dagster and dbt from source, seconds per process)",
    )
    args = parser.parse_args(argv)

    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]
    stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    unknown = [s for s in scales if s not in SCALES] + [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown scale or stage: {', '.join(unknown)}")
    started = time.perf_counter()
    machine = machine_info()
    if "refresh" in stages:
        ensure_dagster_manifest()
    machine["bytecode"] = configure_bytecode(args.bytecode)
    log(
        f"benchmark: scales {scales}, stages {stages}, up to {args.repeats} runs "
        f"({args.large_repeats} at large), budget {args.budget_minutes or 'none'} min; "
        f"{machine['cpu_count']} cores, {machine['ram_gb']} GB, "
        f"load {machine['load_average_at_start']}"
    )
    benches = [
        ScaleBench(
            args,
            scale,
            max(1, args.large_repeats if scale == "large" else args.repeats),
            machine,
        )
        for scale in scales
    ]
    budget = args.budget_minutes * 60 if args.budget_minutes else math.inf

    def collected() -> list[dict]:
        return [row for bench in benches for row in bench.rows() if bench.passes_done]

    # Pass 1 at every scale first, then further passes in turn: runs of one stage are
    # spread over the whole session, and a tight budget costs repeats, not scales.
    for index in range(max(bench.repeats for bench in benches)):
        for bench in benches:
            if index >= bench.repeats:
                continue
            if index > 0:
                left = budget - (time.perf_counter() - started)
                if bench.pass_seconds[-1] > left:
                    log(
                        f"{bench.scale}: skipping pass {index + 1} (the last took "
                        f"{bench.pass_seconds[-1]:.0f} s, {max(left, 0):.0f} s of budget left)"
                    )
                    continue
            bench.run_pass(stages)
            write_results(args.json, collected())
    rows = collected()
    write_results(args.json, rows)
    print()
    print(format_table(rows))
    print(format_details(rows))
    print(format_targets(rows))
    elapsed = time.perf_counter() - started
    print(
        f"\n{len(rows)} rows written to {args.json} in {elapsed / 60:.1f} min. Seconds are "
        "medians over runs_seconds; the machine was shared (load_average per row)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
