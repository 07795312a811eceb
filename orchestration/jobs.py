"""Jobs and schedules: the nightly refresh and the half-yearly review."""

from __future__ import annotations

import dagster as dg

from orchestration.review import period_for_date

# Every asset runs in one process, one after the other: DuckDB allows one writer per file,
# and it saves the multiprocess executor's start-up per step.
EVERYTHING = dg.AssetSelection.all()

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    selection=EVERYTHING,
    description="Ingest the CRM and ERP exports, build and test every dbt model, publish.",
    executor_def=dg.in_process_executor,
)

segment_review = dg.define_asset_job(
    name="segment_review",
    selection=EVERYTHING,
    description="The nightly refresh, then freeze the proposed service levels into a review "
    "period (config ops.dbt_models.config.review_period, e.g. 2027-H1).",
    executor_def=dg.in_process_executor,
)


def review_run_config(period: str) -> dict:
    return {"ops": {"dbt_models": {"config": {"review_period": period}}}}


nightly_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.schedule(
    name="half_yearly_review_schedule",
    job=segment_review,
    cron_schedule="0 6 1 1,7 *",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def half_yearly_review_schedule(context: dg.ScheduleEvaluationContext):
    period = period_for_date(context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=period, run_config=review_run_config(period))
