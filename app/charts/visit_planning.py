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


def visit_calendar_chart(days: pd.DataFrame, lang: str) -> alt.LayerChart:
    """One salesperson's weeks as rows and Monday to Friday as columns: each day's visits
    as a number on a cell shaded by it; the tooltip names the postcode areas of the day."""
    frame = days.copy()
    frame["week_label"] = [
        f"{i18n.t('visit.week', lang)} {n} · {fmt_date(d, lang)}"
        for n, d in zip(frame["week_number"], frame["week_start"], strict=True)
    ]
    weekdays = [i18n.t(f"weekday.{n}", lang) for n in range(1, 6)]
    frame["weekday_label"] = frame["weekday"].map(lambda n: weekdays[int(n) - 1])
    frame["date_text"] = frame["day_date"].map(lambda d: fmt_date(d, lang))
    frame["visits_text"] = [fmt_int(v, lang) if v else "" for v in frame["visits"]]
    frame["areas"] = frame["areas"].fillna("")
    frame["capacity_text"] = [
        i18n.t("visit.calendar.week_capacity", lang, days=int(w), visits=fmt_int(c, lang))
        for w, c in zip(frame["working_days"], frame["visit_capacity"], strict=True)
    ]
    week_order = frame.drop_duplicates("week_number").sort_values("week_number")["week_label"]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "weekday_label:N",
            sort=weekdays,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y(
            "week_label:N",
            sort=week_order.tolist(),
            title=None,
            axis=alt.Axis(labelLimit=240),
        ),
        tooltip=[
            alt.Tooltip("date_text:N", title=i18n.t("visit.calendar.day", lang)),
            alt.Tooltip("visits:Q", title=i18n.column("visits", lang)),
            alt.Tooltip("areas:N", title=i18n.column("postcode_area", lang)),
            alt.Tooltip("capacity_text:N", title=i18n.column("week_start", lang)),
        ],
    )
    # A day without visits stays grey, so the planned days stand out.
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            "datum.visits > 0",
            alt.Color(
                "visits:Q",
                scale=alt.Scale(scheme="blues", domainMin=0),
                legend=alt.Legend(title=i18n.column("visits", lang), orient="bottom"),
            ),
            alt.value("#f0f0f0"),
        )
    )
    # White numbers on the dark cells, dark ones on the light: readable on both.
    dark_from = max(float(frame["visits"].max()) * 0.6, 1.0)
    labels = base.mark_text(fontSize=13).encode(
        text="visits_text:N",
        color=alt.condition(
            f"datum.visits >= {dark_from}", alt.value("white"), alt.value("#252525")
        ),
    )
    height = 26 * frame["week_number"].nunique() + 60
    return finish(alt.layer(cells, labels).properties(height=height), lang)


def capacity_demand_chart(weeks: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Per week: demand (visits released) and visits planned as bars side by side, the
    capacity as a line, and the visits still waiting at the end of each week as a red
    line; a waiting line that grows says the team is short of people."""
    frame = weeks.copy()
    frame["week_label"] = [
        f"{i18n.t('visit.week', lang)} {n} · {fmt_date(d, lang)}"
        for n, d in zip(frame["week_number"], frame["week_start"], strict=True)
    ]
    order = frame.sort_values("week_number")["week_label"].tolist()
    measures = ["visits_released", "visits_planned", "visit_capacity", "visits_waiting"]
    colors = ["#fd8d3c", "#2171b5", "#252525", OVER_CAPACITY_COLOR]
    long = frame.melt(
        id_vars=["week_number", "week_label"], value_vars=measures, var_name="measure"
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["value_text"] = long["value"].map(lambda v: fmt_int(v, lang))
    domain = [i18n.column(m, lang) for m in measures]
    x = alt.X("week_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40))
    color = alt.Color(
        "measure_label:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(orient="bottom", title=None),
    )
    tooltip = [
        alt.Tooltip("week_label:N", title=i18n.column("week_number", lang)),
        alt.Tooltip("measure_label:N", title=" "),
        alt.Tooltip("value_text:N", title=i18n.column("visits", lang)),
    ]
    bars = (
        alt.Chart(long[long["measure"].isin(measures[:2])])
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("measure_label:N", sort=domain[:2]),
            y=alt.Y("value:Q", title=i18n.column("visits", lang)),
            color=color,
            tooltip=tooltip,
        )
    )
    lines = (
        alt.Chart(long[long["measure"].isin(measures[2:])])
        .mark_line(point=True, strokeWidth=2)
        .encode(x=x, y="value:Q", color=color, tooltip=tooltip)
    )
    return finish(alt.layer(bars, lines).properties(height=320), lang)
