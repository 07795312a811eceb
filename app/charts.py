"""Chart builders: pure functions from query results (pandas) to Altair charts.

No Streamlit here, so every builder is unit-tested on its own. Each takes the language
explicitly; labels and tooltips are translated and numbers formatted the Dutch or the
English way (axes through a Vega-Lite number locale, tooltips as preformatted text).
Inputs are small aggregates from app/data.py: the charts never see one row per relation.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app import i18n

LEVEL_COLORS = {
    "top": "#08306b",
    "large": "#2171b5",
    "medium": "#4292c6",
    "small": "#9ecae1",
    "inactive": "#fdae6b",
    "prospect": "#a1d99b",
    "suspect": "#d9d9d9",
}
KIND_COLORS = {
    "active": "#2171b5",
    "inactive": "#fd8d3c",
    "prospect": "#74c476",
    "suspect": "#bdbdbd",
}
GROUP_COLORS = {
    "partner": "#238b45",
    "friend": "#6baed6",
    "economicus": "#fd8d3c",
    "dog": "#969696",
}
CLASS_COLORS = {"A": "#08519c", "B": "#6baed6", "C": "#c6dbef"}
LEVEL_ABC_COLORS = {"A": "#08519c", "B": "#4292c6", "C": "#9ecae1"}
MOVEMENT_COLORS = {
    "promoted": "#238b45",
    "demoted": "#cb181d",
    "unchanged": "#969696",
    "new": "#6baed6",
}
REASON_COLORS = {
    "overdue": "#cb181d",
    "reactivation": "#fd8d3c",
    "due": "#2171b5",
    "prospect_follow_up": "#74c476",
}
OVER_CAPACITY_COLOR = "#67000d"
EN_DASH = "\u2013"
TIMES = "\u00d7"


def _finish(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """Top-level configuration: the language's number locale, no chart border."""
    return chart.configure(
        locale=alt.Locale(number=alt.NumberLocale(**i18n.vega_number_locale(lang)))
    ).configure_view(stroke=None)


def _scale(colors: dict[str, str], kind: str, lang: str, keys=None) -> alt.Scale:
    keys = list(keys or colors)
    return alt.Scale(
        domain=[i18n.label(kind, key, lang) for key in keys],
        range=[colors[key] for key in keys],
    )


