"""The dashboard's parts of issue 20: the check of the source files on the Datakwaliteit
page (stored by the refresh beside the warehouse), ERP customers with an ambiguous KvK
number, and the roll-up per legal entity on the Klantenpiramide page."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from app import i18n
from orchestration.ingest import MissingColumnError
from orchestration.ingest.contract import INVOICES
from orchestration.ingest.report import read_reports, report_folder, report_of_error, write_report
from tests.test_app import frame_with, open_app, show


@pytest.fixture
def scratch(built_warehouse, tmp_path, monkeypatch) -> Path:
    """A private copy of the built warehouse and its source reports."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, copy)
    shutil.copytree(report_folder(built_warehouse), report_folder(copy))
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(copy))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return copy


def test_the_refresh_stores_a_report_per_source_file(built_warehouse):
    reports = read_reports(built_warehouse)
    assert [report["raw_table"] for report in reports] == [
        "crm_salespeople", "crm_absences", "crm_relations", "crm_contacts", "crm_activities",
        "crm_opportunities", "erp_customers", "erp_invoices", "erp_invoice_lines",
        "erp_payments",
    ]  # fmt: skip
    assert all(report["ok"] and report["run_id"] for report in reports)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        loaded = dict(
            con.execute("select source_table, rows_loaded from raw.ingest_runs").fetchall()
        )
    assert {r["raw_table"]: r["rows_loaded"] for r in reports} == loaded


def test_the_data_quality_page_shows_the_source_check(scratch):
    at = show(open_app(), "data_quality")
    assert any(i18n.t("dq.sources.ok", "nl") in s.value for s in at.success)
    summary = frame_with(at, i18n.column("check_passed"))
    assert len(summary) == 10

    # A refresh stopped by a file: the page says which, and why, though nothing published.
    error = MissingColumnError(
        "/data/erp/invoices.csv: missing required column 'invoice_date'",
        ("invoice_date",),
        ("Factuurdatum",),
    )
    write_report(scratch, report_of_error(INVOICES, error, Path("/data/erp/invoices.csv")))
    at = show(open_app(), "data_quality")
    assert any("erp/invoices" in e.value for e in at.error)
    assert any("invoice_date" in code.value for code in at.code)
    assert any("Factuurdatum" in md.value for md in at.markdown)


def test_ambiguous_kvk_customers_are_listed(scratch):
    at = show(open_app(), "data_quality")
    assert any(i18n.t("dq.ambiguous.none", "nl") in s.value for s in at.success)
    with duckdb.connect(str(scratch)) as con:
        con.execute(
            "insert into marts.dq_ambiguous_kvk values "
            "('D9', 'Bakker', null, '3012 3456', '30123456', 2, 'R1, R2', 1250.00)"
        )
    at = show(open_app(), "data_quality")
    frame = frame_with(at, i18n.column("relation_ids"))
    assert frame[i18n.column("relation_ids")].tolist() == ["R1, R2"]


def test_the_pyramid_page_rolls_up_legal_entities(scratch):
    at = show(open_app(), "pyramid")
    # The demo's relations have a number each: nothing shared, but every entity listed.
    assert any(i18n.t("pyr.entities.none", "nl") in info.value for info in at.info)
    at.toggle(key="entities_shared").set_value(False).run()
    frame = frame_with(at, i18n.column("best_effective_level"))
    assert len(frame) > 0
    with duckdb.connect(str(scratch)) as con:
        con.execute(
            "insert into marts.legal_entities values "
            "('30123456', 'NL', 2, 99999999.00, 'A', 'Bakker Noord, Bakker Zuid', 'R1, R2')"
        )
    at = show(open_app(), "pyramid")
    frame = frame_with(at, i18n.column("best_effective_level"))
    assert frame[i18n.column("relation_count")].tolist() == [2]
