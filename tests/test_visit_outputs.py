"""What a salesperson and a manager take from the visit-planning page (docs/business-rules.md
section 9): the .ics calendar, the Excel workbook, the week calendar, the over-capacity
list with its shortfall and the team's capacity against demand, on a warehouse built by
a real Dagster run and, for a plan that does not fit, the planning models rebuilt by dbt
over a 3-week horizon (the short_horizon fixture)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import icalendar
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from app import formatting, i18n, visit_calendar, workbook
from app.charts import visit_planning as charts
from app.data import scope
from app.data import visit_planning as queries
from tests.harness import app_test


def sql(path: Path, statement: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(statement, params or []).df()


@pytest.fixture
def uncached():
    scope.set_caching(False)
    yield
    scope.set_caching(True)


@pytest.fixture
def warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return built_warehouse


@pytest.fixture
def short_warehouse(short_horizon, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(short_horizon))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return short_horizon


def busiest_salesperson(path: Path, where: str = "true") -> str:
    return sql(
        path,
        f"select salesperson_id from marts.visit_plan where {where} "
        "group by 1 order by count(*) desc, 1 limit 1",
    ).iloc[0, 0]


# --- the .ics download --------------------------------------------------------------------
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_ics_holds_one_event_per_planned_visit_on_its_date(warehouse, uncached, lang):
    """Must-show: the .ics download parses with icalendar and holds one event per
    planned visit, on its planned_date."""
    for salesperson in sql(warehouse, "select salesperson_id from marts.visit_capacity group by 1")[
        "salesperson_id"
    ]:
        plan, _ = queries.visit_plan(salesperson, limit=scope.CSV_LIMIT)
        data = visit_calendar.build_ics(plan, lang, calendar_name=f"Plan {salesperson}")
        calendar = icalendar.Calendar.from_ical(data)
        assert str(calendar["VERSION"]) == "2.0"
        assert str(calendar["PRODID"]) == visit_calendar.PRODID
        expected = sql(
            warehouse,
            "select relation_id, relation_name, reason, service_level, planned_date "
            "from marts.visit_plan where salesperson_id = ? and week_start is not null",
            [salesperson],
        )
        events = calendar.walk("VEVENT")
        assert len(events) == len(expected), salesperson
        by_uid = {str(event["UID"]): event for event in events}
        assert len(by_uid) == len(events), "a UID used twice"
        for row in expected.itertuples(index=False):
            event = by_uid[visit_calendar.visit_uid(salesperson, row.relation_id)]
            start = event["DTSTART"].dt
            assert type(start) is dt.date, "not an all-day event"
            assert start == row.planned_date.date()
            assert event["DTEND"].dt == start + dt.timedelta(days=1)
            assert row.relation_name in str(event["SUMMARY"])
            description = str(event["DESCRIPTION"])
            assert i18n.label("reason", row.reason, lang) in description
            if row.service_level is not None and not pd.isna(row.service_level):
                assert f": {row.service_level}\n" in description
            assert start.weekday() < 5


def test_the_ics_leaves_out_visits_over_capacity_and_keeps_its_uids():
    visits = pd.DataFrame(
        {
            "salesperson_id": ["S1", "S1", "S1"],
            "salesperson_name": ["Ann", "Ann", "Ann"],
            "relation_id": ["R2", "R1", "R3"],
            "relation_name": ["Bakker & Zn", "Café 't Hoekje", "Over BV"],
            "reason": ["due", "overdue", "prospect_follow_up"],
            "priority_group": ["B", "A", "prospect"],
            "service_level": ["B", "A", None],
            "priority": [2, 1, 3],
            "postcode_area": ["10", None, "20"],
            "planned_date": [pd.Timestamp("2026-12-01"), pd.Timestamp("2026-11-30"), pd.NaT],
            "as_of_date": [pd.Timestamp("2026-11-23")] * 3,
        }
    )
    stamp = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    first = visit_calendar.build_ics(visits, "en", stamp=stamp)
    assert first == visit_calendar.build_ics(visits, "en", stamp=stamp)
    calendar = icalendar.Calendar.from_ical(first)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        "visit-S1-R1@customer-pyramid",
        "visit-S1-R2@customer-pyramid",
    ]
    assert str(events[0]["SUMMARY"]) == "Café 't Hoekje · Visit overdue · Service level A"
    assert "Postcode area: -" in str(events[0]["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == "Visit plan"
    assert str(calendar["METHOD"]) == "PUBLISH"
    # A later plan supersedes an earlier one in a calendar: its sequence is higher.
    later = visits.assign(as_of_date=pd.Timestamp("2026-11-24"))
    again = icalendar.Calendar.from_ical(visit_calendar.build_ics(later, "en", stamp=stamp))
    assert again.walk("VEVENT")[0]["SEQUENCE"] == events[0]["SEQUENCE"] + 1


def test_the_excel_download_has_the_plan_of_each_salesperson(warehouse, uncached):
    plan, total = queries.visit_plan(None, limit=scope.CSV_LIMIT)
    columns = [c for c in queries.VISIT_COLUMNS if c != "salesperson_name"]
    data = workbook.to_xlsx(plan, columns, "nl", salesperson=("salesperson_id", "salesperson_name"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    counts = sql(warehouse, "select salesperson_id, count(*) as n from marts.visit_plan group by 1")
    assert sorted(book.sheet_names) == sorted(counts["salesperson_id"])
    for salesperson, n in zip(counts["salesperson_id"], counts["n"], strict=True):
        rows = book.get_sheet_by_name(salesperson).to_python()
        assert rows[0][columns.index("planned_date")] == i18n.column("planned_date", "nl")
        assert len(rows) - 1 == n
    assert total == int(counts["n"].sum())


# --- the page, on a plan that does not fit -------------------------------------------------
def open_visits(lang: str = "nl") -> AppTest:
    at = app_test().run()
    if lang != "nl":
        at.sidebar.radio(key=i18n.LANG_KEY).set_value(lang).run()
    at.switch_page("pages/visit_planning.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")


def chart_specs(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("vega_lite_chart")]


def test_a_manager_sees_capacity_against_demand_and_the_shortfall(short_warehouse):
    over = sql(
        short_warehouse,
        "select salesperson_id, count(*) as n from marts.visit_plan where not within_capacity "
        "group by 1",
    )
    assert over["n"].sum() > 0, "the 3-week plan should not fit"
    at = open_visits()
    subheaders = [s.value for s in at.subheader]
    assert i18n.t("visit.team", "nl") in subheaders

    demand = table_with(at, i18n.column("visits_released"))
    assert len(demand) == 3
    released = sql(short_warehouse, "select count(*) from marts.visit_plan").iloc[0, 0]
    assert demand[i18n.column("visits_released")].astype(int).sum() == released
    # What waits at the end of the horizon is exactly what is over capacity.
    assert int(demand[i18n.column("visits_waiting")].iloc[-1]) == over["n"].sum()
    capacity = sql(
        short_warehouse,
        "select week_number, sum(visit_capacity) as c from marts.visit_capacity "
        "group by 1 order by 1",
    )
    assert demand[i18n.column("visit_capacity")].astype(int).tolist() == capacity["c"].tolist()
    assert any(i18n.column("visits_waiting", "nl") in spec for spec in chart_specs(at))

    shortfall = table_with(at, i18n.column("shortfall_days"))
    pace = sql(
        short_warehouse,
        "select salesperson_id, salesperson_name, visits_per_week from marts.salesperson_portfolio",
    )
    expected = over.merge(pace, on="salesperson_id")
    shown = dict(
        zip(
            shortfall[i18n.column("salesperson_name")],
            shortfall[i18n.column("shortfall_days")],
            strict=True,
        )
    )
    for row in expected.itertuples(index=False):
        assert shown[row.salesperson_name] == pytest.approx(row.n / (row.visits_per_week / 5))

    listed = table_with(at, i18n.column("release_week_start"))
    assert len(listed) == over["n"].sum()
    assert at.get("download_button"), "no downloads"
    assert any(c.value == i18n.t("visit.ics.choose", "nl") for c in at.caption)


def test_a_salesperson_sees_the_week_calendar_shortfall_and_calendar_download(
    short_warehouse,
):
    salesperson = busiest_salesperson(short_warehouse, "not within_capacity")
    at = open_visits("nl")
    at.selectbox(key="visit_salesperson").set_value(salesperson).run()
    assert not at.exception, [e.value for e in at.exception]
    subheaders = [s.value for s in at.subheader]
    assert i18n.t("visit.calendar", "nl") in subheaders
    assert i18n.t("visit.over.title", "nl") in subheaders

    # The calendar: a cell per weekday of every week, the visits of each planned day.
    days = sql(
        short_warehouse,
        "select planned_date, count(*) as n from marts.visit_plan "
        "where salesperson_id = ? and planned_date is not null group by 1",
        [salesperson],
    )
    calendar = next(spec for spec in chart_specs(at) if '"weekday_label"' in spec)
    for weekday in ("ma", "di", "wo", "do", "vr"):
        assert f'"{weekday}"' in calendar
    scope.set_caching(False)
    try:
        cells = queries.visit_days(salesperson)
    finally:
        scope.set_caching(True)
    assert len(cells) == 5 * 3
    busy = cells[cells["visits"] > 0]
    assert dict(zip(busy["day_date"], busy["visits"], strict=True)) == dict(
        zip(days["planned_date"], days["n"], strict=True)
    )

    n_over = sql(
        short_warehouse,
        "select count(*) from marts.visit_plan where salesperson_id = ? and not within_capacity",
        [salesperson],
    ).iloc[0, 0]
    per_week = sql(
        short_warehouse,
        "select visits_per_week from marts.salesperson_portfolio where salesperson_id = ?",
        [salesperson],
    ).iloc[0, 0]
    caption = i18n.t(
        "visit.over.caption",
        "nl",
        visits=formatting.fmt_int(n_over, "nl"),
        per_day=formatting.fmt_number(per_week / 5, "nl", 1),
        days=formatting.fmt_number(n_over / (per_week / 5), "nl", 1),
    )
    assert caption in [c.value for c in at.caption]
    labels = {button.proto.label for button in at.get("download_button")}
    assert labels == {i18n.t(k, "nl") for k in ("download.csv", "download.xlsx", "download.ics")}
    # A manager looking at one salesperson sees that salesperson's capacity and demand.
    assert i18n.t("visit.team.one", "nl") in subheaders


def test_the_calendar_chart_marks_every_weekday_of_every_week():
    days = pd.DataFrame(
        {
            "week_number": [1] * 5 + [2] * 5,
            "week_start": [pd.Timestamp("2026-12-21")] * 5 + [pd.Timestamp("2026-12-28")] * 5,
            "working_days": [3] * 5 + [4] * 5,
            "visit_capacity": [12] * 5 + [16] * 5,
            "weekday": list(range(1, 6)) * 2,
            "day_date": pd.date_range("2026-12-21", periods=5).tolist()
            + pd.date_range("2026-12-28", periods=5).tolist(),
            "visits": [4, 4, 0, 0, 4, 0, 4, 4, 4, 4],
            "areas": ["10", "11, 12", None, None, "30", None, "10", "20", "30", "40"],
        }
    )
    spec = charts.visit_calendar_chart(days, "nl").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 10
    assert {v["weekday_label"] for v in values} == {"ma", "di", "wo", "do", "vr"}
    assert [v["visits_text"] for v in values[:5]] == ["4", "4", "", "", "4"]
    assert values[0]["capacity_text"] == "3 werkdagen, capaciteit 12 bezoeken"
