"""The review page's downloads: the whole selection (up to CSV_LIMIT rows) with why and
what it would take in the user's language, as CSV (`tables.to_csv`) or as an Excel
workbook with a sheet per salesperson (`workbook.to_xlsx`)."""

from __future__ import annotations

import pandas as pd

from app import reasons, tables, workbook
from app.data import review
from app.data.scope import CSV_LIMIT, Filters

EXPORT_COLUMNS = [
    "relation_id",
    "relation_name",
    "account_manager_id",
    "account_manager_name",
    "movement",
    "previous_level",
    "proposed_level",
    "override_level",
    "assigned_level",
    "abc_class",
    "revenue_12m",
    "growth_potential",
    "potential_band",
    "why",
    "revenue_to_next_class",
    "what_it_takes",
    "override_reason",
    "decided_by",
    "decided_at",
]


def review_frame(
    period: str, filters: Filters, movements: tuple[str, ...] | None, lang: str
) -> pd.DataFrame:
    rows, _ = review.review_rows(period, filters, movements, limit=CSV_LIMIT)
    return reasons.explained(rows, lang)


def review_csv(
    period: str,
    filters: Filters,
    movements: tuple[str, ...] | None,
    lang: str,
    include_personal: bool = False,
) -> bytes:
    frame = review_frame(period, filters, movements, lang)
    return tables.to_csv(frame, EXPORT_COLUMNS, lang, include_personal=include_personal)


def review_xlsx(
    period: str,
    filters: Filters,
    movements: tuple[str, ...] | None,
    lang: str,
    include_personal: bool = False,
) -> bytes:
    frame = review_frame(period, filters, movements, lang)
    return workbook.to_xlsx(frame, EXPORT_COLUMNS, lang, include_personal=include_personal)
