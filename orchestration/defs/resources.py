"""Resources shared by the assets: where the warehouse files are."""

from __future__ import annotations

import contextlib

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from orchestration.privacy.erasure import refresh_lock
from orchestration.settings import Settings, load_settings
from orchestration.warehouse.publication import connect_build


class WarehouseResource(dg.ConfigurableResource):
    """The working and published DuckDB files, from the PYRAMID_* environment variables.

    A run holds a shared lock beside the working file from start to end, so an erasure
    (`python -m orchestration.forget`, which takes it exclusively) never changes the
    files halfway through a refresh; a run that starts during an erasure waits for it.
    """

    _run_lock: contextlib.ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_lock = contextlib.ExitStack()
        self._run_lock.enter_context(refresh_lock(self.settings().build_warehouse))

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            self._run_lock.close()
            self._run_lock = None

    def settings(self) -> Settings:
        return load_settings()

    def connect_build(self) -> duckdb.DuckDBPyConnection:
        settings = self.settings()
        return connect_build(settings.build_warehouse, settings.warehouse, settings.memory_limit)
