"""Bezoekplanning: one salesperson's plan for the coming weeks, or all salespeople compared."""

import streamlit as st

from app import i18n, layout, tables, workbook
from app.charts import visit_planning as charts
from app.data import scope
from app.data import visit_planning as queries
from app.formatting import fmt_date, fmt_int
from app.i18n import t

layout.page_header("page.visits")
lang = i18n.current_language()
portfolio = queries.salesperson_portfolio()
if portfolio.empty:
    st.info(t("visit.none_salespeople"))
    st.stop()

first = portfolio.iloc[0]
st.markdown(
    t(
        "visit.intro",
        weeks=int(first["planning_horizon_weeks"]),
        start=fmt_date(first["first_week_start"]),
    )
)
names = dict(zip(portfolio["salesperson_id"], portfolio["salesperson_name"], strict=True))
# A salesperson's data layer holds only their own plan: no "all salespeople" choice.
choices = list(names) if scope.current_scope() is not None else [None, *names]
if st.session_state.get("visit_salesperson") not in choices:
    st.session_state["visit_salesperson"] = choices[0]
salesperson_id = st.selectbox(
    t("visit.who"),
    choices,
    key="visit_salesperson",
    format_func=lambda v: t("visit.manager") if v is None else f"{names[v]} ({v})",
)
reasons = st.multiselect(
    t("visit.reasons"),
    list(charts.REASON_COLORS),
    default=list(charts.REASON_COLORS),
    format_func=lambda v: i18n.label("reason", v),
    key="visit_reasons",
)

if salesperson_id is None:
    mine = portfolio
    capacity_per_week = float(portfolio["visits_per_week"].sum())
else:
    mine = portfolio[portfolio["salesperson_id"] == salesperson_id]
    capacity_per_week = float(mine["visits_per_week"].iloc[0])

st.subheader(t("visit.capacity"))
planned = int(mine["visits_planned"].sum())
over = int(mine["visits_over_capacity"].sum())
st.caption(
    t(
        "visit.capacity.caption",
        planned=fmt_int(planned),
        capacity=fmt_int(int(mine["visit_capacity"].sum())),
        over=fmt_int(over),
    )
)
weeks = queries.visit_weeks(salesperson_id)
if weeks.empty:
    st.info(t("visit.plan.none"))
else:
    layout.chart(charts.visit_weeks_chart(weeks, lang, capacity_per_week))

if salesperson_id is None:
    st.subheader(t("visit.compare"))
    layout.chart(charts.salespeople_capacity_chart(portfolio, lang))
    layout.table(
        portfolio,
        columns=[
            "salesperson_name",
            "region",
            "relation_count",
            "active_count",
            "inactive_count",
            "prospect_count",
            "suspect_count",
            "lead_count",
            "needs_reactivation_count",
            "top_count",
            "large_count",
            "medium_count",
            "small_count",
            "revenue_12m",
            "level_a_count",
            "level_b_count",
            "level_c_count",
            "visits_per_week",
            "visit_capacity",
            "visits_planned",
            "visits_over_capacity",
            "capacity_used_share",
        ],
        key="portfolio",
    )

st.subheader(t("visit.plan"))
plan, total = queries.visit_plan(salesperson_id, tuple(reasons))
if total == 0:
    st.info(t("visit.plan.none"))
    st.stop()
# The query's columns; the salesperson's name only when the plan shows every salesperson.
plan_columns = [column for column in queries.VISIT_COLUMNS if not column.startswith("salesperson_")]
if salesperson_id is None:
    plan_columns.insert(0, "salesperson_name")
layout.table(plan, total, columns=plan_columns, key="visit_plan")


# Names of salespeople are personal data: the download leaves them out unless asked.
with_personal = st.checkbox(t("download.personal"), value=False, key="visit_csv_personal")
csv_columns = [*plan_columns, "salesperson_id"] if salesperson_id is None else plan_columns


def plan_csv() -> bytes:
    """The whole selection (up to CSV_LIMIT rows), built only when the button is clicked."""
    full, _ = queries.visit_plan(salesperson_id, tuple(reasons), limit=scope.CSV_LIMIT)
    return tables.to_csv(full, csv_columns, lang, include_personal=with_personal)


def plan_xlsx() -> bytes:
    """The same selection as a workbook, one sheet per salesperson."""
    full, _ = queries.visit_plan(salesperson_id, tuple(reasons), limit=scope.CSV_LIMIT)
    return workbook.to_xlsx(
        full,
        csv_columns,
        lang,
        include_personal=with_personal,
        salesperson=("salesperson_id", "salesperson_name"),
    )


layout.download_buttons(f"bezoekplan_{salesperson_id or 'alle'}", "visit", plan_csv, plan_xlsx)
st.caption(t("visit.csv.caption"))
