"""The benchmark's pure parts: medians and ratios, the row of a stage, the refresh's step
breakdown and fixed overhead, the targets, the dashboard figures and the printed table.
No process is started; the inputs are what the stages would have gathered."""

from __future__ import annotations

import pytest

from benchmarks.measure import Measurement
from benchmarks.report import format_table, format_targets
from benchmarks.rows import Stage, derived_row, median, ratio
from benchmarks.stages.pages import page_figures
from benchmarks.stages.refresh import step_breakdown
from benchmarks.targets import add_ratios_and_targets, refresh_overhead_row

COMMON_KEYS = ["stage", "scale", "seconds", "ratio_to_limit", "ratio_to_peer", "peak_rss_mb"]


def measured(seconds: float, peak: float = 100.0, cpu: float = 1.0) -> Measurement:
    return Measurement(
        seconds=seconds,
        cpu_seconds=cpu,
        peak_rss_mb=peak,
        returncode=0,
        stdout="",
        stderr="",
        load_average=0.5,
    )


def test_median_skips_missing_values_and_ratio_needs_a_denominator():
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([None]) is None
    assert ratio(10.0, 3.0) == 3.333
    assert ratio(None, 3.0) is None
    assert ratio(1.0, 0.0) is None
    assert ratio(1.0, None) is None


def test_stage_row_is_the_median_run_with_the_highest_peak():
    stage = Stage("ingest", "small")
    stage.add(measured(5.0, peak=300, cpu=4.0))
    stage.add(measured(3.0, peak=500, cpu=2.0))
    stage.add(measured(4.0, peak=400, cpu=3.0))
    row = stage.row(rows=12)
    assert list(row)[:6] == COMMON_KEYS
    assert row["seconds"] == 4.0
    assert row["peak_rss_mb"] == 500
    assert row["cpu_seconds"] == 3.0
    assert row["n_runs"] == 3
    assert row["runs_seconds"] == [5.0, 3.0, 4.0]
    assert row["rows"] == 12
    assert stage.median_index == 2
    # An even number of runs: the lower middle run is the one whose details are shown.
    stage.add(measured(6.0))
    assert stage.runs[stage.median_index].seconds == 4.0


def test_derived_row_has_the_common_keys_and_no_process():
    row = derived_row("limit_load", "medium", 1.23456, rows=7)
    assert list(row) == [*COMMON_KEYS, "rows"]
    assert row["seconds"] == 1.235
    assert row["peak_rss_mb"] is None


def refresh_run(seconds: float, run_start: float, run_end: float) -> tuple[Measurement, dict]:
    steps = [
        {"step_key": "crm__relations", "seconds": 1.0},
        {"step_key": "erp__invoice_lines", "seconds": 2.0},
        {"step_key": "dbt_models", "seconds": 10.0},
        {"step_key": "published_warehouse", "seconds": 0.5},
    ]
    return measured(seconds), {"dagster": {"start": run_start, "end": run_end, "steps": steps}}


def test_step_breakdown_splits_the_refresh_into_step_groups():
    stage = Stage("refresh", "small")
    stage.add(*refresh_run(20.0, 100.0, 114.0))
    stage.add(measured(99.0), {"dagster": {}})  # no steps read back: left out
    breakdown = step_breakdown(stage)
    assert breakdown == {
        "ingestion_steps": 3.0,
        "dbt_models": 10.0,
        "published_warehouse": 0.5,
        "dagster_run": 14.0,
        "dagster_between_steps": 0.5,
        "process_outside_run": 6.0,
    }


def test_refresh_overhead_is_the_refresh_minus_its_own_ingestion_and_dbt_busy_time():
    refresh = {
        "seconds": 30.0,
        "steps": {"ingestion_steps": 5.0, "published_warehouse": 0.2},
        "dbt_node_busy_seconds": 9.0,
        "dbt_node_seconds_sum": 16.0,
    }
    row = refresh_overhead_row("small", refresh, ingest_seconds=4.0)
    assert row["stage"] == "refresh_overhead"
    assert row["seconds"] == 16.0
    assert row["by_brief_definition"] == 9.0
    assert row["vs_ingest_stage"] == 17.0
    assert row["publish_seconds"] == 0.2
    assert row["target_met"] is False
    assert row["target"] == "Dagster + dbt fixed overhead <= 5 s"
    assert refresh_overhead_row("small", {**refresh, "seconds": 20.0}, None)["target_met"] is False
    at_target = refresh_overhead_row("small", {**refresh, "seconds": 19.0}, None)
    assert (at_target["seconds"], at_target["target_met"]) == (5.0, True)


def test_refresh_overhead_without_dbt_figures_is_said_not_measured():
    refresh = {"seconds": 30.0, "steps": {"ingestion_steps": 5.0}, "dbt_node_busy_seconds": None}
    row = refresh_overhead_row("small", refresh, ingest_seconds=4.0)
    assert row["seconds"] is None
    assert row["target_met"] is None
    assert "not measured" in row["note"]


