"""Resources shared by the assets: where the warehouse files are."""

from __future__ import annotations

import contextlib
import datetime as dt

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from orchestration.privacy.erasure import refresh_lock
from orchestration.settings import Settings, load_settings, parse_as_of
from orchestration.warehouse.lock import WarehouseBusy, writer_lock
from orchestration.warehouse.publication import connect_build
from orchestration.warehouse.replay import (
    EarlierAsOf,
    check_not_earlier,
    prepare_replay_build,
    replay_settings,
)


class WarehouseResource(dg.ConfigurableResource):
    """The working and published DuckDB files, from the PYRAMID_* environment variables;
    with `replay_as_of` (the `replay` job), a replay's files under `replays/`.

    A run holds, from start to end:
    - the writer lock beside the published warehouse (orchestration/warehouse/lock.py): one
      refresh, review or replay at a time; a run launched while another holds it waits
      PYRAMID_LOCK_TIMEOUT_SECONDS, then fails naming the other (the command line takes it
      before Dagster starts, and answers with exit code 75);
    - a shared lock beside the working file, so an erasure (`python -m orchestration.forget`,
      which takes it exclusively) never changes the files halfway through a run; a run
      that starts during an erasure waits for it.
    A refresh or review at an as_of earlier than the published one is refused before any
    step runs (orchestration/warehouse/replay.py); a replay starts from a copy of the
    published warehouse with its history cut back to its date.
    """

    replay_as_of: str = ""
    """YYYY-MM-DD: build a replay at this date instead of refreshing the warehouse."""

    _run_lock: contextlib.ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        published = load_settings()
        settings = self.settings()
        job = context.run.job_name if context.run is not None else "run"
        what = {"nightly_refresh": "refresh", "segment_review": "review"}.get(job, job)
        if settings.is_replay:
            what = f"replay {settings.as_of}"
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(writer_lock(published.warehouse, what, log=context.log.warning))
            stack.enter_context(refresh_lock(published.build_warehouse))
            if settings.is_replay:
                run_id = context.run_id or ""
                marker = settings.build_warehouse.with_name(f"{settings.build_warehouse.name}.run")
                # Once per run (the in-process executor sets resources up once; this holds
                # should it ever be per step).
                if not marker.exists() or marker.read_text() != run_id:
                    removed = prepare_replay_build(settings)
                    marker.write_text(run_id)
                    context.log.info(
                        f"replay at {settings.as_of} into {settings.warehouse}; history cut "
                        f"back to that date: {removed or 'no published warehouse to start from'}"
                    )
            else:
                check_not_earlier(settings)
        except (WarehouseBusy, EarlierAsOf) as error:
            stack.close()
            raise dg.Failure(description=str(error)) from None
        except BaseException:
            stack.close()
            raise
        self._run_lock = stack

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            self._run_lock.close()
            self._run_lock = None

    def settings(self) -> Settings:
        settings = load_settings()
        if self.replay_as_of:
            return replay_settings(settings, parse_replay_date(self.replay_as_of))
        return settings

    def connect_build(self) -> duckdb.DuckDBPyConnection:
        settings = self.settings()
        # A replay's working file is prepared at setup (from the published warehouse);
        # it never starts from the replay's own earlier file.
        published = None if settings.is_replay else settings.warehouse
        return connect_build(settings.build_warehouse, published, settings.memory_limit)


def parse_replay_date(value: str) -> dt.date:
    try:
        return parse_as_of(value)
    except ValueError:
        raise ValueError(f"replay as_of {value!r} is not an ISO date (YYYY-MM-DD)") from None
