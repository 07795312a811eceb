"""The service levels page's charts: the A/B/C mix and the review's movements."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import color_scale, finish
from app.formatting import fmt_int

MOVEMENT_COLORS = {
    "promoted": "#238b45",
    "demoted": "#cb181d",
    "unchanged": "#969696",
    "new": "#6baed6",
}


def service_mix_chart(mix: pd.DataFrame, lang: str) -> alt.Chart:
    frame = mix.copy()
    frame["basis_label"] = frame["basis"].map(lambda v: i18n.column(v, lang))
    frame["customers_text"] = frame["customers"].map(lambda v: fmt_int(v, lang))
    order = [i18n.column(b, lang) for b in ("effective_level", "assigned_level", "proposed_level")]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "service_level:N", title=i18n.column("service_level", lang), axis=alt.Axis(labelAngle=0)
        ),
        xOffset=alt.XOffset("basis_label:N", sort=order),
        y=alt.Y("customers:Q", title=i18n.column("customers", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "basis_label:N",
            scale=alt.Scale(domain=order, range=["#08519c", "#6baed6", "#c6dbef"]),
            legend=alt.Legend(orient="bottom", title=None),
        ),
        tooltip=[
            alt.Tooltip("service_level:N", title=i18n.column("service_level", lang)),
            alt.Tooltip("basis_label:N", title=" "),
            alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
        ],
    )
    text = base.mark_text(dy=-6, fontSize=11).encode(text="customers_text:N")
    return finish(alt.layer(bars, text).properties(height=300), lang)


def movements_chart(movements: pd.DataFrame, lang: str) -> alt.Chart:
    frame = (
        movements.set_index("movement")
        .reindex(list(i18n.MOVEMENTS))
        .fillna(0)
        .reset_index()
        .rename(columns={"index": "movement"})
    )
    frame["movement_label"] = frame["movement"].map(lambda v: i18n.label("movement", v, lang))
    frame["customers_text"] = frame["customers"].map(lambda v: fmt_int(v, lang))
    base = alt.Chart(frame).encode(
        y=alt.Y("movement_label:N", sort=frame["movement_label"].tolist(), title=None),
        x=alt.X("customers:Q", title=i18n.column("customers", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "movement_label:N", scale=color_scale(MOVEMENT_COLORS, "movement", lang), legend=None
        ),
        tooltip=[
            alt.Tooltip("movement_label:N", title=i18n.column("movement", lang)),
            alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(text="customers_text:N")
    return finish(alt.layer(bars, text).properties(height=180), lang)
