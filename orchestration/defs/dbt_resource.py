"""The dbt resource of the pipeline: dagster-dbt's, with less start-up work."""

from __future__ import annotations

from functools import cached_property

from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION


class PipelineDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource minus two start-up costs the pipeline does not need.

    Before dbt starts, `DbtCliResource.cli` runs `dbt --version` in a subprocess (a full
    dbt import, 1.5-3 s of CPU) and builds a dbt adapter in this process (profile and
    project load), used only to fetch column metadata or row counts, which we never ask
    for. Our dbt executable is this environment's (orchestration/definitions.py), so its
    version is the installed dbt-core's. Measured by `benchmarks.experiments`; relies on
    two private methods of dagster-dbt 0.29 (pinned in pyproject.toml, and
    tests/test_orchestration.py fails if they disappear).
    """

    @cached_property
    def _cli_version(self):
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args):
        return None
