"""The compliance page's charts: the discount given beyond the entitlement per level and
per salesperson, and revenue before and since the latest review per level."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_eur

LEVEL_COLORS = {"A": "#08519c", "B": "#4292c6", "C": "#9ecae1"}


def _level_scale() -> alt.Scale:
    return alt.Scale(domain=list(LEVEL_COLORS), range=list(LEVEL_COLORS.values()))


def leak_by_level_chart(by_level: pd.DataFrame, lang: str) -> alt.Chart:
    """Excess discount in euros per level, one bar each."""
    frame = by_level.copy()
    frame["excess"] = frame["excess_discount_eur"].astype(float)
    frame["excess_text"] = frame["excess"].map(lambda v: fmt_eur(v, lang))
    base = alt.Chart(frame).encode(
        x=alt.X(
            "effective_level:N",
            title=i18n.column("effective_level", lang),
            axis=alt.Axis(labelAngle=0),
            sort=list(LEVEL_COLORS),
        ),
        y=alt.Y("excess:Q", title=i18n.column("excess_discount_eur", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("effective_level:N", scale=_level_scale(), legend=None),
        tooltip=[
            alt.Tooltip("effective_level:N", title=i18n.column("effective_level", lang)),
            alt.Tooltip("excess_text:N", title=i18n.column("excess_discount_eur", lang)),
        ],
    )
    text = base.mark_text(dy=-6, fontSize=11).encode(text="excess_text:N")
    return finish(alt.layer(bars, text).properties(height=260), lang)


def leak_by_salesperson_chart(by_salesperson: pd.DataFrame, lang: str) -> alt.Chart:
    """Excess discount in euros per salesperson, stacked by level, largest leak on top."""
    frame = by_salesperson.copy()
    unknown = i18n.t("filter.none_value", lang)
    frame["who"] = frame["salesperson_name"].fillna(frame["salesperson_id"]).fillna(unknown)
    frame["excess"] = frame["excess_discount_eur"].astype(float)
    frame["excess_text"] = frame["excess"].map(lambda v: fmt_eur(v, lang))
    order = frame.groupby("who")["excess"].sum().sort_values(ascending=False).index.tolist()
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("who:N", sort=order, title=None),
            x=alt.X("sum(excess):Q", title=i18n.column("excess_discount_eur", lang)),
            color=alt.Color(
                "effective_level:N",
                scale=_level_scale(),
                legend=alt.Legend(orient="bottom", title=i18n.column("effective_level", lang)),
            ),
            order=alt.Order("effective_level:N"),
            tooltip=[
                alt.Tooltip("who:N", title=i18n.column("salesperson_name", lang)),
                alt.Tooltip("effective_level:N", title=i18n.column("effective_level", lang)),
                alt.Tooltip("excess_text:N", title=i18n.column("excess_discount_eur", lang)),
            ],
        )
    )
    return finish(chart.properties(height=26 * len(order) + 90), lang)


def results_chart(results: pd.DataFrame, lang: str) -> alt.Chart:
    """Revenue per assigned level: the half year before the review beside the time since."""
    long = results.melt(
        id_vars=["assigned_level"],
        value_vars=["revenue_before_review", "revenue_since_review"],
        var_name="window",
        value_name="revenue",
    )
    long["revenue"] = long["revenue"].astype(float)
    long["window_label"] = long["window"].map(lambda w: i18n.column(w, lang))
    long["revenue_text"] = long["revenue"].map(lambda v: fmt_eur(v, lang))
    windows = [i18n.column(w, lang) for w in ("revenue_before_review", "revenue_since_review")]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "assigned_level:N",
                title=i18n.column("assigned_level", lang),
                axis=alt.Axis(labelAngle=0),
                sort=list(LEVEL_COLORS),
            ),
            xOffset=alt.XOffset("window_label:N", sort=windows),
            y=alt.Y("revenue:Q", title=i18n.column("revenue", lang)),
            color=alt.Color(
                "window_label:N",
                scale=alt.Scale(domain=windows, range=["#bdbdbd", "#08519c"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("assigned_level:N", title=i18n.column("assigned_level", lang)),
                alt.Tooltip("window_label:N", title=" "),
                alt.Tooltip("revenue_text:N", title=" "),
            ],
        )
    )
    return finish(chart.properties(height=280), lang)
