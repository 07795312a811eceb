"""ABC-analyse: the Pareto curve with the class lines, and customers vs revenue per class."""

import streamlit as st

from app import filters, i18n, layout
from app.charts import abc as charts
from app.data import abc as queries
from app.data.parameters import drawn_parameters
from app.formatting import fmt_int, fmt_pct
from app.i18n import t

layout.page_header("page.abc")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
shares = drawn_parameters()
a_share, b_share = shares["abc_a_share"], shares["abc_b_share"]
st.markdown(t("abc.intro", a=fmt_pct(a_share, decimals=0), b=fmt_pct(b_share, decimals=0)))
if chosen.is_active():
    st.caption(f"{filters.describe(chosen)}. {t('abc.filtered')}")

classes = queries.abc_classes(chosen)
if classes.empty:
    st.info(t("abc.empty"))
    st.stop()

class_columns = st.columns(len(classes))
for column, row in zip(class_columns, classes.itertuples(), strict=True):
    column.metric(
        f"{i18n.column('abc_class')} {row.abc_class}",
        fmt_int(row.customers),
        f"{fmt_pct(row.revenue_share)} {i18n.column('revenue_share').lower()}",
        delta_color="off",
        delta_arrow="off",
    )

left, right = st.columns([3, 2])
with left:
    st.subheader(t("abc.pareto"))
    points = queries.pareto_points(chosen)
    layout.chart(charts.pareto_chart(points, lang, a_share, b_share))
    st.caption(
        t(
            "abc.pareto.caption",
            points=fmt_int(len(points)),
            n=fmt_int(int(points["relation_total"].max())),
        )
    )
with right:
    st.subheader(t("abc.classes"))
    layout.chart(charts.abc_classes_chart(classes, lang))
layout.table(
    classes,
    columns=["abc_class", "customers", "customer_share", "revenue_12m", "revenue_share"],
)
