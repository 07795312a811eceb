"""The benchmark's results as the printed table, details and targets, and the JSON file.

`benchmarks/results/latest.json` is a list of rows (README "Results file"); the table
shows the common columns of every row, the details the per-stage extras worth reading.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

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
        if row["stage"] == "scan_floor":
            out.append(f"\n[{scale}] typed scan per file (median seconds): {row['tables']}")
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
        if row["stage"] == "peer" and row.get("scope"):
            out.append(f"\n[{scale}] pandas peer computes {row['scope']}: {row['computes']}")
        if row["stage"] == "peer" and row.get("consistency"):
            consistency = row["consistency"]
            state = "matches" if consistency.get("matches") else "DIFFERS FROM"
            out.append(f"\n[{scale}] pandas peer {state} the marts: {consistency}")
    return "\n".join(out)


def format_targets(rows: list[dict]) -> str:
    out = ["\nTargets (issues #5, #19, #21):"]
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
