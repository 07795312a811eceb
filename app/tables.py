"""A query result as people see it: translated headers and labels, formatted numbers, and
CSV downloads without personal data unless asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from app.formatting import (
    fmt_bool,
    fmt_date,
    fmt_datetime,
    fmt_eur,
    fmt_number,
    fmt_pct,
    fmt_pct_points,
)
from app.i18n import column, current_language, label

# How a mart column is shown: a formatter per kind of column.
EUR_COLUMNS = {
    "revenue_12m",
    "growth_potential",
    "estimated_annual_spend",
    "cumulative_revenue",
    "revenue_to_next_class",
    "gross_revenue_12m",
    "excess_discount_eur",
    "revenue_before_review",
    "revenue_since_review",
    "revenue_change",
    # profitability (section 16)
    "cost_12m",
    "gross_margin_12m",
    "visit_cost_12m",
    "cost_to_serve",
    "contribution_eur",
    "loss_eur",
}
PCT_COLUMNS = {
    "relation_share",
    "revenue_share",
    "customer_share",
    "capacity_used_share",
    "share_of_relations",
    "excess_share_of_gross",
    "revenue_change_share",
    # campaign results (section 15)
    "response_share",
    "moved_up_share",
}
# Values already in percent (a discount of 7.5 is 7.5 %).
PCT_POINT_COLUMNS = {"max_discount_pct", "weighted_discount_pct"}
DATE_COLUMNS = {
    "last_invoice_date",
    "last_two_way_contact_date",
    "last_visit_date",
    "next_due_date",
    "week_start",
    "as_of_date",
    "review_date",
    "before_start_date",
    "planned_date",
    "release_week_start",
}
DATETIME_COLUMNS = {"loaded_at", "decided_at", "exported_at"}
BOOL_COLUMNS = {
    "is_lead",
    "needs_reactivation",
    "passes_cutoff",
    "within_capacity",
    "free_delivery",
    "fixed_contact_person",
    "has_override",
    "terms_over_entitlement",
    "is_over_entitlement",
    "has_open_quote",
    "has_complete_cost",
}
# Averages and spans shown to one decimal (a shortfall of 2,4 working days).
ONE_DECIMAL_COLUMNS = {"visits_per_working_day", "shortfall_days"}
SCORE_COLUMNS = {
    "total_score",
    "prospect_score",
    "relationship_score",
    "buying_score",
    "contribution",
    "weight",
}
ENUM_COLUMNS = {
    "pyramid_level": "pyramid_level",
    "relation_kind": "relation_kind",
    "from_kind": "relation_kind",
    "to_kind": "relation_kind",
    "customer_group": "customer_group",
    "movement": "movement",
    "reason": "reason",
    "axis": "axis",
    "criterion": "criterion",
    "band": "band",
    "potential_band": "potential_band",
    "priority_group": "priority_group",
}


def formatter_for(name: str, lang: str) -> Callable[[object], str] | None:
    if name in EUR_COLUMNS:
        return lambda v: fmt_eur(v, lang)
    if name in PCT_COLUMNS:
        return lambda v: fmt_pct(v, lang)
    if name in DATE_COLUMNS:
        return lambda v: fmt_date(v, lang)
    if name in DATETIME_COLUMNS:
        return lambda v: fmt_datetime(v, lang)
    if name in BOOL_COLUMNS:
        return lambda v: fmt_bool(v, lang)
    if name in SCORE_COLUMNS:
        return lambda v: fmt_number(v, lang, 2)
    if name in ONE_DECIMAL_COLUMNS:
        return lambda v: fmt_number(v, lang, 1)
    if name in PCT_POINT_COLUMNS:
        return lambda v: fmt_pct_points(v, lang, 2 if name == "weighted_discount_pct" else 1)
    return None


def translate_frame(
    frame: pd.DataFrame, lang: str | None = None, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """Enum values as labels and the chosen columns only; numbers stay numbers."""
    lang = lang or current_language()
    out = frame[list(columns)] if columns is not None else frame
    out = out.copy()
    for name, kind in ENUM_COLUMNS.items():
        if name in out.columns:
            out[name] = out[name].map(lambda v, kind=kind: label(kind, v, lang))
    return out


def styled(frame: pd.DataFrame, lang: str | None = None, columns: Iterable[str] | None = None):
    """A display version of a mart result: labels translated, numbers formatted per language.

    A pandas Styler: Streamlit shows the formatted text and sorts on the raw values.
    """
    lang = lang or current_language()
    out = translate_frame(frame, lang, columns)
    formats = {}
    for name in out.columns:
        formatter = formatter_for(name, lang)
        if formatter is not None:
            formats[column(name, lang)] = formatter
        elif pd.api.types.is_bool_dtype(out[name]):
            continue
        elif pd.api.types.is_numeric_dtype(out[name]):
            formats[column(name, lang)] = lambda v: fmt_number(v, lang, 0)
        else:
            # text: an empty cell rather than Streamlit's grey "None"
            out[name] = out[name].astype(object).where(out[name].notna(), "")
    out = out.rename(columns={name: column(name, lang) for name in out.columns})
    return out.style.format(formats, na_rep="")


# Columns holding personal data (AVG/GDPR) that a mart may carry: names of people.
# Downloads leave them out unless the user asks for them (`include_personal`).
PERSONAL_COLUMNS = frozenset(
    {
        "salesperson_name",
        "account_manager_name",
        "decided_by",
        "first_name",
        "last_name",
        "contact_name",
        "contact_email",
        "contact_phone",
        "salesperson_email",
        "email",
        "phone",
    }
)


def to_csv(
    frame: pd.DataFrame,
    columns: Iterable[str],
    lang: str | None = None,
    include_personal: bool = False,
) -> bytes:
    """A download: translated headers and labels; Dutch CSV (`;`, decimal comma) for
    Dutch Excel, plain CSV in English. UTF-8 with BOM so Excel reads the accents.

    Personal data (`PERSONAL_COLUMNS`) only with `include_personal`."""
    lang = lang or current_language()
    columns = [c for c in columns if include_personal or c not in PERSONAL_COLUMNS]
    export = translate_frame(frame, lang, columns)
    for name in columns:
        if name in BOOL_COLUMNS:
            export[name] = export[name].map(lambda v: fmt_bool(v, lang))
    export = export.rename(columns={name: column(name, lang) for name in columns})
    if lang == "nl":
        text = export.to_csv(index=False, sep=";", decimal=",")
    else:
        text = export.to_csv(index=False)
    return text.encode("utf-8-sig")
