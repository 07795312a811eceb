"""Queries of the data quality page: loads, rejected rows, unlinked ERP customers, relations
without a salesperson, ERP customers with an ambiguous KvK number, the refresh status and
the check of the source files."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT
from orchestration.ingest.report import read_reports
from orchestration.warehouse.status import read_status


def refresh_status() -> dict:
    """Last successful and last failed refresh (orchestration/status.py), times local.

    Read from a file beside the warehouse, not from it: a failed refresh never publishes.
    """
    status = read_status(scope.warehouse_path())
    for entry, key in (
        (status.get("last_success"), "finished_at"),
        (status.get("last_failure"), "failed_at"),
    ):
        if entry and entry.get(key):
            entry[key] = dt.datetime.fromisoformat(entry[key]).astimezone().replace(tzinfo=None)
    return status


def source_reports() -> list[dict]:
    """What the last refresh found in each source file (orchestration/ingest/report.py),
    read from files beside the warehouse: also there after a refresh that failed."""
    reports = read_reports(scope.warehouse_path())
    for report in reports:
        if report.get("checked_at"):
            report["checked_at"] = (
                dt.datetime.fromisoformat(report["checked_at"]).astimezone().replace(tzinfo=None)
            )
    return reports


def source_report_summary(reports: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source_table": report["table"],
                "source_file": report.get("file"),
                "file_format": report.get("file_format"),
                "rows_read": report.get("rows_read"),
                "rows_rejected": report.get("rows_rejected"),
                "check_passed": bool(report.get("ok")),
                "checked_at": report.get("checked_at"),
            }
            for report in reports
        ]
    )


def ambiguous_kvk(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    return scope.limited(
        """
        select customer_id, customer_name, kvk_number, relation_count, relation_ids,
               revenue_12m
        from marts.dq_ambiguous_kvk
        """,
        [],
        "revenue_12m desc nulls last, customer_id",
        limit,
    )


def ingest_runs() -> pd.DataFrame:
    return scope.query(
        """
        select source_table, source_file, file_format, rows_read, rows_loaded, rows_rejected,
               extra_columns, loaded_at
        from marts.dq_ingest_runs
        order by source_table
        """
    )


def reject_counts() -> pd.DataFrame:
    return scope.query(
        """
        select source_table, reason, count(*) as rejected_rows
        from marts.dq_ingest_rejects
        group by all
        order by rejected_rows desc, source_table, reason
        """
    )


def rejects(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    return scope.limited(
        """
        select source_table, source_file, line_number, column_name, raw_value, reason
        from marts.dq_ingest_rejects
        """,
        [],
        "source_table, line_number",
        limit,
    )


def unlinked_erp_customers(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int, float]:
    frame, total = scope.limited(
        """
        select customer_id, customer_name, crm_relation_id, kvk_number, reason, invoice_count,
               revenue_12m, last_invoice_date
        from marts.dq_unlinked_erp_customers
        """,
        [],
        "revenue_12m desc nulls last, customer_id",
        limit,
    )
    revenue = scope.scalar(
        "select coalesce(sum(revenue_12m), 0) from marts.dq_unlinked_erp_customers"
    )
    return frame, total, float(revenue or 0)


def unassigned_relations(limit: int = LIST_LIMIT) -> tuple[pd.DataFrame, int]:
    return scope.limited(
        """
        select relation_id, relation_name, relation_kind, revenue_12m, account_manager_id,
               reason
        from marts.dq_relations_without_salesperson
        """,
        [],
        "revenue_12m desc nulls last, relation_id",
        limit,
    )


def unassigned_counts() -> pd.DataFrame:
    return scope.query(
        """
        select reason, relation_kind, count(*) as relations
        from marts.dq_relations_without_salesperson
        group by all
        order by reason, relation_kind
        """
    )
