"""The nightly refresh with one thing changed, to measure what a proposed fix would save.

`python -m benchmarks.variant_refresh [--no-asset-checks] [--ephemeral-instance]`

Same assets, same dbt invocation and same job as `python -m orchestration.cli refresh`
(the ingestion and publication assets are imported from `orchestration`), with:

* `--no-asset-checks`: dagster-dbt does not turn the ~270 dbt data tests into Dagster
  asset checks (`DagsterDbtTranslatorSettings(enable_asset_checks=False)`). dbt still runs
  every test in the same `dbt build`, and a failing test still fails the dbt step (dbt
  exits non-zero), so publication is still gated on them; the Dagster UI then shows test
  results in the step log instead of one check per test.
* `--ephemeral-instance`: run with an in-memory Dagster instance, i.e. without writing
  the run's events to the SQLite storage in DAGSTER_HOME (measures what that costs; not
  a fix by itself, since run history is wanted).

Used by `python -m benchmarks.experiments`; nothing in the pipeline imports it.
"""

import argparse
import os
import sys

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.cli import ensure_dagster_home
from orchestration.definitions import defs as pipeline_defs
from orchestration.defs.dbt import DbtBuildConfig, dbt_build_args
from orchestration.defs.ingestion import ingestion_assets
from orchestration.defs.project import dbt_project
from orchestration.defs.publish import published_warehouse
from orchestration.defs.resources import WarehouseResource


def build_job(asset_checks: bool) -> dg.JobDefinition:
    translator = DagsterDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=asset_checks)
    )

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=translator,
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtBuildConfig,
    ):
        settings = warehouse.settings()
        os.environ.update(settings.dbt_env())
        args = dbt_build_args()
        yield from dbt.cli(args, context=context, target_path=settings.dbt_target_dir).stream()

    job = dg.define_asset_job(
        name="nightly_refresh",
        selection=dg.AssetSelection.all(),
        executor_def=dg.in_process_executor,
    )
    defs = dg.Definitions(
        assets=[*ingestion_assets, dbt_models, published_warehouse],
        jobs=[job],
        # The pipeline's own resources, so a variant differs from it in one thing only.
        resources=dict(pipeline_defs.resources),
    )
    return defs.resolve_job_def("nightly_refresh")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-asset-checks", action="store_true")
    parser.add_argument("--ephemeral-instance", action="store_true")
    args = parser.parse_args(argv)
    ensure_dagster_home()
    job = build_job(asset_checks=not args.no_asset_checks)
    instance = (
        dg.DagsterInstance.ephemeral() if args.ephemeral_instance else dg.DagsterInstance.get()
    )
    with instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    print(f"variant refresh: {'succeeded' if result.success else 'FAILED'}", file=sys.stderr)
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
