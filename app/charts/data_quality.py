"""The data quality page's chart: rejected rows per source table and reason."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish


def reject_counts_chart(counts: pd.DataFrame, lang: str) -> alt.Chart:
    frame = counts.copy()
    frame["label"] = frame["source_table"] + ": " + frame["reason"]
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#cb181d")
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("rejected_rows:Q", title=i18n.column("rejected_rows", lang)),
            tooltip=["label:N", "rejected_rows:Q"],
        )
        .properties(height=max(24 * len(frame), 80))
    )
    return finish(chart, lang)
