"""When the jobs run: the refresh every night, the review on 1 January and 1 July."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.jobs import nightly_refresh, review_run_config, segment_review
from orchestration.warehouse.review import period_for_date

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
