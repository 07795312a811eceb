"""The campaign page's charts: audience sizes with and without marketing consent, and the
results of recorded exports (docs/business-rules.md section 15)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.formatting import fmt_int, fmt_pct

CONSENT_COLORS = ("#31a354", "#bdbdbd")
RESULT_COLORS = ("#4292c6", "#fd8d3c")


def sizes_chart(audiences: pd.DataFrame, lang: str) -> alt.Chart:
    """Contacts per audience, stacked: with consent (on the list) and without."""
    frame = audiences.melt(
        id_vars=["audience", f"label_{lang}"],
        value_vars=["consenting_contact_count", "contacts_without_consent_count"],
        var_name="measure",
        value_name="contacts",
    )
    frame["contacts"] = frame["contacts"].astype(int)
    frame["what"] = frame["measure"].map(lambda v: i18n.column(v, lang))
    frame["contacts_text"] = frame["contacts"].map(lambda v: fmt_int(v, lang))
    names = [
        i18n.column(m, lang) for m in ("consenting_contact_count", "contacts_without_consent_count")
    ]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"label_{lang}:N",
                title=None,
                sort=audiences[f"label_{lang}"].tolist(),
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X("contacts:Q", title=i18n.column("contact_count", lang)),
            color=alt.Color(
                "what:N",
                sort=names,
                scale=alt.Scale(domain=names, range=list(CONSENT_COLORS)),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            order=alt.Order("measure:N"),
            tooltip=[
                alt.Tooltip(f"label_{lang}:N", title=i18n.column("audience", lang)),
                alt.Tooltip("what:N", title=" "),
                alt.Tooltip("contacts_text:N", title=i18n.column("contact_count", lang)),
            ],
        )
        .properties(height=alt.Step(26))
    )
    return finish(chart, lang)


def results_chart(results: pd.DataFrame, lang: str) -> alt.Chart:
    """Per export (latest 12): the share of its relations that responded and moved up."""
    latest = results.head(12).copy()
    latest["export"] = latest.apply(lambda row: f"#{row['export_id']} {row['audience']}", axis=1)
    frame = latest.melt(
        id_vars=["export", "export_id"],
        value_vars=["response_share", "moved_up_share"],
        var_name="measure",
        value_name="share",
    )
    frame["share"] = frame["share"].astype(float).fillna(0.0)
    frame["what"] = frame["measure"].map(lambda v: i18n.column(v, lang))
    frame["share_text"] = frame["share"].map(lambda v: fmt_pct(v, lang))
    names = [i18n.column(m, lang) for m in ("response_share", "moved_up_share")]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "export:N",
                title=None,
                sort=latest["export"].tolist(),
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            yOffset=alt.YOffset("what:N", sort=names),
            x=alt.X(
                "share:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "what:N",
                sort=names,
                scale=alt.Scale(domain=names, range=list(RESULT_COLORS)),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("export:N", title=i18n.column("export_id", lang)),
                alt.Tooltip("what:N", title=" "),
                alt.Tooltip("share_text:N", title=" "),
            ],
        )
        .properties(height=alt.Step(18))
    )
    return finish(chart, lang)
