"""Queries of the data quality page: loads, rejected rows, unlinked ERP customers, relations
without a salesperson, and the refresh status."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app.data import scope
from app.data.scope import LIST_LIMIT
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
