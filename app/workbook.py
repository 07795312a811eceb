"""A download as a formatted Excel workbook (xlsxwriter): one sheet per salesperson,
translated headers and labels, numbers and times stored as such.

Why number formats and not formatted text: Excel stores a number, and a format code's
`,` and `.` mean "thousands separator" and "decimal separator", which Excel shows in the
reader's own locale. So `€ #,##0` shows as `€ 1.234.567` in a Dutch Excel and the cell
still sums, sorts and filters; text like "1.234.567" would not. The format only fixes
where the euro sign and the minus go (the dashboard's layout, `formatting.CURRENCY_PATTERNS`)
and the date order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import xlsxwriter

from app.formatting import fmt_bool
from app.i18n import column, current_language, t
from app.tables import (
    EUR_COLUMNS,
    PCT_COLUMNS,
    PCT_POINT_COLUMNS,
    PERSONAL_COLUMNS,
    translate_frame,
)

EXCEL_FORMATS = {
    "nl": {"eur": "€ #,##0;€ -#,##0", "datetime": "dd-mm-yyyy hh:mm", "date": "dd-mm-yyyy"},
    "en": {"eur": "€#,##0;-€#,##0", "datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"},
}
# The same in both languages: a share (0.125 shows as 12,5%) and percent points (7.5 %).
SHARE_FORMAT = "0.0%"
POINTS_FORMAT = '0.00" %"'
SHEET_NAME_LENGTH = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(salesperson_id: object, name: object, lang: str, taken: set[str]) -> str:
    """'Name (S001)' or 'S001', cut to Excel's 31 characters, unique in the workbook."""
    if pd.isna(salesperson_id):
        base = t("xlsx.unassigned", lang)
    elif pd.isna(name):
        base = str(salesperson_id)
    else:
        suffix = f" ({salesperson_id})"
        base = str(name)[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    base = _NOT_IN_SHEET_NAMES.sub("_", base)[:SHEET_NAME_LENGTH]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[: SHEET_NAME_LENGTH - len(str(n)) - 1]}~{n}"
    taken.add(candidate.lower())
    return candidate


def to_xlsx(
    frame: pd.DataFrame,
    columns: Iterable[str],
    lang: str | None = None,
    include_personal: bool = False,
    salesperson: tuple[str, str] = ("account_manager_id", "account_manager_name"),
    sheet: str | None = None,
) -> bytes:
    """`frame` as a workbook, one sheet per value of the salesperson id column (in the order
    they first appear), named by id, or 'name (id)' with personal data. With `sheet`, every
    row on one sheet of that name instead (a mailing list a mailing tool imports whole).

    Personal data (`PERSONAL_COLUMNS`) only with `include_personal`, as in `tables.to_csv`.
    """
    lang = lang or current_language()
    columns = [c for c in columns if include_personal or c not in PERSONAL_COLUMNS]
    id_column, name_column = salesperson
    export = translate_frame(frame, lang, columns)
    codes = EXCEL_FORMATS[lang]
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True}) as book:
        header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        formats = {kind: book.add_format({"num_format": code}) for kind, code in codes.items()}
        formats["int"] = book.add_format({"num_format": "#,##0"})
        formats["decimal"] = book.add_format({"num_format": "#,##0.00"})
        formats["share"] = book.add_format({"num_format": SHARE_FORMAT})
        formats["points"] = book.add_format({"num_format": POINTS_FORMAT})
        if sheet is not None:
            only = book.add_worksheet(_NOT_IN_SHEET_NAMES.sub("_", sheet)[:SHEET_NAME_LENGTH])
            _write_sheet(only, export, columns, lang, header, formats)
            owners = pd.Series([], dtype=object)
        else:
            owners = frame[id_column].astype(object).where(frame[id_column].notna(), None)
        taken: set[str] = set()
        for owner in dict.fromkeys(owners):
            rows = owners.isna() if owner is None else owners == owner
            names = frame.loc[rows, name_column] if name_column in frame else pd.Series()
            name = names.iloc[0] if include_personal and not names.empty else None
            page = book.add_worksheet(sheet_name(owner, name, lang, taken))
            _write_sheet(page, export[rows.to_numpy()], columns, lang, header, formats)
    return buffer.getvalue()


def _write_sheet(sheet, rows: pd.DataFrame, columns: list[str], lang, header, formats) -> None:
    for index, name in enumerate(columns):
        sheet.write_string(0, index, column(name, lang), header)
        width = 14 if name in EUR_COLUMNS else 12
        if rows[name].dtype == object:
            width = min(max([len(str(v)) for v in rows[name].dropna()] + [width]), 60)
        sheet.set_column(index, index, width)
    for row_number, record in enumerate(rows.itertuples(index=False), start=1):
        for index, (name, value) in enumerate(zip(columns, record, strict=True)):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if isinstance(value, (pd.Timestamp, dt.datetime)):
                sheet.write_datetime(row_number, index, value, formats["datetime"])
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_number, index, value, formats["date"])
            elif isinstance(value, str):
                sheet.write_string(row_number, index, value)
            elif isinstance(value, (bool, np.bool_)):
                sheet.write_string(row_number, index, fmt_bool(value, lang))
            else:
                number = float(value)
                sheet.write_number(row_number, index, number, formats[_kind(name, number)])
    sheet.freeze_panes(1, 0)
    if len(rows):
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)


def _kind(name: str, number: float) -> str:
    if name in EUR_COLUMNS:
        return "eur"
    if name in PCT_COLUMNS:
        return "share"
    if name in PCT_POINT_COLUMNS:
        return "points"
    return "int" if number.is_integer() else "decimal"
