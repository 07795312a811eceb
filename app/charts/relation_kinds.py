"""The relation kinds page's charts: relations per kind and kind changes over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import color_scale, finish
from app.formatting import fmt_date, fmt_int

KIND_COLORS = {
    "active": "#2171b5",
    "inactive": "#fd8d3c",
    "prospect": "#74c476",
    "suspect": "#bdbdbd",
}


def kind_counts_chart(counts: pd.DataFrame, lang: str) -> alt.Chart:
    frame = (
        counts.set_index("relation_kind")
        .reindex(list(i18n.RELATION_KINDS))
        .fillna(0)
        .reset_index()
        .rename(columns={"index": "relation_kind"})
    )
    frame["kind_label"] = frame["relation_kind"].map(lambda v: i18n.label("relation_kind", v, lang))
    frame["relations_text"] = frame["relations"].map(lambda v: fmt_int(v, lang))
    order = frame["kind_label"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("kind_label:N", sort=order, title=None),
        x=alt.X("relations:Q", title=i18n.column("relations", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "kind_label:N", scale=color_scale(KIND_COLORS, "relation_kind", lang), legend=None
        ),
        tooltip=[
            alt.Tooltip("kind_label:N", title=i18n.column("relation_kind", lang)),
            alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(text="relations_text:N")
    return finish(alt.layer(bars, text).properties(height=200), lang)


def kind_movements_chart(movements: pd.DataFrame, lang: str) -> alt.Chart:
    frame = movements.copy()
    frame["movement_label"] = [
        f"{i18n.label('relation_kind', a, lang)} → {i18n.label('relation_kind', b, lang)}"
        for a, b in zip(frame["from_kind"], frame["to_kind"], strict=True)
    ]
    frame["month_text"] = frame["change_month"].map(lambda v: fmt_date(v, lang)[-7:])
    frame["changes_text"] = frame["changes"].map(lambda v: fmt_int(v, lang))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month_text:O", title=i18n.column("change_month", lang), sort=None),
            y=alt.Y("changes:Q", title=i18n.column("changes", lang)),
            color=alt.Color("movement_label:N", title=i18n.t("kinds.movement", lang)),
            tooltip=[
                alt.Tooltip("month_text:O", title=i18n.column("change_month", lang)),
                alt.Tooltip("movement_label:N", title=i18n.t("kinds.movement", lang)),
                alt.Tooltip("changes_text:N", title=i18n.column("changes", lang)),
            ],
        )
        .properties(height=300)
    )
    return finish(chart, lang)
