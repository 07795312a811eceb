"""Serviceniveaus: the A/B/C mix, the latest half-yearly review, proposals that differ
from the assigned level, and what each level gets."""

import streamlit as st

from app import filters, i18n, layout, profitability
from app.charts import service_levels as charts
from app.data import service_levels as queries
from app.formatting import fmt_eur, fmt_int
from app.i18n import t

layout.page_header("page.service")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("svc.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

mix = queries.service_mix(chosen)
served = mix[mix["basis"] == "effective_level"].set_index("service_level")
st.subheader(t("svc.mix"))
if mix.empty:
    st.info(t("score.empty"))
else:
    level_columns = st.columns(3)
    for column, level in zip(level_columns, ("A", "B", "C"), strict=True):
        column.metric(
            f"{i18n.column('service_level')} {level}",
            fmt_int(served["customers"].get(level, 0)),
            fmt_eur(served["revenue_12m"].get(level, 0)),
            delta_color="off",
            delta_arrow="off",
        )
if not mix.empty:
    chart_column, _ = st.columns([3, 2])
    with chart_column:
        layout.chart(charts.service_mix_chart(mix, lang))
        st.caption(t("svc.mix.caption"))

st.subheader(t("svc.capacities"))
capacities = queries.service_capacities()
capacities["response_rule"] = capacities[f"response_rule_{lang}"]
layout.table(
    capacities,
    columns=[
        "service_level",
        "response_rule",
        "max_discount_pct",
        "payment_terms_days",
        "free_delivery",
        "fixed_contact_person",
        "visits_per_year",
    ],
    key="capacities",
)

period = queries.latest_review_period()
if period is None:
    st.subheader(t("svc.review", period="—"))
    st.info(t("svc.review.none"))
else:
    st.subheader(t("svc.review", period=period))
    movements = queries.review_movements(period, chosen)
    move_chart, move_list = st.columns([2, 3])
    with move_chart:
        layout.chart(charts.movements_chart(movements, lang))
    with move_list:
        st.markdown(f"**{t('svc.review.moves')}**")
        moves, moves_total = queries.review_moves(period, chosen)
        if moves_total == 0:
            st.info(t("svc.review.moves.none"))
        else:
            layout.table(moves, moves_total, key="review_moves")

st.subheader(t("svc.different"))
st.caption(t("svc.different.caption"))
different, different_total = queries.proposals_different(chosen)
if different_total == 0:
    st.success(t("svc.different.none"))
else:
    layout.table(different, different_total, key="proposals_different")

profitability.render(chosen, lang)