def test_ratios_and_targets_compare_the_rows_of_one_scale():
    rows = {
        "ingest": derived_row("ingest", "medium", 6.0),
        "limit": derived_row("limit", "medium", 10.0),
        "limit_load": derived_row("limit_load", "medium", 2.0),
        "refresh": {
            **derived_row("refresh", "medium", 18.0),
            "peak_rss_mb": 900,
            "steps": {"ingestion_steps": 6.0},
            "dbt_node_busy_seconds": 8.0,
            "dbt_node_seconds_sum": 12.0,
        },
        "peer": derived_row("peer", "medium", 60.0),
    }
    add_ratios_and_targets(rows, "medium")
    assert rows["ingest"]["ratio_to_limit"] == 3.0
    assert rows["limit"]["ratio_to_peer"] == 0.167
    assert rows["peer"]["ratio_to_limit"] == 6.0
    refresh = rows["refresh"]
    assert (refresh["ratio_to_limit"], refresh["ratio_to_peer"]) == (1.8, 0.3)
    assert refresh["target_limit_met"] is False  # 18 s > 1.5 x 10 s (issue #21)
    assert rows["ingest"]["target_met"] is False  # 6 s > 1.5 x 2 s
    assert refresh["target_peer_met"] is True  # 3 x 18 s <= 60 s
    assert list(rows)[-1] == "refresh_overhead"
    assert rows["refresh_overhead"]["seconds"] == 4.0


def test_page_figures_read_bench_dashboards_table():
    stdout = (
        "page              cold p50  cold p95  warm p50  warm p95\n"
        "pyramid              61.5      70.2      12.0      14.5\n"
        "data_quality         50.0      55.0       9.0      10.0\n"
        "total: 2 pages\n"
    )
    figures = page_figures(stdout)
    assert [figure["page"] for figure in figures] == ["pyramid", "data_quality"]
    assert figures[0]["cold_p50_ms"] == pytest.approx(61.5)
    assert figures[1]["warm_p95_ms"] == pytest.approx(10.0)


def test_format_table_aligns_columns_and_shows_missing_values_as_dashes():
    rows = [
        {**derived_row("ingest", "small", 3.4812), "rows_per_s": 507615.4, "mb_per_s": 32.61},
        derived_row("refresh_overhead", "small", None),
    ]
    header, ingest, overhead = format_table(rows).splitlines()
    assert header.split() == [
        "stage",
        "scale",
        "seconds",
        "ratio_to_limit",
        "ratio_to_peer",
        "peak_rss_mb",
        "cpu_seconds",
        "rows_per_s",
        "mb_per_s",
    ]
    assert ingest.split() == ["ingest", "small", "3.48", "-", "-", "-", "-", "507,615", "32.6"]
    assert overhead.startswith("refresh_overhead ")
    assert len(header) == len(ingest) == len(overhead)


def test_format_targets_says_met_missed_or_not_measured():
    rows = [
        {"stage": "generate", "scale": "small", "target": "fast", "target_met": False},
        {"stage": "refresh", "scale": "medium", "target_peer": "faster", "target_peer_met": True},
        {"stage": "refresh_overhead", "scale": "small", "target": "low", "target_met": None},
    ]
    assert format_targets(rows).splitlines() == [
        "",
        "Targets (issues #5, #19, #21):",
        "  [small] generate: fast: MISSED",
        "  [medium] refresh: faster: MET",
        "  [small] refresh_overhead: low: NOT MEASURED",
    ]


def test_the_whatif_row_has_its_30_second_target_at_100k():
    for scale, seconds, met in (("medium", 12.0, True), ("medium", 31.0, False)):
        rows = {"whatif": derived_row("whatif", scale, seconds)}
        add_ratios_and_targets(rows, scale)
        assert rows["whatif"]["target"] == "what-if within 30 s at 100k"
        assert rows["whatif"]["target_met"] is met
    rows = {"whatif": derived_row("whatif", "small", 5.0)}
    add_ratios_and_targets(rows, "small")
    assert "target" not in rows["whatif"]


def test_ingest_and_the_plain_load_are_compared_with_the_scan_floor():
    rows = {
        "scan_floor": derived_row("scan_floor", "medium", 4.0),
        "ingest": derived_row("ingest", "medium", 12.0),
        "limit_load": derived_row("limit_load", "medium", 8.0),
    }
    add_ratios_and_targets(rows, "medium")
    assert rows["ingest"]["ratio_to_limit"] == 1.5
    assert rows["ingest"]["target_met"] is True  # exactly 1.5x is within
    assert rows["ingest"]["ratio_to_floor"] == 3.0
    assert rows["limit_load"]["ratio_to_floor"] == 2.0
    assert "scan_floor" in format_table(list(rows.values()))


def test_the_peer_row_says_which_marts_it_computes_out_of_the_projects():
    from benchmarks.stages.peer import CONSISTENCY_QUERIES, project_marts, scope

    marts = project_marts()  # from dbt_project/target/manifest.json (make manifest)
    assert "marts.visit_plan" in marts and "marts.customer_profitability" in marts
    labelled = scope(marts)
    assert labelled["computes"] == [mart for _, mart, _ in CONSISTENCY_QUERIES.values()]
    assert set(labelled["computes"]) < set(marts)
    assert labelled["scope"].startswith(f"core marts only: 4 of the {len(marts)} marts")


def test_per_table_seconds_are_medians_over_the_runs_in_the_median_runs_order():
    stage = Stage("ingest", "small")
    for seconds, tables in (
        (9.0, [("b", 5.0), ("a", 1.0)]),
        (7.0, [("b", 3.0), ("a", 4.0)]),
        (8.0, [("b", 4.0), ("a", 2.0)]),
    ):
        detail = {"tables": [{"table": name, "seconds": s} for name, s in tables]}
        stage.add(measured(seconds), detail)
    assert list(stage.table_seconds().items()) == [("b", 4.0), ("a", 2.0)]
