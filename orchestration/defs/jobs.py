"""The jobs: the nightly refresh and the half-yearly review, and their failure hook."""

from __future__ import annotations

import dagster as dg

from orchestration.settings import load_settings
from orchestration.warehouse.status import failing_dbt_nodes, record_failure


@dg.failure_hook(name="record_refresh_failure")
def record_refresh_failure(context: dg.HookContext) -> None:
    """Say on the Datakwaliteit page that this run failed, where and why (the last good
    publication stays in place: see orchestration/warehouse/status.py)."""
    settings = load_settings()
    reason = str(context.op_exception or "the step failed")
    run_results = settings.dbt_target_dir / "run_results.json"
    record = context.instance.get_run_record_by_id(context.run_id)
    started = record.start_time if record is not None and record.start_time else 0.0
    # run_results.json older than the run belongs to a previous run: not this reason.
    if (
        context.op.name == "dbt_models"
        and run_results.exists()
        and (run_results.stat().st_mtime >= started)
    ):
        failing = failing_dbt_nodes(run_results)
        if failing:
            reason = "dbt: " + "; ".join(failing)
    record_failure(
        settings.warehouse,
        run_id=context.run_id,
        job=context.job_name,
        step=context.step_key,
        reason=reason,
    )


# Every asset runs in one process, one after the other: DuckDB allows one writer per file,
# and it saves the multiprocess executor's start-up per step.
EVERYTHING = dg.AssetSelection.all()

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    selection=EVERYTHING,
    description="Ingest the CRM and ERP exports, build and test every dbt model, publish.",
    executor_def=dg.in_process_executor,
    hooks={record_refresh_failure},
)

segment_review = dg.define_asset_job(
    name="segment_review",
    selection=EVERYTHING,
    description="The nightly refresh, then freeze the proposed service levels into a review "
    "period (config ops.dbt_models.config.review_period, e.g. 2027-H1).",
    executor_def=dg.in_process_executor,
    hooks={record_refresh_failure},
)


def review_run_config(period: str) -> dict:
    return {"ops": {"dbt_models": {"config": {"review_period": period}}}}
