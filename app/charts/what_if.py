"""The what-if page's charts: counts now against the what-if, the level migration matrix
as a heat map, and visits demanded against capacity. Pure functions of the figures
`orchestration.whatif` returns."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_int

SIDES = ("before", "after")
SIDE_COLORS = {"before": "#9ecae1", "after": "#08519c"}


def _side_scale(lang: str) -> alt.Scale:
    return alt.Scale(
        domain=[i18n.t(f"wi.side.{side}", lang) for side in SIDES],
        range=[SIDE_COLORS[side] for side in SIDES],
    )


def counts_chart(
    before: dict[str, int], after: dict[str, int] | None, kind: str | None, lang: str
) -> alt.TopLevelMixin:
    """Relations per category (level, ABC class or pyramid level), now beside the what-if
    (`after` None: now only). `kind` names the enum whose labels the categories get."""
    sides = {"before": before} if after is None else {"before": before, "after": after}
    categories = list(dict.fromkeys([*before, *(after or {})]))
    labels = {c: i18n.label(kind, c, lang) if kind else c for c in categories}
    frame = pd.DataFrame(
        [
            {
                "category": labels[category],
                "side": i18n.t(f"wi.side.{side}", lang),
                "relations": int(counts.get(category, 0)),
                "relations_text": fmt_int(counts.get(category, 0), lang),
            }
            for side, counts in sides.items()
            for category in categories
        ]
    )
    side_title = i18n.t("wi.side", lang)
    relations_title = i18n.column("relations", lang)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "category:N",
                sort=[labels[c] for c in categories],
                title=None,
                # Seven pyramid levels side by side do not fit upright.
                axis=alt.Axis(labelAngle=0 if len(categories) <= 4 else -40, labelOverlap=False),
            ),
            xOffset=alt.XOffset("side:N", sort=[i18n.t(f"wi.side.{s}", lang) for s in SIDES]),
            y=alt.Y("relations:Q", title=relations_title),
            color=alt.Color("side:N", scale=_side_scale(lang), title=side_title),
            tooltip=[
                alt.Tooltip("category:N", title=i18n.t("wi.category", lang)),
                alt.Tooltip("side:N", title=side_title),
                alt.Tooltip("relations_text:N", title=relations_title),
            ],
        )
        .properties(height=260)
    )
    return finish(chart, lang)


def migration_chart(matrix: dict[str, dict[str, int]], lang: str) -> alt.LayerChart:
    """Relations per (level now, level in the what-if), every cell drawn (0 included)."""
    now_title = i18n.t("wi.matrix.now", lang)
    after_title = i18n.t("wi.matrix.after", lang)
    rows = list(matrix)
    columns = list(dict.fromkeys(c for cells in matrix.values() for c in cells))
    frame = pd.DataFrame(
        [
            {
                "now": row,
                "after": column,
                "relations": int(matrix[row].get(column, 0)),
                "relations_text": fmt_int(matrix[row].get(column, 0), lang),
            }
            for row in rows
            for column in columns
        ]
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("now:N", sort=rows, title=now_title),
        x=alt.X(
            "after:N", sort=columns, title=after_title, axis=alt.Axis(orient="top", labelAngle=0)
        ),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "relations:Q",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(title=i18n.column("relations", lang)),
        ),
        tooltip=[
            alt.Tooltip("now:N", title=now_title),
            alt.Tooltip("after:N", title=after_title),
            alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        ],
    )
    dark = alt.datum.relations > max(frame["relations"].max(), 1) * 2 / 3
    text = base.mark_text(fontSize=14, fontWeight="bold").encode(
        text="relations_text:N",
        color=alt.condition(dark, alt.value("white"), alt.value("#222222")),
    )
    return finish(alt.layer(cells, text).properties(height=240), lang)


def demand_chart(before: dict, after: dict | None, lang: str) -> alt.LayerChart:
    """Visits a year the norms ask (bars, now and what-if) against the team's capacity
    (a line per side)."""
    sides = {"before": before} if after is None else {"before": before, "after": after}
    frame = pd.DataFrame(
        [
            {
                "side": i18n.t(f"wi.side.{side}", lang),
                "visits": int(demand["visits_per_year"]),
                "capacity": int(demand["capacity_per_year"]),
                "visits_text": fmt_int(demand["visits_per_year"], lang),
                "capacity_text": fmt_int(demand["capacity_per_year"], lang),
            }
            for side, demand in sides.items()
        ]
    )
    side_sort = [i18n.t(f"wi.side.{s}", lang) for s in SIDES]
    visits_title = i18n.t("wi.visits.demanded", lang)
    capacity_title = i18n.t("wi.visits.capacity", lang)
    base = alt.Chart(frame).encode(
        x=alt.X("side:N", sort=side_sort, title=None, axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(size=60).encode(
        y=alt.Y("visits:Q", title=i18n.t("wi.visits.axis", lang)),
        color=alt.Color("side:N", scale=_side_scale(lang), legend=None),
        tooltip=[
            alt.Tooltip("side:N", title=i18n.t("wi.side", lang)),
            alt.Tooltip("visits_text:N", title=visits_title),
            alt.Tooltip("capacity_text:N", title=capacity_title),
        ],
    )
    capacity = base.mark_tick(color="#d62728", thickness=3, size=90).encode(
        y="capacity:Q",
        tooltip=[alt.Tooltip("capacity_text:N", title=capacity_title)],
    )
    return finish(alt.layer(bars, capacity).properties(height=260), lang)
