"""The arrival sensor (orchestration/defs/sensors.py): a refresh once new exports are
complete, evaluated with Dagster's own sensor context."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.dbt_manifest import ensure_manifest
from orchestration.defs.sensors import source_arrival_sensor


@pytest.fixture
def source(demo_sources, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "source"
    shutil.copytree(demo_sources, folder)
    monkeypatch.setenv("PYRAMID_SOURCE_DIR", str(folder))
    monkeypatch.delenv("PYRAMID_SOURCE_MAPPING", raising=False)
    return folder


def evaluate(instance, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    result = source_arrival_sensor.evaluate_tick(context)
    return result, context.cursor


def touch(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_off_by_default_and_part_of_the_code_location():
    ensure_manifest()
    from orchestration.definitions import defs

    sensor = defs.resolve_sensor_def("source_arrival_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "nightly_refresh"


def test_a_refresh_starts_once_new_exports_stop_changing(source):
    invoices = source / "erp" / "invoices.csv"
    with dg.DagsterInstance.ephemeral() as instance:
        # Turned on: the folder as it is is the starting point, nothing starts.
        result, cursor = evaluate(instance, None)
        assert not result.run_requests and "first look" in result.skip_message
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests and "no new exports" in result.skip_message

        # An export being written: changed since the last look, so wait.
        touch(invoices, "F999999999,D100001,2026-11-20,,invoice\n")
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests and "changing" in result.skip_message
        touch(invoices, "F999999998,D100001,2026-11-20,,invoice\n")
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests and "changing" in result.skip_message

        # Unchanged since the last look: complete, the refresh starts, once.
        result, cursor = evaluate(instance, cursor)
        assert len(result.run_requests) == 1
        assert result.run_requests[0].run_key.startswith("arrival-")
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests

        # Excel's lock file of an open workbook changes nothing.
        (source / "erp" / "~$facturen.xlsx").write_bytes(b"lock")
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests and "no new exports" in result.skip_message


def test_incomplete_exports_wait(source):
    with dg.DagsterInstance.ephemeral() as instance:
        _, cursor = evaluate(instance, None)
        (source / "erp" / "payments.csv").unlink()  # deleted before the new one arrives
        result, cursor = evaluate(instance, cursor)
        assert "changing" in result.skip_message
        result, cursor = evaluate(instance, cursor)
        assert not result.run_requests
        assert "not complete" in result.skip_message and "erp_payments" in result.skip_message
        shutil.copy(source / "erp" / "invoices.csv", source / "erp" / "payments.csv")
        result, cursor = evaluate(instance, cursor)
        result, cursor = evaluate(instance, cursor)
        assert len(result.run_requests) == 1
