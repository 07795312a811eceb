"""The ABC analysis page's charts: the Pareto curve and customers against revenue per class."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_pct


def pareto_chart(points: pd.DataFrame, lang: str, a_share: float, b_share: float) -> alt.Chart:
    """The Pareto curve with the A and B share lines and the class boundaries."""
    frame = points.copy()
    frame["x_text"] = frame["cumulative_customer_share"].map(lambda v: fmt_pct(v, lang))
    frame["y_text"] = frame["cumulative_share"].map(lambda v: fmt_pct(v, lang))
    frame["class_label"] = frame["abc_class"].fillna("")
    x = alt.X(
        "cumulative_customer_share:Q",
        title=i18n.t("abc.x", lang),
        axis=alt.Axis(format=".0%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    y = alt.Y(
        "cumulative_share:Q",
        title=i18n.t("abc.y", lang),
        axis=alt.Axis(format=".0%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    tooltip = [
        alt.Tooltip("x_text:N", title=i18n.t("abc.x", lang)),
        alt.Tooltip("y_text:N", title=i18n.t("abc.y", lang)),
        alt.Tooltip("class_label:N", title=i18n.column("abc_class", lang)),
    ]
    curve = (
        alt.Chart(frame)
        .mark_line(color="#08519c", strokeWidth=2.5, interpolate="linear")
        .encode(x=x, y=y, tooltip=tooltip)
    )
    lines = pd.DataFrame(
        {
            "share": [a_share, b_share],
            "left": [0.0, 0.0],
            "text": [fmt_pct(a_share, lang, 0), fmt_pct(b_share, lang, 0)],
        }
    )
    share_rules = (
        alt.Chart(lines)
        .mark_rule(strokeDash=[6, 4], color="#cb181d")
        .encode(y=alt.Y("share:Q", scale=alt.Scale(domain=[0, 1])))
    )
    share_text = (
        alt.Chart(lines)
        .mark_text(align="left", dx=4, dy=-7, color="#cb181d")
        .encode(x="left:Q", y="share:Q", text="text:N")
    )
    boundaries = frame[frame["is_boundary"].astype(bool)].copy()
    boundaries["bottom"] = 0.0
    boundaries["text"] = [
        i18n.t("abc.boundary", lang, cls=f"{c}/{'B' if c == 'A' else 'C'}")
        for c in boundaries["abc_class"]
    ]
    boundary_rules = (
        alt.Chart(boundaries)
        .mark_rule(color="#636363", strokeDash=[2, 3])
        .encode(x="cumulative_customer_share:Q", tooltip=tooltip)
    )
    boundary_text = (
        alt.Chart(boundaries)
        .mark_text(align="left", dx=4, dy=12, color="#636363")
        .encode(x="cumulative_customer_share:Q", y="bottom:Q", text="text:N")
    )
    chart = alt.layer(share_rules, share_text, boundary_rules, boundary_text, curve).properties(
        height=380
    )
    return finish(chart, lang)


def abc_classes_chart(classes: pd.DataFrame, lang: str) -> alt.Chart:
    long = classes.melt(
        id_vars=["abc_class"],
        value_vars=["customer_share", "revenue_share"],
        var_name="measure",
        value_name="share",
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["share_text"] = long["share"].map(lambda v: fmt_pct(v, lang))
    measures = [i18n.column(m, lang) for m in ("customer_share", "revenue_share")]
    base = alt.Chart(long).encode(
        x=alt.X("abc_class:N", title=i18n.column("abc_class", lang), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("measure_label:N", sort=measures),
        y=alt.Y("share:Q", axis=alt.Axis(format=".0%"), title=None),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "measure_label:N",
            scale=alt.Scale(domain=measures, range=["#9ecae1", "#08519c"]),
            legend=alt.Legend(orient="bottom", title=None),
        ),
        tooltip=[
            alt.Tooltip("abc_class:N", title=i18n.column("abc_class", lang)),
            alt.Tooltip("measure_label:N", title=" "),
            alt.Tooltip("share_text:N", title=i18n.column("share_of_relations", lang)),
        ],
    )
    text = base.mark_text(dy=-6).encode(text="share_text:N")
    return finish(alt.layer(bars, text).properties(height=320), lang)
