"""What every page shares: title, as_of and freshness line, tables with a row limit."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import i18n, replays, tables
from app.data import shell
from app.formatting import fmt_date, fmt_datetime, fmt_int
from app.i18n import t


def page_header(title_key: str) -> dict:
    """Title, the "situation on <date>" banner of an opened replay, as_of and freshness;
    stops the page with an explanation when there is no usable warehouse (the entry script
    catches data errors raised later on)."""
    st.title(t(title_key))
    replays.banner()
    fresh = shell.freshness()
    st.caption(freshness_line(fresh))
    return fresh


def _age(published: dt.datetime | None, lang: str) -> str:
    if published is None:
        return t("fresh.unknown", lang)
    minutes = max(int((dt.datetime.now() - published).total_seconds() // 60), 0)
    if minutes < 120:
        return t("fresh.age.minutes", lang, n=minutes)
    if minutes < 48 * 60:
        return t("fresh.age.hours", lang, n=minutes // 60)
    return t("fresh.age.days", lang, n=minutes // (24 * 60))


def freshness_line(fresh: dict, lang: str | None = None) -> str:
    lang = lang or i18n.current_language()
    unknown = t("fresh.unknown", lang)
    return t(
        "fresh.caption",
        lang,
        as_of=fmt_date(fresh["as_of_date"], lang) or unknown,
        published=fmt_datetime(fresh["published_at"], lang) or unknown,
        age=_age(fresh["published_at"], lang),
        loaded=fmt_datetime(fresh["loaded_at"], lang) or unknown,
    )


def table(
    frame: pd.DataFrame,
    total: int | None = None,
    columns: list[str] | None = None,
    key: str | None = None,
    height: int | None = None,
) -> None:
    """A translated, formatted table; with `total`, the 'x of y rows shown' line."""
    if frame.empty:
        st.info(t("rows.none"))
        return
    st.dataframe(
        tables.styled(frame, columns=columns),
        hide_index=True,
        width="stretch",
        key=key,
        height=height or "auto",
    )
    if total is not None:
        st.caption(t("rows.shown", shown=fmt_int(len(frame)), total=fmt_int(total)))


def chart(spec, key: str | None = None, **kwargs):
    return st.altair_chart(spec, width="stretch", key=key, **kwargs)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_buttons(file_stem: str, key: str, csv_data, xlsx_data) -> None:
    """Every download of the dashboard: the same data as CSV and as a formatted Excel
    workbook (`app/workbook.py`), side by side. `csv_data` and `xlsx_data` are callables
    returning bytes, built only when the button is clicked; they are bound to this
    user's scope here (Streamlit runs them later, in another thread)."""
    from app.data import scope

    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        t("download.csv"),
        data=scope.bind_scope(csv_data),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    xlsx_column.download_button(
        t("download.xlsx"),
        data=scope.bind_scope(xlsx_data),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
    )
