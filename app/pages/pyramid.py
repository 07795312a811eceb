"""Klantenpiramide: relations and revenue per level of the customer pyramid."""

import streamlit as st

from app import filters, i18n, layout
from app.charts import pyramid as charts
from app.data import pyramid as queries
from app.formatting import fmt_eur, fmt_int
from app.i18n import t

layout.page_header("page.pyramid")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("pyr.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

levels = queries.pyramid_levels(chosen)
if levels.empty:
    st.info(t("pyr.empty"))
    st.stop()

counts = dict(zip(levels["pyramid_level"], levels["relations"], strict=True))
active = sum(counts.get(level, 0) for level in ("top", "large", "medium", "small"))
left, middle, right = st.columns(3)
left.metric(t("pyr.metric.relations"), fmt_int(levels["relations"].sum()))
middle.metric(t("pyr.metric.active"), fmt_int(active))
right.metric(t("pyr.metric.revenue"), fmt_eur(levels["revenue_12m"].sum()))

chart_column, table_column = st.columns([3, 2])
with chart_column:
    st.subheader(t("pyr.chart.title"))
    event = layout.chart(charts.pyramid_chart(levels, lang), key="pyramid_chart", on_select="rerun")
with table_column:
    st.subheader(t("pyr.shares.title"))
    layout.chart(charts.level_shares_chart(levels, lang))

summary = charts.pyramid_frame(levels, lang)
layout.table(
    summary,
    columns=["pyramid_level", "relations", "relation_share", "revenue_12m", "revenue_share"],
)

# A click on a pyramid layer chooses the level, as the select box does; only a new click
# overrides the box, so the box stays usable after a click.
clicked = None
selection = getattr(event, "selection", None) or {}
for point in selection.get("level", []) or []:
    clicked = point.get("pyramid_level")
if clicked and clicked != st.session_state.get("pyramid_last_click"):
    st.session_state["pyramid_level"] = clicked
st.session_state["pyramid_last_click"] = clicked
if st.session_state.get("pyramid_level") not in i18n.PYRAMID_LEVELS:
    st.session_state["pyramid_level"] = "top"

level = st.selectbox(
    t("pyr.select"),
    list(i18n.PYRAMID_LEVELS),
    key="pyramid_level",
    format_func=lambda v: f"{i18n.label('pyramid_level', v)} ({fmt_int(counts.get(v, 0))})",
)
search = st.text_input(t("filter.search"), key="pyramid_search")
st.subheader(t("pyr.list.title", level=i18n.label("pyramid_level", level)))
relations, total = queries.pyramid_relations(level, chosen, search.strip() or None)
layout.table(relations, total, key="pyramid_relations")

# Relations sharing a KvK/KBO number are one legal entity (docs/business-rules.md section
# 14): branches of one company, rolled up. Not narrowed by the sidebar filters.
st.subheader(t("pyr.entities.title"))
st.caption(t("pyr.entities.caption"))
shared_only = st.toggle(t("pyr.entities.shared_only"), value=True, key="entities_shared")
entities, entities_total = queries.legal_entities(shared_only)
if entities_total == 0:
    st.info(t("pyr.entities.none"))
else:
    layout.table(entities, entities_total, key="legal_entities")
