"""Naleving (compliance): the discount given beyond each service level, in euros per level
and per salesperson; the customers to talk to first; payment terms longer than the level
allows; visits against the norm; and the results per level since the latest review."""

import streamlit as st

from app import filters, i18n, layout, tables, workbook
from app.charts import compliance as charts
from app.data import compliance as queries
from app.data import scope
from app.formatting import fmt_date, fmt_eur, fmt_int, fmt_pct
from app.i18n import t

layout.page_header("page.compliance")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("cmp.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

by_salesperson = queries.leak_by_salesperson(chosen)
by_level = queries.leak_by_level(by_salesperson)
if by_level.empty:
    st.info(t("cmp.empty"))
    st.stop()

gross = float(by_level["gross_revenue_12m"].sum())
excess = float(by_level["excess_discount_eur"].sum())
metrics = st.columns(4)
metrics[0].metric(t("cmp.metric.excess"), fmt_eur(excess))
metrics[1].metric(t("cmp.metric.share"), fmt_pct(excess / gross if gross else None, decimals=2))
metrics[2].metric(
    t("cmp.metric.customers_over"),
    fmt_int(by_level["customers_over_discount"].sum()),
    t("cmp.metric.of_customers", n=fmt_int(by_level["customers"].sum())),
    delta_color="off",
    delta_arrow="off",
)
metrics[3].metric(t("cmp.metric.terms_over"), fmt_int(by_level["customers_over_terms"].sum()))

st.subheader(t("cmp.leak"))
st.caption(t("cmp.leak.caption"))
level_column, salesperson_column = st.columns([2, 3])
with level_column:
    layout.chart(charts.leak_by_level_chart(by_level, lang))
with salesperson_column:
    layout.chart(charts.leak_by_salesperson_chart(by_salesperson, lang))
layout.table(
    by_level,
    columns=[
        "effective_level",
        "customers",
        "customers_over_discount",
        "customers_over_terms",
        "lines_over_entitlement",
        "invoice_lines",
        "gross_revenue_12m",
        "excess_discount_eur",
        "excess_share_of_gross",
    ],
    key="leak_by_level",
)

st.subheader(t("cmp.talk"))
st.caption(t("cmp.talk.caption"))
talk, talk_total = queries.customers_to_talk_to(chosen)
if talk_total == 0:
    st.success(t("cmp.talk.none"))
else:
    layout.table(
        talk,
        talk_total,
        columns=[
            "relation_id",
            "relation_name",
            "effective_level",
            "account_manager_name",
            "excess_discount_eur",
            "weighted_discount_pct",
            "max_discount_pct",
            "lines_over_entitlement",
            "invoice_lines",
            "gross_revenue_12m",
            "agreed_payment_terms_days",
            "payment_terms_days",
        ],
        key="customers_to_talk_to",
    )

st.subheader(t("cmp.terms"))
terms, terms_total = queries.terms_over_entitlement(chosen)
if terms_total == 0:
    st.success(t("cmp.terms.none"))
else:
    layout.table(
        terms,
        terms_total,
        columns=[
            "relation_id",
            "relation_name",
            "effective_level",
            "account_manager_name",
            "agreed_payment_terms_days",
            "payment_terms_days",
            "terms_days_over",
            "gross_revenue_12m",
        ],
        key="terms_over_entitlement",
    )

st.subheader(t("cmp.visits"))
st.caption(t("cmp.visits.caption"))
layout.table(queries.visits_against_norm(chosen), key="visits_against_norm")

# Downloads: every customer with a level in this selection; people's names only if asked.
with_personal = st.checkbox(t("download.personal"), value=False, key="compliance_personal")
download_columns = [*queries.CUSTOMER_COLUMNS, "is_over_entitlement", "account_manager_name"]


def customers_csv() -> bytes:
    frame = queries.all_customers(chosen)
    return tables.to_csv(frame, download_columns, lang, include_personal=with_personal)


def customers_xlsx() -> bytes:
    frame = queries.all_customers(chosen)
    # One sheet per salesperson, like the review's workbook.
    return workbook.to_xlsx(frame, download_columns, lang, include_personal=with_personal)


layout.download_buttons("naleving", "compliance", customers_csv, customers_xlsx)

st.subheader(t("cmp.results"))
if scope.current_scope() is not None:
    # marts.service_level_results has neither relation_id nor salesperson_id: it is the
    # whole company's, so a salesperson's connection shows it empty (app/data/scope.py).
    st.info(t("cmp.results.managers_only"))
    st.stop()
period = queries.latest_results_period()
if period is None:
    st.info(t("cmp.results.none"))
    st.stop()
results = queries.results(period)
first = results.iloc[0]
st.caption(
    t(
        "cmp.results.caption",
        period=period,
        before_start=fmt_date(first["before_start_date"]),
        review_date=fmt_date(first["review_date"]),
        as_of=fmt_date(first["as_of_date"]),
    )
)
if chosen.is_active():
    st.caption(t("cmp.results.unfiltered"))
chart_column, table_column = st.columns([2, 3])
with chart_column:
    layout.chart(charts.results_chart(results, lang))
with table_column:
    layout.table(
        results,
        columns=[
            "assigned_level",
            "relation_count",
            "revenue_before_review",
            "revenue_since_review",
            "revenue_change",
            "revenue_change_share",
        ],
        key="results",
    )
