"""The `pages` stage: the dashboard's queries per page, from `bench_dashboard.py`.

It is run once per scale (it repeats internally), as a script on the published warehouse
of the refresh stage with `--cold-runs` = repeats and `--warm-runs` 10. Its printed table
(page, cold p50/p95, warm p50/p95 in ms) becomes one `page:<name>` row per page: `seconds`
is the cold p50 (the first view in a fresh process, what a user waits for after a
refresh); peak_rss_mb is that of the whole bench_dashboard process tree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import PYTHON, log
from benchmarks.measure import run_measured
from benchmarks.rows import derived_row
from orchestration.settings import REPO_ROOT

if TYPE_CHECKING:
    from benchmarks.scale import ScaleBench

DASHBOARD_BENCH = Path(__file__).with_name("bench_dashboard.py")
DASHBOARD_WARM_RUNS = 10
_PAGE_LINE = re.compile(r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
_PAGE_KEYS = ("cold_p50_ms", "cold_p95_ms", "warm_p50_ms", "warm_p95_ms")


def run(bench: ScaleBench) -> None:
    if "pages" in bench.once_rows:
        return
    # bench_dashboard.py is another engineer's; the stage waits for it rather than fail.
    if not DASHBOARD_BENCH.exists():
        log(f"{bench.scale}: no {DASHBOARD_BENCH.relative_to(REPO_ROOT)} yet: page timings skipped")
        return
    if not bench.published_warehouse.exists():
        log(f"{bench.scale}: page timings need the refresh stage's published warehouse")
        return
    measurement = run_measured(
        [
            PYTHON,
            str(DASHBOARD_BENCH),
            "--warehouse",
            str(bench.published_warehouse),
            "--cold-runs",
            str(bench.repeats),
            "--warm-runs",
            str(DASHBOARD_WARM_RUNS),
        ],
        cwd=REPO_ROOT,
        env={"PYRAMID_WAREHOUSE": str(bench.published_warehouse), "PYRAMID_AS_OF": bench.as_of},
        label="bench_dashboard",
        check=False,
    )
    pages = page_figures(measurement.stdout) if measurement.returncode == 0 else []
    if not pages:
        log(f"  bench_dashboard gave no page figures (exit {measurement.returncode})")
        bench.once_rows["pages"] = {
            "page:error": derived_row(
                "page:error",
                bench.scale,
                None,
                note=(measurement.stderr or measurement.stdout)[-2000:],
            )
        }
        return
    page_rows = {}
    for page in pages:
        name = f"page:{page['page']}"
        row = derived_row(name, bench.scale, page["cold_p50_ms"] / 1000)
        row["peak_rss_mb"] = round(measurement.peak_rss_mb, 1)
        row.update({key: value for key, value in page.items() if key != "page"})
        row["note"] = (
            "seconds = cold p50 of the page's queries (first view in a fresh process); "
            "peak_rss_mb of the whole bench_dashboard run"
        )
        page_rows[name] = row
    bench.once_rows["pages"] = page_rows


def page_figures(stdout: str) -> list[dict]:
    """Rows of bench_dashboard's table: `page  cold p50  cold p95  warm p50  warm p95`."""
    figures = []
    for line in stdout.splitlines():
        match = _PAGE_LINE.match(line)
        if match:
            name, *values = match.groups()
            figures.append({"page": name, **dict(zip(_PAGE_KEYS, map(float, values), strict=True))})
    return figures


def rows(bench: ScaleBench) -> dict[str, dict]:
    return bench.once_rows.get("pages", {})
