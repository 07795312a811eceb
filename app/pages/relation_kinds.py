"""Relatiesoorten: relations per kind, leads, the reactivation list and kind movements."""

import streamlit as st

from app import filters, i18n, layout
from app.charts import relation_kinds as charts
from app.data import relation_kinds as queries
from app.formatting import fmt_int, fmt_pct
from app.i18n import t

layout.page_header("page.kinds")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("kinds.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

counts = queries.kind_counts(chosen)
if counts.empty:
    st.info(t("pyr.empty"))
    st.stop()
by_kind = counts.set_index("relation_kind")

st.subheader(t("kinds.counts"))
metric_columns = st.columns(len(i18n.RELATION_KINDS))
for column, kind in zip(metric_columns, i18n.RELATION_KINDS, strict=True):
    value = int(by_kind["relations"].get(kind, 0))
    column.metric(i18n.label("relation_kind", kind), fmt_int(value))
layout.chart(charts.kind_counts_chart(counts, lang))

st.subheader(t("kinds.leads"))
prospects = int(by_kind["relations"].get("prospect", 0))
lead_count = int(by_kind["leads"].get("prospect", 0))
st.caption(
    t(
        "kinds.leads.caption",
        leads=fmt_int(lead_count),
        prospects=fmt_int(prospects),
        share=fmt_pct(lead_count / prospects if prospects else 0),
    )
)
with st.expander(t("kinds.leads.list")):
    lead_rows, lead_total = queries.leads(chosen)
    layout.table(lead_rows, lead_total, key="leads")

st.subheader(t("kinds.reactivation"))
st.caption(t("kinds.reactivation.caption"))
reactivation, reactivation_total = queries.reactivation_list(chosen)
if reactivation_total == 0:
    st.info(t("kinds.reactivation.empty"))
else:
    layout.table(reactivation, reactivation_total, key="reactivation")

st.subheader(t("kinds.history"))
versions = queries.kind_history_versions()
if versions is None:
    st.info(t("kinds.history.missing"))
else:
    movements = queries.kind_movements(chosen)
    if movements.empty:
        st.info(t("kinds.history.none", versions=fmt_int(versions)))
    else:
        st.caption(t("kinds.history.caption"))
        layout.chart(charts.kind_movements_chart(movements, lang))
        totals = (
            movements.groupby(["from_kind", "to_kind"], as_index=False)["changes"]
            .sum()
            .sort_values("changes", ascending=False)
        )
        layout.table(totals, key="kind_movements")
