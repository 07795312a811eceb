"""The profitability section of the service-level page (Serviceniveaus): customers who cost
more than they bring, per level and salesperson with the largest loss first, and the
margin per pyramid level (docs/business-rules.md section 16)."""

from __future__ import annotations

import streamlit as st

from app import layout
from app.charts import profitability as charts
from app.data import profitability as queries
from app.data.scope import Filters
from app.formatting import fmt_eur, fmt_int
from app.i18n import t


def render(chosen: Filters, lang: str) -> None:
    st.subheader(t("prof.title"))
    st.caption(t("prof.caption"))
    by_level = queries.by_pyramid_level(chosen)
    if by_level.empty:
        st.info(t("prof.empty"))
        return
    metrics = st.columns(3)
    metrics[0].metric(t("prof.metric.contribution"), fmt_eur(by_level["contribution_eur"].sum()))
    metrics[1].metric(
        t("prof.metric.unprofitable"),
        fmt_int(by_level["unprofitable_customers"].sum()),
        t("cmp.metric.of_customers", n=fmt_int(by_level["customers"].sum())),
        delta_color="off",
        delta_arrow="off",
    )
    incomplete = int(by_level["customers_without_full_cost"].sum())
    metrics[2].metric(t("prof.metric.incomplete"), fmt_int(incomplete))

    st.markdown(f"**{t('prof.by_level')}**")
    chart_column, table_column = st.columns([3, 2])
    with chart_column:
        layout.chart(charts.margin_by_level_chart(by_level, lang))
    with table_column:
        layout.table(
            by_level,
            columns=[
                "pyramid_level",
                "customers",
                "unprofitable_customers",
                "gross_margin_12m",
                "cost_to_serve",
                "contribution_eur",
            ],
            key="profitability_by_level",
        )

    st.markdown(f"**{t('prof.by_salesperson')}**")
    layout.table(
        queries.by_level_and_salesperson(chosen),
        columns=[
            "effective_level",
            "account_manager_name",
            "customers",
            "unprofitable_customers",
            "loss_eur",
        ],
        key="profitability_by_salesperson",
    )
    st.markdown(f"**{t('prof.customers')}**")
    customers, total = queries.unprofitable_customers(chosen)
    if total == 0:
        st.success(t("prof.customers.none"))
    else:
        layout.table(
            customers, total, columns=queries.CUSTOMER_COLUMNS, key="unprofitable_customers"
        )
