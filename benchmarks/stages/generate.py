"""The `generate` stage, and the cache of generated sources every other stage reads.

Sources live in data/bench/<scale>/sources and are regenerated only when the scale, seed,
end date or the generator's code changed (the fingerprint in sources.json).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON, log
from benchmarks.measure import run_measured
from benchmarks.rows import median
from benchmarks.targets import TARGET_GENERATOR_ROWS_PER_S
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench


def fingerprint(scale: int, seed: int, as_of: str) -> dict:
    digest = hashlib.sha256()
    generator = sorted((REPO_ROOT / "orchestration" / "demo").glob("*.py"))
    for module in [*generator, REPO_ROOT / "orchestration" / "ingest" / "contract.py"]:
        digest.update(module.read_bytes())
    return {"scale": scale, "seed": seed, "end_date": as_of, "code_sha256": digest.hexdigest()}


def sources_fresh(bench: ScaleBench) -> bool:
    meta = bench.root / "sources.json"
    if not meta.exists() or not (bench.sources / "erp" / "invoice_lines.csv").exists():
        return False
    recorded = json.loads(meta.read_text())
    return recorded == fingerprint(bench.relations, bench.args.seed, bench.as_of)


def generator_command(bench: ScaleBench, out: Path) -> list[str]:
    return [
        PYTHON,
        "-m",
        "orchestration.demo",
        "--out",
        str(out),
        "--scale",
        str(bench.relations),
        "--seed",
        str(bench.args.seed),
        "--end-date",
        bench.as_of,
    ]


def adopt_sources(bench: ScaleBench, generated: Path) -> None:
    if bench.sources.exists():
        shutil.rmtree(bench.sources)
    generated.rename(bench.sources)
    meta = fingerprint(bench.relations, bench.args.seed, bench.as_of)
    (bench.root / "sources.json").write_text(json.dumps(meta, indent=1))


def ensure_sources(bench: ScaleBench) -> None:
    if sources_fresh(bench):
        return
    log(f"{bench.scale}: generating sources (untimed) into {bench.sources}")
    scratch = bench.root / "generate_scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    run_measured(generator_command(bench, scratch), cwd=REPO_ROOT, label="generator")
    adopt_sources(bench, scratch)


def run(bench: ScaleBench) -> None:
    """The generator into a scratch folder; it becomes the cache when that is stale."""
    scratch = bench.root / "generate_scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    measurement = run_measured(generator_command(bench, scratch), cwd=REPO_ROOT, label="generator")
    counts = {
        match.group(1): int(match.group(2).replace(",", ""))
        for match in re.finditer(r"^(\w+)\s+([\d,]+) rows", measurement.stdout, re.M)
        if match.group(1) != "total"
    }
    internal = re.search(r"invoice lines: ([\d,]+) per second", measurement.stdout)
    bench.stage("generate").add(
        measurement,
        {
            "counts": counts,
            "internal_lines_per_s": int(internal.group(1).replace(",", "")) if internal else None,
        },
    )
    if sources_fresh(bench):
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        adopt_sources(bench, scratch)


def rows(bench: ScaleBench) -> dict[str, dict]:
    if "generate" not in bench.stages:
        return {}
    stage = bench.stage("generate")
    counts = stage.details[-1]["counts"]
    lines = counts.get("erp_invoice_lines", 0)
    rows_per_s = lines / stage.seconds
    row = stage.row(
        rows=lines,
        rows_per_s=round(rows_per_s),
        rows_per_cpu_s=round(lines / median([run.cpu_seconds for run in stage.runs])),
        all_rows=sum(counts.values()),
        internal_lines_per_s=median([detail["internal_lines_per_s"] for detail in stage.details]),
        target="generator >= 1,000,000 invoice lines/s",
        target_met=rows_per_s >= TARGET_GENERATOR_ROWS_PER_S,
    )
    return {"generate": row}
