"""`make inspect` (`python -m orchestration.inspect`): the source folder checked as a
refresh would check it, with nothing written anywhere."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.inspect import inspect_sources
from orchestration.settings import REPO_ROOT
from tests.exports import to_dutch, to_xlsx


def snapshot(*folders: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `folders` (hidden ones too) with its size, mtime and checksum."""
    files = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                files[str(path)] = (stat.st_size, stat.st_mtime_ns, digest)
            else:
                files[str(path)] = (0, 0, "dir")
    return files


def run_inspect(source: Path, warehouse_dir: Path, workdir: Path, *args: str):
    env = {
        **os.environ,
        "PYRAMID_SOURCE_DIR": str(source),
        "PYRAMID_WAREHOUSE": str(warehouse_dir / "warehouse.duckdb"),
    }
    env.pop("PYRAMID_SOURCE_MAPPING", None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.inspect", *args],
        cwd=workdir,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def folders(demo_sources, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(demo_sources, source)
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    (warehouse / "warehouse.duckdb").write_bytes(b"the published warehouse, untouched")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    return source, warehouse, workdir


def drop_column(path: Path, column: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    position = lines[0].split(",").index(column)
    path.write_text(
        "".join(
            ",".join(field for i, field in enumerate(line.split(",")) if i != position) + "\n"
            for line in lines
        ),
        encoding="utf-8",
    )


def test_a_missing_required_column_exits_1_naming_table_and_column_and_writes_nothing(folders):
    source, warehouse, workdir = folders
    drop_column(source / "erp" / "invoices.csv", "invoice_date")
    before = snapshot(source, warehouse, workdir)

    done = run_inspect(source, warehouse, workdir)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "erp/invoices  [FAILS THE REFRESH]" in done.stdout
    assert "required columns missing: invoice_date" in done.stdout
    assert "A refresh would FAIL" in done.stdout
    assert snapshot(source, warehouse, workdir) == before, "inspect wrote or changed a file"

    as_json = run_inspect(source, warehouse, workdir, "--format", "json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["refresh_would_succeed"] is False
    failing = [table for table in report["tables"] if not table["ok"]]
    assert [(t["table"], t["missing_columns"]) for t in failing] == [
        ("erp/invoices", ["invoice_date"])
    ]
    assert snapshot(source, warehouse, workdir) == before


def test_a_clean_export_exits_0_with_rows_and_detection(folders):
    source, warehouse, workdir = folders
    done = run_inspect(source, warehouse, workdir, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["refresh_would_succeed"] is True
    relations = next(t for t in report["tables"] if t["table"] == "crm/relations")
    assert relations["rows_read"] == relations["rows_loaded"] > 0
    assert (relations["delimiter"], relations["encoding"]) == (",", "utf-8")


def test_rejected_rows_and_unknown_codes_are_reported(folders):
    source, _, _ = folders
    path = source / "crm" / "activities.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(lines[1].split(",")[4], "telefoon")
    lines[2] = lines[2].replace(lines[2].split(",")[5].strip(), "23-11-2022 08:11")
    path.write_text("".join(lines), encoding="utf-8")
    report = inspect_sources(source, environ={})
    assert report.ok  # rejected rows do not stop a refresh
    activities = next(t for t in report.tables if t.table == "crm/activities")
    assert activities.rows_rejected == 2
    assert activities.unknown_values == [
        {"column": "activity_type", "value": "telefoon", "rows": 1}
    ]
    assert [(row["line"], row["column"]) for row in activities.rejected_sample] == [
        (2, "activity_type"),
        (3, "occurred_at"),
    ]
    assert "day-month-year (31-12-2026): 1" in activities.date_format


def test_the_dutch_workbook_export_is_read_through_its_mapping(demo_sources, tmp_path):
    source = tmp_path / "dutch"
    to_dutch(demo_sources, source)
    report = inspect_sources(source, environ={})
    assert report.ok, [t.error for t in report.tables if t.error]
    assert report.mapping == str(source / "mapping.yml")
    relations = next(t for t in report.tables if t.table == "crm/relations")
    assert (relations.file_format, relations.sheet) == ("xlsx", "Blad1")
    assert relations.columns_mapped["relation_id"] == "Relatienummer"
    assert relations.rows_rejected == 0
    invoices = next(t for t in report.tables if t.table == "erp/invoices")
    assert (invoices.delimiter, invoices.decimal_separator) == (";", ",")

    # A gap in the mapping fails the refresh, naming the mapping's line.
    mapping = source / "mapping.yml"
    mapping.write_text(mapping.read_text().replace("        Beurs: trade_fair\n", ""))
    report = inspect_sources(source, environ={})
    assert not report.ok
    activities = next(t for t in report.tables if t.table == "crm/activities")
    assert f"{mapping}, line " in activities.error
    assert "does not map 'Beurs'" in activities.error


@pytest.mark.slow  # 10 s of writing workbooks; test_real_exports covers the same ground
def test_excel_workbooks_are_inspected_like_their_csv(demo_sources, tmp_path):
    to_xlsx(demo_sources, tmp_path / "xlsx")
    csv_report = inspect_sources(demo_sources, environ={})
    xlsx_report = inspect_sources(tmp_path / "xlsx", environ={})
    assert xlsx_report.ok
    counts = [
        [(t.table, t.rows_read, t.rows_loaded, t.rows_rejected) for t in report.tables]
        for report in (csv_report, xlsx_report)
    ]
    assert counts[0] == counts[1]


def test_rejected_contacts_do_not_show_personal_data(folders):
    source, _, _ = folders
    path = source / "crm" / "contacts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].rstrip("\n").split(",")
    fields[-1] = "misschien"  # marketing_consent: not a boolean
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    contacts = next(
        t for t in inspect_sources(source, environ={}).tables if t.table == "crm/contacts"
    )
    assert contacts.rejected_sample == [
        {
            "line": 2,
            "column": "marketing_consent",
            "value": "(personal data: see raw.ingest_rejects)",
            "reason": "not a boolean",
        }
    ]