# --- 1. pyramid -------------------------------------------------------------------------
def pyramid_frame(levels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All seven levels top down (missing ones as 0), with pyramid geometry and labels.

    The bars are centred and their width grows by one step per level down, so the chart
    reads as a pyramid whatever the counts; the counts and shares are in the labels.
    """
    frame = (
        levels.set_index("pyramid_level")
        .reindex(list(i18n.PYRAMID_LEVELS))
        .reset_index()
        .rename(columns={"index": "pyramid_level"})
    )
    for name in ("relations", "revenue_12m", "relation_share", "revenue_share"):
        frame[name] = frame[name].fillna(0)
    frame["relations"] = frame["relations"].astype(int)
    frame["order"] = range(1, len(frame) + 1)
    frame["half_width"] = frame["order"].astype(float)
    frame["left"] = -frame["half_width"]
    frame["right"] = frame["half_width"]
    frame["level_label"] = frame["pyramid_level"].map(
        lambda v: i18n.label("pyramid_level", v, lang)
    )
    relations_word = i18n.column("relations", lang).lower()
    revenue_word = i18n.column("revenue_share", lang).lower()
    frame["detail"] = [
        f"{i18n.fmt_int(n, lang)} {relations_word} · {i18n.fmt_pct(share, lang)} {revenue_word}"
        for n, share in zip(frame["relations"], frame["revenue_share"], strict=True)
    ]
    frame["relations_text"] = frame["relations"].map(lambda v: i18n.fmt_int(v, lang))
    frame["revenue_text"] = frame["revenue_12m"].map(lambda v: i18n.fmt_eur(v, lang))
    frame["relation_share_text"] = frame["relation_share"].map(lambda v: i18n.fmt_pct(v, lang))
    frame["revenue_share_text"] = frame["revenue_share"].map(lambda v: i18n.fmt_pct(v, lang))
    frame["label_x"] = float(len(frame)) + 0.4
    frame["center"] = 0.0
    return frame


def pyramid_chart(levels: pd.DataFrame, lang: str, selectable: bool = True) -> alt.LayerChart:
    """The customer pyramid: top at the apex, suspects at the base."""
    frame = pyramid_frame(levels, lang)
    widest = float(len(frame))
    x_scale = alt.Scale(domain=[-widest, widest * 2.3], nice=False)
    y = alt.Y("level_label:N", sort=frame["level_label"].tolist(), axis=None)
    tooltip = [
        alt.Tooltip("level_label:N", title=i18n.column("pyramid_level", lang)),
        alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        alt.Tooltip("relation_share_text:N", title=i18n.column("relation_share", lang)),
        alt.Tooltip("revenue_text:N", title=i18n.column("revenue_12m", lang)),
        alt.Tooltip("revenue_share_text:N", title=i18n.column("revenue_share", lang)),
    ]
    color = alt.Color(
        "level_label:N", scale=_scale(LEVEL_COLORS, "pyramid_level", lang), legend=None
    )
    base = alt.Chart(frame)
    bars = base.mark_bar(cornerRadius=2).encode(
        x=alt.X("left:Q", scale=x_scale, axis=None),
        x2="right:Q",
        y=y,
        color=color,
        tooltip=tooltip,
    )
    if selectable:
        selection = alt.selection_point(name="level", fields=["pyramid_level"], on="click")
        bars = bars.add_params(selection).encode(
            opacity=alt.condition(selection, alt.value(1.0), alt.value(0.55))
        )
    names = base.mark_text(fontWeight="bold", fontSize=13).encode(
        x=alt.X("center:Q", scale=x_scale, axis=None),
        y=y,
        text="level_label:N",
        color=alt.condition(alt.datum.order <= 3, alt.value("white"), alt.value("#1f1f1f")),
        tooltip=tooltip,
    )
    details = base.mark_text(align="left", fontSize=12, color="#333333").encode(
        x=alt.X("label_x:Q", scale=x_scale, axis=None), y=y, text="detail:N"
    )
    chart = alt.layer(bars, names, details).properties(height=52 * len(frame))
    return _finish(chart, lang)


def level_shares_chart(levels: pd.DataFrame, lang: str) -> alt.Chart:
    """Per level: share of relations beside share of revenue."""
    frame = pyramid_frame(levels, lang)
    long = frame.melt(
        id_vars=["level_label", "order"],
        value_vars=["relation_share", "revenue_share"],
        var_name="measure",
        value_name="share",
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["share_text"] = long["share"].map(lambda v: i18n.fmt_pct(v, lang))
    measures = [i18n.column(m, lang) for m in ("relation_share", "revenue_share")]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("level_label:N", sort=frame["level_label"].tolist(), title=None),
            yOffset=alt.YOffset("measure_label:N", sort=measures),
            x=alt.X("share:Q", axis=alt.Axis(format=".0%"), title=None),
            color=alt.Color(
                "measure_label:N",
                scale=alt.Scale(domain=measures, range=["#9ecae1", "#08519c"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("level_label:N", title=i18n.column("pyramid_level", lang)),
                alt.Tooltip("measure_label:N", title=" "),
                alt.Tooltip("share_text:N", title=i18n.column("share_of_relations", lang)),
            ],
        )
        .properties(height=320)
    )
    return _finish(chart, lang)


# --- 2. relation kinds ------------------------------------------------------------------
def kind_counts_chart(counts: pd.DataFrame, lang: str) -> alt.Chart:
    frame = (
        counts.set_index("relation_kind")
        .reindex(list(i18n.RELATION_KINDS))
        .fillna(0)
        .reset_index()
        .rename(columns={"index": "relation_kind"})
    )
    frame["kind_label"] = frame["relation_kind"].map(lambda v: i18n.label("relation_kind", v, lang))
    frame["relations_text"] = frame["relations"].map(lambda v: i18n.fmt_int(v, lang))
    order = frame["kind_label"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("kind_label:N", sort=order, title=None),
        x=alt.X("relations:Q", title=i18n.column("relations", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "kind_label:N", scale=_scale(KIND_COLORS, "relation_kind", lang), legend=None
        ),
        tooltip=[
            alt.Tooltip("kind_label:N", title=i18n.column("relation_kind", lang)),
            alt.Tooltip("relations_text:N", title=i18n.column("relations", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(text="relations_text:N")
    return _finish(alt.layer(bars, text).properties(height=200), lang)


def kind_movements_chart(movements: pd.DataFrame, lang: str) -> alt.Chart:
    frame = movements.copy()
    frame["movement_label"] = [
        f"{i18n.label('relation_kind', a, lang)} → {i18n.label('relation_kind', b, lang)}"
        for a, b in zip(frame["from_kind"], frame["to_kind"], strict=True)
    ]
    frame["month_text"] = frame["change_month"].map(lambda v: i18n.fmt_date(v, lang)[-7:])
    frame["changes_text"] = frame["changes"].map(lambda v: i18n.fmt_int(v, lang))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month_text:O", title=i18n.column("change_month", lang), sort=None),
            y=alt.Y("changes:Q", title=i18n.column("changes", lang)),
            color=alt.Color("movement_label:N", title=i18n.t("kinds.movement", lang)),
            tooltip=[
                alt.Tooltip("month_text:O", title=i18n.column("change_month", lang)),
                alt.Tooltip("movement_label:N", title=i18n.t("kinds.movement", lang)),
                alt.Tooltip("changes_text:N", title=i18n.column("changes", lang)),
            ],
        )
        .properties(height=300)
    )
    return _finish(chart, lang)


# --- 3. ABC -----------------------------------------------------------------------------
def pareto_chart(points: pd.DataFrame, lang: str, a_share: float, b_share: float) -> alt.Chart:
    """The Pareto curve with the A and B share lines and the class boundaries."""
    frame = points.copy()
    frame["x_text"] = frame["cumulative_customer_share"].map(lambda v: i18n.fmt_pct(v, lang))
    frame["y_text"] = frame["cumulative_share"].map(lambda v: i18n.fmt_pct(v, lang))
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
            "text": [i18n.fmt_pct(a_share, lang, 0), i18n.fmt_pct(b_share, lang, 0)],
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
    return _finish(chart, lang)


def abc_classes_chart(classes: pd.DataFrame, lang: str) -> alt.Chart:
    long = classes.melt(
        id_vars=["abc_class"],
        value_vars=["customer_share", "revenue_share"],
        var_name="measure",
        value_name="share",
    )
    long["measure_label"] = long["measure"].map(lambda m: i18n.column(m, lang))
    long["share_text"] = long["share"].map(lambda v: i18n.fmt_pct(v, lang))
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
    return _finish(alt.layer(bars, text).properties(height=320), lang)


# --- 4. customer rating -----------------------------------------------------------------
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
    frame["customers_text"] = frame["customers"].map(lambda v: i18n.fmt_int(v, lang))
    frame["cell_text"] = [
        f"{i18n.fmt_number(a, lang, 1)}{EN_DASH}{i18n.fmt_number(a + step, lang, 1)}"
        for a in frame["relationship_bin"]
    ]
    frame["buy_text"] = [
        f"{i18n.fmt_number(a, lang, 1)}{EN_DASH}{i18n.fmt_number(a + step, lang, 1)}"
        for a in frame["buying_bin"]
    ]
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
                scale=_scale(GROUP_COLORS, "customer_group", lang),
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
                color=alt.Color("text:N", scale=_scale(GROUP_COLORS, "customer_group", lang)),
            )
        )
    chart = alt.layer(vertical, horizontal, points, *labels).properties(height=460)
    return _finish(chart, lang)


def score_histogram_chart(
    bins: pd.DataFrame, lang: str, cutoff: float, step: float
) -> alt.LayerChart:
    frame = bins.copy()
    frame["bin_end"] = frame["score_bin"] + step
    frame["passes_label"] = frame["passes_cutoff"].map(
        lambda v: i18n.t("score.passes" if v else "score.fails", lang)
    )
    frame["bin_text"] = [
        f"{i18n.fmt_number(a, lang, 1)}{EN_DASH}{i18n.fmt_number(a + step, lang, 1)}"
        for a in frame["score_bin"]
    ]
    frame["customers_text"] = frame["customers"].map(lambda v: i18n.fmt_int(v, lang))
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
    return _finish(alt.layer(bars, rule).properties(height=260), lang)


def score_components_chart(components: pd.DataFrame, lang: str) -> alt.Chart:
    """One relation's contributions (weight x score) per criterion, by matrix axis."""
    frame = components.copy()
    frame["criterion_label"] = frame["criterion"].map(lambda v: i18n.label("criterion", v, lang))
    frame["axis_label"] = frame["axis"].map(lambda v: i18n.label("axis", v, lang))
    frame["text"] = [
        f"{i18n.fmt_number(s, lang, 0)} {TIMES} {i18n.fmt_number(w, lang, 2)}"
        for s, w in zip(frame["score"], frame["weight"], strict=True)
    ]
    frame["contribution_text"] = frame["contribution"].map(lambda v: i18n.fmt_number(v, lang, 2))
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
    return _finish(alt.layer(bars, text).properties(height=28 * max(len(frame), 1) + 70), lang)


# --- 5. service levels ------------------------------------------------------------------
def service_mix_chart(mix: pd.DataFrame, lang: str) -> alt.Chart:
    frame = mix.copy()
    frame["basis_label"] = frame["basis"].map(lambda v: i18n.column(v, lang))
    frame["customers_text"] = frame["customers"].map(lambda v: i18n.fmt_int(v, lang))
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
    return _finish(alt.layer(bars, text).properties(height=300), lang)


def movements_chart(movements: pd.DataFrame, lang: str) -> alt.Chart:
    frame = (
        movements.set_index("movement")
        .reindex(list(i18n.MOVEMENTS))
        .fillna(0)
        .reset_index()
        .rename(columns={"index": "movement"})
    )
    frame["movement_label"] = frame["movement"].map(lambda v: i18n.label("movement", v, lang))
    frame["customers_text"] = frame["customers"].map(lambda v: i18n.fmt_int(v, lang))
    base = alt.Chart(frame).encode(
        y=alt.Y("movement_label:N", sort=frame["movement_label"].tolist(), title=None),
        x=alt.X("customers:Q", title=i18n.column("customers", lang)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "movement_label:N", scale=_scale(MOVEMENT_COLORS, "movement", lang), legend=None
        ),
        tooltip=[
            alt.Tooltip("movement_label:N", title=i18n.column("movement", lang)),
            alt.Tooltip("customers_text:N", title=i18n.column("customers", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(text="customers_text:N")
    return _finish(alt.layer(bars, text).properties(height=180), lang)


# --- 6. visit planning ------------------------------------------------------------------
def visit_weeks_chart(weeks: pd.DataFrame, lang: str, capacity_per_week: float) -> alt.LayerChart:
    """Visits per week by reason; what does not fit stacks in the last week as over
    capacity; the line is the capacity available per week."""
    frame = weeks.copy()
    frame["week_label"] = [
        f"{i18n.column('week_number', lang)} {n} · {i18n.fmt_date(d, lang)}"
        for n, d in zip(frame["week_number"], frame["week_start"], strict=True)
    ]
    over = i18n.t("visit.over", lang)
    frame["reason_label"] = [
        over if not within else i18n.label("reason", reason, lang)
        for reason, within in zip(frame["reason"], frame["within_capacity"], strict=True)
    ]
    frame["visits_text"] = frame["visits"].map(lambda v: i18n.fmt_int(v, lang))
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
            "text": [f"{i18n.t('visit.available', lang)}: {i18n.fmt_int(capacity_per_week, lang)}"],
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
    return _finish(alt.layer(bars, rule, rule_text).properties(height=300), lang)


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
    long["visits_text"] = long["visits"].map(lambda v: i18n.fmt_int(v, lang))
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
    return _finish(chart, lang)


def reject_counts_chart(counts: pd.DataFrame, lang: str) -> alt.Chart:
    frame = counts.copy()
    frame["label"] = frame["source_table"] + ": " + frame["reason"]
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#cb181d")
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("rejected_rows:Q", title=i18n.column("rejected_rows", lang)),
            tooltip=["label:N", "rejected_rows:Q"],
        )
        .properties(height=max(24 * len(frame), 80))
    )
    return _finish(chart, lang)
