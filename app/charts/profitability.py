"""The profitability section's chart: gross margin, cost to serve and contribution per
pyramid level (docs/business-rules.md section 16)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_eur

MEASURES = ("gross_margin_12m", "cost_to_serve", "contribution_eur")
COLORS = ("#4292c6", "#fd8d3c", "#31a354")


def margin_by_level_chart(by_level: pd.DataFrame, lang: str) -> alt.Chart:
    """Grouped bars per pyramid level: gross margin, cost to serve, contribution."""
    frame = by_level.melt(
        id_vars=["pyramid_level", "pyramid_level_order"],
        value_vars=list(MEASURES),
        var_name="measure",
        value_name="eur",
    )
    frame["eur"] = frame["eur"].astype(float)
    frame["level"] = frame["pyramid_level"].map(lambda v: i18n.label("pyramid_level", v, lang))
    frame["what"] = frame["measure"].map(lambda v: i18n.column(v, lang))
    frame["eur_text"] = frame["eur"].map(lambda v: fmt_eur(v, lang))
    levels = frame.sort_values("pyramid_level_order")["level"].drop_duplicates().tolist()
    names = [i18n.column(m, lang) for m in MEASURES]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("level:N", sort=levels, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("what:N", sort=names),
            y=alt.Y("eur:Q", title="EUR"),
            color=alt.Color(
                "what:N",
                sort=names,
                scale=alt.Scale(domain=names, range=list(COLORS)),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("level:N", title=i18n.column("pyramid_level", lang)),
                alt.Tooltip("what:N", title=" "),
                alt.Tooltip("eur_text:N", title="EUR"),
            ],
        )
        .properties(height=280)
    )
    return finish(chart, lang)
