"""Resources shared by the assets: where the warehouse files are."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.settings import Settings, load_settings
from orchestration.warehouse import connect_build


class WarehouseResource(dg.ConfigurableResource):
    """The working and published DuckDB files, from the PYRAMID_* environment variables."""

    def settings(self) -> Settings:
        return load_settings()

    def connect_build(self) -> duckdb.DuckDBPyConnection:
        settings = self.settings()
        return connect_build(settings.build_warehouse, settings.warehouse)
