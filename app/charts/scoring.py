"""The customer rating page's charts: the customer matrix, the total score distribution and
one relation's contributions."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import color_scale, finish
from app.formatting import fmt_int, fmt_number

GROUP_COLORS = {
    "partner": "#238b45",
    "friend": "#6baed6",
    "economicus": "#fd8d3c",
    "dog": "#969696",
}
EN_DASH = "\u2013"
TIMES = "\u00d7"


def _bin_texts(starts: pd.Series, step: float, lang: str) -> list[str]:
    """Score bins as ranges joined by an en dash: 3,2 to 3,4 in Dutch, 3.2 to 3.4 in English."""
    return [f"{fmt_number(a, lang, 1)}{EN_DASH}{fmt_number(a + step, lang, 1)}" for a in starts]


def score_matrix_chart(
    cells: pd.DataFrame,
    lang: str,
    relationship_threshold: float,
    buying_threshold: float,
    step: float,
) -> alt.LayerChart:
    """The customer matrix as a bubble grid: one circle per score cell and group, sized by
    the number of customers; the threshold lines split it into the four groups."""
    frame = cells.copy()
    frame["x"] = frame["relationship_bin"] + step / 2
    frame["y"] = frame["buying_bin"] + step / 2
    frame["group_label"] = frame["customer_group"].map(
        lambda v: i18n.label("customer_group", v, lang)
    )
    frame["customers_text"] = frame["customers"].map(lambda v: fmt_int(v, lang))
    frame["cell_text"] = _bin_texts(frame["relationship_bin"], step, lang)
    frame["buy_text"] = _bin_texts(frame["buying_bin"], step, lang)
    domain = alt.Scale(domain=[0.7, 5.3], nice=False)
    points = (
        alt.Chart(frame)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("x:Q", scale=domain, title=i18n.t("score.relationship", lang)),
            y=alt.Y("y:Q", scale=domain, title=i18n.t("score.buying", lang)),
            size=alt.Size(
                "customers:Q",
                scale=alt.Scale(range=[15, 900]),
                legend=alt.Legend(title=i18n.column("customers", lang)),
            ),
            color=alt.Color(
                "group_label:N",
                scale=color_scale(GROUP_COLORS, "customer_group", lang),
                legend=alt.Legend(title=i18n.column("customer_group", lang)),
            ),
            tooltip=[
                alt.Tooltip("group_label:N", title=i18n.column("customer_group", lang)),
                alt.Tooltip("cell_text:N", title=i18n.t("score.relationship", lang)),
                alt.Tooltip("buy_text:N", title=i18n.t("score.buying", lang)),
                alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
            ],
        )
    )
    vertical = (
        alt.Chart(pd.DataFrame({"x": [relationship_threshold]}))
        .mark_rule(color="#cb181d", strokeDash=[6, 4])
        .encode(x=alt.X("x:Q", scale=domain))
    )
    horizontal = (
        alt.Chart(pd.DataFrame({"y": [buying_threshold]}))
        .mark_rule(color="#cb181d", strokeDash=[6, 4])
        .encode(y=alt.Y("y:Q", scale=domain))
    )
    corners = pd.DataFrame(
        {
            "x": [5.25, 5.25, 0.75, 0.75],
            "y": [5.2, 0.8, 5.2, 0.8],
            "align": ["right", "right", "left", "left"],
            "group": ["partner", "friend", "economicus", "dog"],
        }
    )
    corners["text"] = corners["group"].map(lambda v: i18n.label("customer_group", v, lang))
    labels = []
    for align in ("left", "right"):
        labels.append(
            alt.Chart(corners[corners["align"] == align])
            .mark_text(align=align, fontWeight="bold", fontSize=14, opacity=0.7)
            .encode(
                x=alt.X("x:Q", scale=domain),
                y=alt.Y("y:Q", scale=domain),
                text="text:N",
                color=alt.Color("text:N", scale=color_scale(GROUP_COLORS, "customer_group", lang)),
            )
        )
    chart = alt.layer(vertical, horizontal, points, *labels).properties(height=460)
    return finish(chart, lang)


def score_histogram_chart(
    bins: pd.DataFrame, lang: str, cutoff: float, step: float
) -> alt.LayerChart:
    frame = bins.copy()
    frame["bin_end"] = frame["score_bin"] + step
    frame["passes_label"] = frame["passes_cutoff"].map(
        lambda v: i18n.t("score.passes" if v else "score.fails", lang)
    )
    frame["bin_text"] = _bin_texts(frame["score_bin"], step, lang)
    frame["customers_text"] = frame["customers"].map(lambda v: fmt_int(v, lang))
    passes, fails = i18n.t("score.passes", lang), i18n.t("score.fails", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "score_bin:Q",
                title=i18n.column("total_score", lang),
                scale=alt.Scale(domain=[1, 5], nice=False),
            ),
            x2="bin_end:Q",
            y=alt.Y("sum(customers):Q", title=i18n.column("customers", lang)),
            color=alt.Color(
                "passes_label:N",
                scale=alt.Scale(domain=[passes, fails], range=["#238b45", "#bdbdbd"]),
                legend=alt.Legend(orient="bottom", title=None, labelLimit=300),
            ),
            tooltip=[
                alt.Tooltip("bin_text:N", title=i18n.column("total_score", lang)),
                alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
                alt.Tooltip("passes_label:N", title=" "),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"cutoff": [cutoff]}))
        .mark_rule(color="#cb181d", strokeDash=[6, 4], strokeWidth=2)
        .encode(x="cutoff:Q")
    )
    return finish(alt.layer(bars, rule).properties(height=260), lang)


def score_components_chart(components: pd.DataFrame, lang: str) -> alt.Chart:
    """One relation's contributions (weight x score) per criterion, by matrix axis."""
    frame = components.copy()
    frame["criterion_label"] = frame["criterion"].map(lambda v: i18n.label("criterion", v, lang))
    frame["axis_label"] = frame["axis"].map(lambda v: i18n.label("axis", v, lang))
    frame["text"] = [
        f"{fmt_number(s, lang, 0)} {TIMES} {fmt_number(w, lang, 2)}"
        for s, w in zip(frame["score"], frame["weight"], strict=True)
    ]
    frame["contribution_text"] = frame["contribution"].map(lambda v: fmt_number(v, lang, 2))
    order = frame.sort_values("contribution", ascending=False)["criterion_label"].tolist()
    score_times_weight = f"{i18n.column('score', lang)} {TIMES} {i18n.column('weight', lang)}"
    base = alt.Chart(frame).encode(
        y=alt.Y("criterion_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(
            "contribution:Q",
            title=i18n.column("contribution", lang),
            # room on the right for the "score x weight" labels
            scale=alt.Scale(domain=[0, float(frame["contribution"].max() or 1) * 1.45]),
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "axis_label:N",
            title=i18n.column("axis", lang),
            legend=alt.Legend(orient="bottom"),
            scale=alt.Scale(
                domain=[i18n.label("axis", a, lang) for a in ("relationship", "buying", "none")],
                range=["#6baed6", "#08519c", "#bdbdbd"],
            ),
        ),
        tooltip=[
            alt.Tooltip("criterion_label:N", title=i18n.column("criterion", lang)),
            alt.Tooltip("text:N", title=score_times_weight),
            alt.Tooltip("contribution_text:N", title=i18n.column("contribution", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="text:N")
    return finish(alt.layer(bars, text).properties(height=28 * max(len(frame), 1) + 70), lang)
