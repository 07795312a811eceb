"""The jobs: the nightly refresh, the half-yearly review, the replay of a past date, and
their failure hook."""

from __future__ import annotations

import dagster as dg

from orchestration.warehouse.status import failing_dbt_nodes, record_failure


@dg.failure_hook(name="record_refresh_failure", required_resource_keys={"warehouse"})
def record_refresh_failure(context: dg.HookContext) -> None:
    """Say on the Datakwaliteit page that this run failed, where and why (the last good
    publication stays in place: see orchestration/warehouse/status.py). A replay's failure
    goes beside the replay's file, never into the published warehouse's status."""
    settings = context.resources.warehouse.settings()
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


# Runs carrying this tag write the warehouse: the run queue starts one at a time (the
# concurrency limit in the dagster.yaml orchestration/cli.py writes), so a schedule never
# starts a run while another runs; the writer lock (orchestration/warehouse/lock.py)
# also covers runs started outside the queue (the command line).
WRITER_TAG = "customer_pyramid/warehouse_writer"
WRITER_TAGS = {WRITER_TAG: "true"}

# Every asset runs in one process, one after the other: DuckDB allows one writer per file,
# and it saves the multiprocess executor's start-up per step.
EVERYTHING = dg.AssetSelection.all()

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    selection=EVERYTHING,
    description="Ingest the CRM and ERP exports, build and test every dbt model, publish.",
    executor_def=dg.in_process_executor,
    hooks={record_refresh_failure},
    tags=WRITER_TAGS,
)

segment_review = dg.define_asset_job(
    name="segment_review",
    selection=EVERYTHING,
    description="The nightly refresh, then freeze the proposed service levels into a review "
    "period (config ops.dbt_models.config.review_period, e.g. 2027-H1).",
    executor_def=dg.in_process_executor,
    hooks={record_refresh_failure},
    tags=WRITER_TAGS,
)


@dg.config_mapping(
    config_schema={
        "as_of": dg.Field(
            str,
            description="The date to replay (YYYY-MM-DD): built into replays/<as_of>.duckdb "
            "beside the published warehouse, which stays untouched.",
        ),
        # Passed through: the command line sets the console log level.
        "loggers": dg.Field(dg.Permissive(), is_required=False),
    }
)
def _replay_config(config: dict) -> dict:
    resources = {"warehouse": {"config": {"replay_as_of": config["as_of"]}}}
    return {
        "resources": resources,
        **({"loggers": config["loggers"]} if "loggers" in config else {}),
    }


replay = dg.define_asset_job(
    name="replay",
    selection=EVERYTHING,
    description="Build the warehouse as it was on a past date (config as_of: YYYY-MM-DD) into "
    "replays/<as_of>.duckdb beside the published warehouse. Reads the exports, the "
    "published history up to that date and the decisions taken by then; writes nothing "
    "else (orchestration/warehouse/replay.py).",
    executor_def=dg.in_process_executor,
    hooks={record_refresh_failure},
    tags={**WRITER_TAGS, "customer_pyramid/replay": "true"},
    config=_replay_config,
)


def replay_run_config(as_of: str) -> dict:
    return {"as_of": as_of}


def review_run_config(period: str) -> dict:
    return {"ops": {"dbt_models": {"config": {"review_period": period}}}}
