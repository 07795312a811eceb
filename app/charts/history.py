"""The history page's chart: a migration matrix between two dates as a heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n
from app.charts.base import finish
from app.data.history import NONE
from app.formatting import fmt_date, fmt_int

# The values of each dimension in the order the matrix shows them (NONE last).
ORDERS = {
    "relation_kind": i18n.RELATION_KINDS,
    "pyramid_level": i18n.PYRAMID_LEVELS,
    "abc_class": ("A", "B", "C"),
    "effective_level": ("A", "B", "C"),
}


def value_label(dimension: str, value: str, lang: str) -> str:
    if value == NONE:
        return i18n.t("history.none_value", lang)
    if dimension in ("relation_kind", "pyramid_level"):
        return i18n.label(dimension, value, lang)
    return str(value)


def ordered_labels(dimension: str, values: set[str], lang: str) -> list[str]:
    known = [v for v in ORDERS[dimension] if v in values]
    other = sorted(v for v in values if v not in ORDERS[dimension] and v != NONE)
    rest = [NONE] if NONE in values else []
    return [value_label(dimension, v, lang) for v in [*known, *other, *rest]]


def migration_chart(
    matrix: pd.DataFrame, dimension: str, date_from, date_to, lang: str
) -> alt.LayerChart:
    """Rows: the value on `date_from`; columns: the value on `date_to`; colour and number:
    relations. The diagonal is who stayed."""
    frame = matrix.copy()
    frame["from_label"] = frame["from_value"].map(lambda v: value_label(dimension, v, lang))
    frame["to_label"] = frame["to_value"].map(lambda v: value_label(dimension, v, lang))
    frame["relations_text"] = frame["relations"].map(lambda v: fmt_int(v, lang))
    order = ordered_labels(dimension, set(frame["from_value"]) | set(frame["to_value"]), lang)
    title_from = i18n.t("history.on", lang, date=fmt_date(date_from, lang))
    title_to = i18n.t("history.on", lang, date=fmt_date(date_to, lang))
    base = alt.Chart(frame).encode(
        x=alt.X("to_label:N", sort=order, title=title_to, axis=alt.Axis(orient="top")),
        y=alt.Y("from_label:N", sort=order, title=title_from),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "relations:Q",
            scale=alt.Scale(scheme="blues"),
            title=i18n.column("relations", lang),
        ),
        tooltip=[
            alt.Tooltip("from_label:N", title=title_from),
            alt.Tooltip("to_label:N", title=title_to),
            alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        ],
    )
    text = base.mark_text(fontSize=13).encode(text="relations_text:N")
    size = max(40 * len(order), 160)
    return finish(alt.layer(cells, text).properties(width=size, height=size), lang)
