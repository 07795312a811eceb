"""Bezoekplanning: one salesperson's plan for the coming weeks, or all salespeople compared."""

import pandas as pd
import streamlit as st

from app import i18n, layout, tables, visit_calendar, workbook
from app.charts import visit_planning as charts
from app.data import scope
from app.data import visit_planning as queries
from app.formatting import fmt_date, fmt_int, fmt_number
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
else:
    st.subheader(t("visit.calendar"))
    st.caption(t("visit.calendar.caption"))
    layout.chart(charts.visit_calendar_chart(queries.visit_days(salesperson_id), lang))

# Managers only (a salesperson's own connection has no team to weigh): when to hire or
# re-assign, for the whole team or the salesperson chosen.
if scope.current_scope() is None:
    st.subheader(t("visit.team" if salesperson_id is None else "visit.team.one"))
    st.caption(
        t(
            "visit.team.caption",
            norm=fmt_int(queries.norm_visits_per_week(salesperson_id)),
            capacity=fmt_int(capacity_per_week),
        )
    )
    demand = queries.capacity_against_demand(salesperson_id)
    layout.chart(charts.capacity_demand_chart(demand, lang))
    layout.table(
        demand,
        columns=[
            "week_number",
            "week_start",
            "working_days",
            "visit_capacity",
            "visits_released",
            "visits_planned",
            "visits_waiting",
            "spare_capacity",
        ],
        key="capacity_demand",
    )

st.subheader(t("visit.over.title"))
shortfall = queries.over_capacity_shortfall(salesperson_id)
if shortfall.empty:
    st.success(t("visit.over.none"))
else:
    if salesperson_id is None:
        st.caption(t("visit.over.team"))
        layout.table(
            shortfall,
            columns=[
                "salesperson_name",
                "visits_per_week",
                "visits_per_working_day",
                "visits_over_capacity",
                "shortfall_days",
            ],
            key="over_capacity_shortfall",
        )
    else:
        row = shortfall.iloc[0]
        visits_over = fmt_int(row["visits_over_capacity"])
        if pd.isna(row["shortfall_days"]):
            st.caption(t("visit.over.caption.no_pace", visits=visits_over))
        else:
            st.caption(
                t(
                    "visit.over.caption",
                    visits=visits_over,
                    per_day=fmt_number(row["visits_per_working_day"], decimals=1),
                    days=fmt_number(row["shortfall_days"], decimals=1),
                )
            )
    over_visits, over_total = queries.over_capacity_visits(salesperson_id)
    over_columns = [c for c in queries.OVER_CAPACITY_COLUMNS if not c.startswith("salesperson_")]
    if salesperson_id is None:
        over_columns.insert(0, "salesperson_name")
    layout.table(over_visits, over_total, columns=over_columns, key="over_capacity")

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


# Names of salespeople are personal data: the downloads leave them out unless asked.
with_personal = st.checkbox(t("download.personal"), value=False, key="visit_csv_personal")
download_columns = [*plan_columns, "salesperson_id"] if salesperson_id is None else plan_columns
file_stem = f"bezoekplan_{salesperson_id or 'alle'}"


def full_plan():
    """The whole selection (up to CSV_LIMIT rows), read only when a button is clicked."""
    return queries.visit_plan(salesperson_id, tuple(reasons), limit=scope.CSV_LIMIT)[0]


def plan_csv() -> bytes:
    return tables.to_csv(full_plan(), download_columns, lang, include_personal=with_personal)


def plan_xlsx() -> bytes:
    # One sheet per salesperson, like the review's and the compliance page's workbooks.
    return workbook.to_xlsx(
        full_plan(),
        download_columns,
        lang,
        include_personal=with_personal,
        salesperson=("salesperson_id", "salesperson_name"),
    )


def plan_ics() -> bytes:
    # A calendar is for the one who makes the visits: their name names the calendar.
    name = f"{t('ics.calendar_name')} {names[salesperson_id]}"
    return visit_calendar.build_ics(full_plan(), lang, calendar_name=name)


csv_column, xlsx_column, ics_column = st.columns(3)
# Streamlit runs the callables later, in another thread: they keep this user's scope.
csv_column.download_button(
    t("download.csv"),
    data=scope.bind_scope(plan_csv),
    file_name=f"{file_stem}.csv",
    mime="text/csv",
    key="visit_csv",
)
xlsx_column.download_button(
    t("download.xlsx"),
    data=scope.bind_scope(plan_xlsx),
    file_name=f"{file_stem}.xlsx",
    mime=layout.XLSX_MIME,
    key="visit_xlsx",
)
if salesperson_id is None:
    ics_column.caption(t("visit.ics.choose"))
else:
    ics_column.download_button(
        t("download.ics"),
        data=scope.bind_scope(plan_ics),
        file_name=f"{file_stem}.ics",
        mime="text/calendar",
        key="visit_ics",
    )
st.caption(t("visit.csv.caption"))
st.caption(t("visit.ics.caption"))
