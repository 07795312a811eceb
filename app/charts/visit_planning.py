"""The visit planning page's charts: visits per week and salespeople's capacity."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_date, fmt_int

REASON_COLORS = {
    "overdue": "#cb181d",
    "reactivation": "#fd8d3c",
    "due": "#2171b5",
    "prospect_follow_up": "#74c476",
}
OVER_CAPACITY_COLOR = "#67000d"


def visit_weeks_chart(weeks: pd.DataFrame, lang: str, capacity_per_week: float) -> alt.LayerChart:
    """Visits per week by reason; what does not fit stacks in the week it was released
    as over capacity; the line is the capacity available per week."""
    frame = weeks.copy()
    frame["week_label"] = [
        f"{i18n.column('week_number', lang)} {n} · {fmt_date(d, lang)}"
        for n, d in zip(frame["week_number"], frame["week_start"], strict=True)
    ]
    over = i18n.t("visit.over", lang)
    frame["reason_label"] = [
        over if not within else i18n.label("reason", reason, lang)
        for reason, within in zip(frame["reason"], frame["within_capacity"], strict=True)
    ]
    frame["visits_text"] = frame["visits"].map(lambda v: fmt_int(v, lang))
    reasons = list(REASON_COLORS)
    domain = [i18n.label("reason", r, lang) for r in reasons] + [over]
    colors = [REASON_COLORS[r] for r in reasons] + [OVER_CAPACITY_COLOR]
    frame["stack_order"] = frame["reason_label"].map(domain.index)
    weeks_order = sorted(frame["week_label"].unique(), key=lambda s: int(s.split()[1]))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "week_label:N",
                sort=weeks_order,
                title=None,
                axis=alt.Axis(labelAngle=0, labelLimit=240),
            ),
            y=alt.Y("sum(visits):Q", title=i18n.column("visits", lang)),
            color=alt.Color(
                "reason_label:N",
                scale=alt.Scale(domain=domain, range=colors),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("stack_order:Q"),
            tooltip=[
                alt.Tooltip("week_label:N", title=i18n.column("week_number", lang)),
                alt.Tooltip("reason_label:N", title=i18n.column("reason", lang)),
                alt.Tooltip("visits_text:N", title=i18n.column("visits", lang)),
            ],
        )
    )
    capacity = pd.DataFrame(
        {
            "capacity": [capacity_per_week],
            "text": [f"{i18n.t('visit.available', lang)}: {fmt_int(capacity_per_week, lang)}"],
        }
    )
    rule = (
        alt.Chart(capacity)
        .mark_rule(color="#252525", strokeDash=[6, 4], strokeWidth=2)
        .encode(y="capacity:Q")
    )
    rule_text = (
        alt.Chart(capacity)
        .mark_text(align="left", dy=-7, dx=4, color="#252525")
        .encode(y="capacity:Q", x=alt.value(0), text="text:N")
    )
    return finish(alt.layer(bars, rule, rule_text).properties(height=300), lang)


def salespeople_capacity_chart(portfolio: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Per salesperson: visits planned within capacity, over capacity, and the capacity."""
    frame = portfolio.copy()
    long = frame.melt(
        id_vars=["salesperson_name", "visit_capacity"],
        value_vars=["visits_planned", "visits_over_capacity"],
        var_name="measure",
        value_name="visits",
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["visits_text"] = long["visits"].map(lambda v: fmt_int(v, lang))
    measures = [i18n.column(m, lang) for m in ("visits_planned", "visits_over_capacity")]
    long["stack_order"] = long["measure_label"].map(measures.index)
    order = frame.sort_values("visits_over_capacity", ascending=False)["salesperson_name"].tolist()
    y = alt.Y("salesperson_name:N", sort=order, title=None)
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("sum(visits):Q", title=i18n.column("visits", lang)),
            color=alt.Color(
                "measure_label:N",
                scale=alt.Scale(domain=measures, range=["#2171b5", OVER_CAPACITY_COLOR]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("stack_order:Q"),
            tooltip=[
                alt.Tooltip("salesperson_name:N", title=i18n.column("salesperson_name", lang)),
                alt.Tooltip("measure_label:N", title=" "),
                alt.Tooltip("visits_text:N", title=i18n.column("visits", lang)),
            ],
        )
    )
    ticks = (
        alt.Chart(frame)
        .mark_tick(color="#252525", thickness=3, size=18)
        .encode(
            y=y,
            x="visit_capacity:Q",
            tooltip=[
                alt.Tooltip("salesperson_name:N", title=i18n.column("salesperson_name", lang)),
                alt.Tooltip("visit_capacity:Q", title=i18n.column("visit_capacity", lang)),
            ],
        )
    )
    # Streamlit fits the whole chart, legend included, into the height: leave room for it.
    chart = alt.layer(bars, ticks).properties(height=30 * len(frame) + 110)
    return finish(chart, lang)
