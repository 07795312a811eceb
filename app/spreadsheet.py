"""Excel downloads (.xlsx, written by xlsxwriter): the same translated headers, labels and
personal-data rule as the CSV downloads in app/tables.py, but numbers stay numbers.

Excel stores a number format as a pattern ("#,##0.00") and shows it with the separators
of the reader's own Excel: a Dutch Excel shows 1.234,50. Dates are written as dates with
the language's pattern (dd-mm-jjjj in Dutch)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from app import tables
from app.formatting import fmt_bool
from app.i18n import column, current_language

# Excel number formats per kind of column (see app/tables.py for the kinds).
EUR_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
PCT_FORMAT = "0.0%"
PCT_POINTS_FORMAT = '0.00" %"'
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMATS = {"nl": "dd-mm-yyyy", "en": "yyyy-mm-dd"}


def _number_format(name: str, series: pd.Series, lang: str) -> str | None:
    if name in tables.EUR_COLUMNS:
        return EUR_FORMAT
    if name in tables.PCT_COLUMNS:
        return PCT_FORMAT
    if name in tables.PCT_POINT_COLUMNS:
        return PCT_POINTS_FORMAT
    if name in tables.DATE_COLUMNS:
        return DATE_FORMATS[lang]
    if pd.api.types.is_integer_dtype(series):
        return INT_FORMAT
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return DECIMAL_FORMAT
    return None


def to_xlsx(
    frame: pd.DataFrame,
    columns: Iterable[str],
    lang: str | None = None,
    include_personal: bool = False,
    sheet_name: str = "data",
) -> bytes:
    """One worksheet: translated headers and labels, numbers as numbers with formats,
    personal data (`tables.PERSONAL_COLUMNS`) only with `include_personal`."""
    lang = lang or current_language()
    columns = [c for c in columns if include_personal or c not in tables.PERSONAL_COLUMNS]
    export = tables.translate_frame(frame, lang, columns)
    for name in columns:
        if name in tables.BOOL_COLUMNS or pd.api.types.is_bool_dtype(export[name]):
            export[name] = export[name].map(lambda v: fmt_bool(v, lang))
        elif name in tables.DATE_COLUMNS:
            export[name] = pd.to_datetime(export[name])
        elif pd.api.types.is_numeric_dtype(export[name]):
            # DuckDB decimals arrive as float64 or object (Decimal): Excel wants floats.
            export[name] = pd.to_numeric(export[name])
        elif export[name].dtype == object:
            values = export[name].dropna()
            if not values.empty and all(hasattr(v, "as_tuple") for v in values):
                export[name] = pd.to_numeric(export[name])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        export.rename(columns={name: column(name, lang) for name in columns}).to_excel(
            writer, sheet_name=sheet_name, index=False
        )
        book, sheet = writer.book, writer.sheets[sheet_name]
        for index, name in enumerate(columns):
            pattern = _number_format(name, export[name], lang)
            width = max(len(column(name, lang)) + 2, 12)
            cell_format = book.add_format({"num_format": pattern}) if pattern else None
            sheet.set_column(index, index, width, cell_format)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(export), 1), max(len(columns) - 1, 0))
    return buffer.getvalue()
