"""The review page's chart: the migration matrix of the open review as a heat map."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_eur, fmt_int

LEVELS = ("A", "B", "C")


def migration_chart(matrix: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Previous level (rows; customers new to the review last) x assigned level (columns),
    coloured by customers, each cell with its count and revenue; every cell drawn, so an
    empty move shows as 0."""
    new = i18n.t("review.matrix.new", lang)
    frame = matrix.assign(previous_level=matrix["previous_level"].fillna(new))
    grid = pd.MultiIndex.from_product(
        [[*LEVELS, new], LEVELS], names=["previous_level", "assigned_level"]
    )
    frame = (
        frame.set_index(["previous_level", "assigned_level"])[["customers", "revenue_12m"]]
        .astype(float)
        .reindex(grid, fill_value=0)
        .reset_index()
    )
    frame["customers_text"] = frame["customers"].map(lambda v: fmt_int(v, lang))
    frame["revenue_text"] = frame["revenue_12m"].map(lambda v: fmt_eur(v, lang))
    previous_title = i18n.column("previous_level", lang)
    assigned_title = i18n.column("assigned_level", lang)
    base = alt.Chart(frame).encode(
        y=alt.Y("previous_level:N", sort=[*LEVELS, new], title=previous_title),
        x=alt.X(
            "assigned_level:N",
            sort=list(LEVELS),
            title=assigned_title,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "customers:Q",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(title=i18n.column("customers", lang)),
        ),
        tooltip=[
            alt.Tooltip("previous_level:N", title=previous_title),
            alt.Tooltip("assigned_level:N", title=assigned_title),
            alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
            alt.Tooltip("revenue_text:N", title=i18n.column("revenue_12m", lang)),
        ],
    )
    # Dark text on light cells, white on the darkest third.
    dark = alt.datum.customers > frame["customers"].max() * 2 / 3
    text = alt.condition(dark, alt.value("white"), alt.value("#222222"))
    counts = base.mark_text(dy=-8, fontSize=14, fontWeight="bold").encode(
        text="customers_text:N", color=text
    )
    revenue = base.mark_text(dy=10, fontSize=11).encode(text="revenue_text:N", color=text)
    return finish(alt.layer(cells, counts, revenue).properties(height=280), lang)
