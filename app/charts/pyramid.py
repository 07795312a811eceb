"""The customer pyramid page's charts: the pyramid and the shares per level."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import color_scale, finish
from app.formatting import fmt_eur, fmt_int, fmt_pct

LEVEL_COLORS = {
    "top": "#08306b",
    "large": "#2171b5",
    "medium": "#4292c6",
    "small": "#9ecae1",
    "inactive": "#fdae6b",
    "prospect": "#a1d99b",
    "suspect": "#d9d9d9",
}


def pyramid_frame(levels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All seven levels top down (missing ones as 0), with pyramid geometry and labels.

    The bars are centred and their width grows by one step per level down, so the chart
    reads as a pyramid whatever the counts; the counts and shares are in the labels.
    """
    frame = (
        levels.set_index("pyramid_level")
        .reindex(list(i18n.PYRAMID_LEVELS))
        .reset_index()
        .rename(columns={"index": "pyramid_level"})
    )
    for name in ("relations", "revenue_12m", "relation_share", "revenue_share"):
        frame[name] = frame[name].fillna(0)
    frame["relations"] = frame["relations"].astype(int)
    frame["order"] = range(1, len(frame) + 1)
    frame["half_width"] = frame["order"].astype(float)
    frame["left"] = -frame["half_width"]
    frame["right"] = frame["half_width"]
    frame["level_label"] = frame["pyramid_level"].map(
        lambda v: i18n.label("pyramid_level", v, lang)
    )
    relations_word = i18n.column("relations", lang).lower()
    revenue_word = i18n.column("revenue_share", lang).lower()
    frame["detail"] = [
        f"{fmt_int(n, lang)} {relations_word} · {fmt_pct(share, lang)} {revenue_word}"
        for n, share in zip(frame["relations"], frame["revenue_share"], strict=True)
    ]
    frame["relations_text"] = frame["relations"].map(lambda v: fmt_int(v, lang))
    frame["revenue_text"] = frame["revenue_12m"].map(lambda v: fmt_eur(v, lang))
    frame["relation_share_text"] = frame["relation_share"].map(lambda v: fmt_pct(v, lang))
    frame["revenue_share_text"] = frame["revenue_share"].map(lambda v: fmt_pct(v, lang))
    frame["label_x"] = float(len(frame)) + 0.4
    frame["center"] = 0.0
    return frame


def pyramid_chart(levels: pd.DataFrame, lang: str, selectable: bool = True) -> alt.LayerChart:
    """The customer pyramid: top at the apex, suspects at the base."""
    frame = pyramid_frame(levels, lang)
    widest = float(len(frame))
    x_scale = alt.Scale(domain=[-widest, widest * 2.3], nice=False)
    y = alt.Y("level_label:N", sort=frame["level_label"].tolist(), axis=None)
    tooltip = [
        alt.Tooltip("level_label:N", title=i18n.column("pyramid_level", lang)),
        alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        alt.Tooltip("relation_share_text:N", title=i18n.column("relation_share", lang)),
        alt.Tooltip("revenue_text:N", title=i18n.column("revenue_12m", lang)),
        alt.Tooltip("revenue_share_text:N", title=i18n.column("revenue_share", lang)),
    ]
    color = alt.Color(
        "level_label:N", scale=color_scale(LEVEL_COLORS, "pyramid_level", lang), legend=None
    )
    base = alt.Chart(frame)
    bars = base.mark_bar(cornerRadius=2).encode(
        x=alt.X("left:Q", scale=x_scale, axis=None),
        x2="right:Q",
        y=y,
        color=color,
        tooltip=tooltip,
    )
    if selectable:
        selection = alt.selection_point(name="level", fields=["pyramid_level"], on="click")
        bars = bars.add_params(selection).encode(
            opacity=alt.condition(selection, alt.value(1.0), alt.value(0.55))
        )
    names = base.mark_text(fontWeight="bold", fontSize=13).encode(
        x=alt.X("center:Q", scale=x_scale, axis=None),
        y=y,
        text="level_label:N",
        color=alt.condition(alt.datum.order <= 3, alt.value("white"), alt.value("#1f1f1f")),
        tooltip=tooltip,
    )
    details = base.mark_text(align="left", fontSize=12, color="#333333").encode(
        x=alt.X("label_x:Q", scale=x_scale, axis=None), y=y, text="detail:N"
    )
    chart = alt.layer(bars, names, details).properties(height=52 * len(frame))
    return finish(chart, lang)


def level_shares_chart(levels: pd.DataFrame, lang: str) -> alt.Chart:
    """Per level: share of relations beside share of revenue."""
    frame = pyramid_frame(levels, lang)
    long = frame.melt(
        id_vars=["level_label", "order"],
        value_vars=["relation_share", "revenue_share"],
        var_name="measure",
        value_name="share",
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["share_text"] = long["share"].map(lambda v: fmt_pct(v, lang))
    measures = [i18n.column(m, lang) for m in ("relation_share", "revenue_share")]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("level_label:N", sort=frame["level_label"].tolist(), title=None),
            yOffset=alt.YOffset("measure_label:N", sort=measures),
            x=alt.X("share:Q", axis=alt.Axis(format=".0%"), title=None),
            color=alt.Color(
                "measure_label:N",
                scale=alt.Scale(domain=measures, range=["#9ecae1", "#08519c"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("level_label:N", title=i18n.column("pyramid_level", lang)),
                alt.Tooltip("measure_label:N", title=" "),
                alt.Tooltip("share_text:N", title=i18n.column("share_of_relations", lang)),
            ],
        )
        .properties(height=320)
    )
    return finish(chart, lang)
