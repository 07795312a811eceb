"""Every dbt model, seed and snapshot as a Dagster asset; dbt tests become asset checks."""

import json
import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.project import dbt_project
from orchestration.defs.resources import WarehouseResource
from orchestration.warehouse.review import check_not_older_than, parse_period


class DbtBuildConfig(dg.Config):
    review_period: str = ""
    """Set by the half-yearly review (YYYY-H1/H2): freeze proposals into this period."""


def dbt_vars_args(review_period: str = "") -> list[str]:
    """The `--vars` of every dbt run of the pipeline: review_period only (see dbt_build_args).
    Any dbt command run with the same vars keeps dbt's partial-parse state valid."""
    return ["--vars", json.dumps({"review_period": review_period})]


def dbt_build_args(review_period: str = "") -> list[str]:
    """The one dbt invocation of a run: build (seed, run, snapshot, data tests).

    The date the rules are evaluated at reaches dbt as PYRAMID_AS_OF in the environment
    (`Settings.dbt_env`), not as a var: dbt re-parses the whole project when a --vars value
    changes, and as_of changes every night (macros/rules/as_of_date.sql). review_period changes
    twice a year. Unit tests check the SQL, not the data: they run in `make test` and CI,
    not nightly. dbt.log (in the run's target folder) is kept at level info: one line per
    node and every warning and error. At dbt's default, debug, it also holds every
    statement and connection event, and writing those cost ~6 s of a 20 s build at 10k
    relations (py-spy); run dbt by hand with `--log-level-file debug` to see them.
    """
    return [
        "build",
        "--exclude-resource-type",
        "unit_test",
        *dbt_vars_args(review_period),
        "--log-level-file",
        "info",
    ]


def latest_review_period(warehouse: WarehouseResource) -> str | None:
    with warehouse.connect_build() as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'service_level_reviews'"
        ).fetchone()[0]
        if not exists:
            return None
        return con.execute("select max(review_period) from marts.service_level_reviews").fetchone()[
            0
        ]


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    settings = warehouse.settings()
    review_period = ""
    if config.review_period:
        review_period = parse_period(config.review_period)
        check_not_older_than(review_period, latest_review_period(warehouse))
        context.log.info(f"freezing service-level proposals into review period {review_period}")
    # dbt reads the warehouse paths and as_of from the environment (profiles.yml,
    # macros/rules/as_of_date.sql); set for the dbt process only, restored after: a
    # replay's paths must not become this process's settings (load_settings).
    dbt_env = settings.dbt_env()
    saved = {key: os.environ.get(key) for key in dbt_env}
    os.environ.update(dbt_env)
    try:
        args = dbt_build_args(review_period)
        # One fixed target folder per working warehouse (Settings.dbt_target_dir) instead of
        # a new folder per run: its run_results.json describes the last run, its
        # partial-parse file survives between runs.
        yield from dbt.cli(args, context=context, target_path=settings.dbt_target_dir).stream()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
