"""The visit plan on the built demo warehouse: the week-by-week rule replayed in Python,
the Christmas weeks of NL and BE from the real `holidays` calendar, and a postponed
reactivation (docs/business-rules.md section 9).

The rule is replayed from the plan's own ranks, release weeks and the weekly capacities,
so the test checks the roll-forward SQL (written without recursion) against the rule as
the business states it. Other as_of dates and a postponement are built by dbt on private
copies of the warehouse: only the planning models are rebuilt, on the marts of the demo's
as_of (2026-11-23).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import holidays
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.harness import AS_OF, private_copy, rebuild_planning

CHRISTMAS_AS_OF = dt.date(2026, 12, 15)


def read(path: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def replay(plan: list[dict], capacity: dict[tuple[str, int], int]) -> dict[str, int | None]:
    """The rule week by week: each week takes, in priority order, the visits released by
    then and not yet planned, up to its capacity. relation_id -> week (None: over)."""
    weeks = sorted({week for _, week in capacity})
    by_salesperson = defaultdict(list)
    for visit in plan:
        by_salesperson[visit["salesperson_id"]].append(visit)
    planned: dict[str, int | None] = {visit["relation_id"]: None for visit in plan}
    for salesperson, visits in by_salesperson.items():
        visits.sort(key=lambda visit: visit["priority"])
        for week in weeks:
            free = capacity.get((salesperson, week), 0)
            for visit in visits:
                if free == 0:
                    break
                if planned[visit["relation_id"]] is None and visit["release_week_number"] <= week:
                    planned[visit["relation_id"]] = week
                    free -= 1
    return planned


# --- the plan at the demo's as_of ---------------------------------------------------------


@pytest.fixture(scope="module", params=["13 weeks", "3 weeks"])
def planned_warehouse(request, built_warehouse) -> Path:
    if request.param == "13 weeks":
        return built_warehouse
    return request.getfixturevalue("short_horizon")


@pytest.fixture(scope="module")
def plan(planned_warehouse) -> list[dict]:
    return read(planned_warehouse, "select * from marts.visit_plan")


@pytest.fixture(scope="module")
def capacity(planned_warehouse) -> dict[tuple[str, int], int]:
    rows = read(planned_warehouse, "select * from marts.visit_capacity")
    return {(row["salesperson_id"], row["week_number"]): row["visit_capacity"] for row in rows}


@pytest.fixture(scope="module")
def group_ranks() -> dict[str, int]:
    path = DBT_PROJECT_DIR.parent / "seeds" / "visit_priority_groups.csv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",")[0]: int(line.split(",")[1]) for line in lines}


def test_the_demo_plans_have_what_the_rules_need(built_warehouse, short_horizon):
    """Otherwise the checks below would pass on an empty plan: both plans hold every group,
    the 13 weeks visits released later than the first week and weeks shortened by holidays
    or absences, the 3 weeks full weeks and visits over capacity."""
    plan = read(built_warehouse, "select * from marts.visit_plan")
    capacity = read(built_warehouse, "select * from marts.visit_capacity")
    assert {visit["priority_group"] for visit in plan} == {"A", "lead", "B", "C", "prospect"}
    assert any(visit["release_week_number"] > 1 and visit["within_capacity"] for visit in plan)
    assert any(week["holiday_days"] for week in capacity)
    assert any(week["absence_days"] for week in capacity)
    assert len({week["salesperson_id"] for week in capacity}) >= 3
    short = read(short_horizon, "select * from marts.visit_plan")
    assert {visit["priority_group"] for visit in short} == {"A", "lead", "B", "C", "prospect"}
    over = [visit for visit in short if not visit["within_capacity"]]
    assert over and all(visit["release_week_start"] is not None for visit in over)


def test_the_plan_follows_the_week_by_week_rule(plan, capacity):
    expected = replay(plan, capacity)
    actual = {visit["relation_id"]: visit["week_number"] for visit in plan}
    differing = {rel: (actual[rel], week) for rel, week in expected.items() if actual[rel] != week}
    assert not differing, f"relation: (plan, rule) {dict(list(differing.items())[:10])}"


def test_no_week_over_capacity_and_no_visit_before_its_due_week(plan, capacity):
    load = defaultdict(int)
    for visit in plan:
        if visit["week_number"] is not None:
            load[(visit["salesperson_id"], visit["week_number"])] += 1
        if visit["reason"] == "due" and visit["week_start"] is not None:
            due = visit["next_due_date"]
            assert visit["week_start"] >= due - dt.timedelta(days=due.weekday()), visit
        assert visit["within_capacity"] == (visit["week_start"] is not None)
    assert all(count <= capacity[key] for key, count in load.items())


def test_no_lower_group_is_served_before_a_waiting_higher_group(plan, capacity, group_ranks):
    """No visit of a lower priority group is planned in a week at or after the release
    week of a higher-group visit that was planned later or not at all."""
    horizon = max(week for _, week in capacity)
    for salesperson in {visit["salesperson_id"] for visit in plan}:
        visits = [visit for visit in plan if visit["salesperson_id"] == salesperson]
        for higher in visits:
            waits_until = higher["week_number"] or horizon + 1
            for lower in visits:
                if group_ranks[lower["priority_group"]] <= group_ranks[higher["priority_group"]]:
                    continue
                week = lower["week_number"]
                assert week is None or not (higher["release_week_number"] <= week < waits_until), (
                    higher["relation_id"],
                    lower["relation_id"],
                )


def test_prospect_follow_ups_are_ordered_by_their_rating(plan, planned_warehouse):
    """Within their group (lead, prospect) follow-ups go to the best-rated prospects first
    (marts.prospect_scores), and the plan carries the rating it was ordered by."""
    scores = {
        row["relation_id"]: row["total_score"]
        for row in read(planned_warehouse, "select * from marts.prospect_scores")
    }
    follow_ups = defaultdict(list)
    for visit in plan:
        if visit["reason"] == "prospect_follow_up":
            assert visit["prospect_score"] == scores.get(visit["relation_id"])
            key = (visit["salesperson_id"], visit["priority_group"])
            follow_ups[key].append(visit)
    assert follow_ups, "the demo should plan prospect follow-ups"
    for key, visits in follow_ups.items():
        visits.sort(key=lambda visit: visit["priority"])
        ratings = [visit["prospect_score"] or 0 for visit in visits]
        assert ratings == sorted(ratings, reverse=True), key


def test_a_week_with_spare_capacity_leaves_no_released_visit_waiting(plan, capacity):
    load = defaultdict(int)
    for visit in plan:
        if visit["week_number"] is not None:
            load[(visit["salesperson_id"], visit["week_number"])] += 1
    for (salesperson, week), week_capacity in capacity.items():
        if load[(salesperson, week)] < week_capacity:
            waiting = [
                visit["relation_id"]
                for visit in plan
                if visit["salesperson_id"] == salesperson
                and visit["release_week_number"] <= week
                and (visit["week_number"] is None or visit["week_number"] > week)
            ]
            assert not waiting, (salesperson, week, waiting[:5])


# --- the Christmas weeks, from the real calendar --------------------------------------------


@pytest.fixture(scope="module")
def christmas(built_warehouse, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("visit_plan_christmas")
    warehouse = private_copy(built_warehouse, workdir / "warehouse")
    rebuild_planning(warehouse, workdir, CHRISTMAS_AS_OF)
    return warehouse


def test_christmas_weeks_have_four_working_days_in_nl_and_be(christmas):
    weeks = read(
        christmas, "select * from marts.visit_capacity order by salesperson_id, week_start"
    )
    assert {week["country_code"] for week in weeks} == {"NL", "BE"}
    assert weeks[0]["week_start"] == dt.date(2026, 12, 21)
    for week in weeks:
        calendar = holidays.country_holidays(week["country_code"], years=[2026, 2027])
        weekdays = [week["week_start"] + dt.timedelta(days=day) for day in range(5)]
        holiday_count = sum(day in calendar for day in weekdays)
        assert week["holiday_days"] == holiday_count, week
        assert week["working_days"] + week["absence_days"] == 5 - holiday_count, week
        if week["week_start"] in (dt.date(2026, 12, 21), dt.date(2026, 12, 28)):
            # Friday 25 December and Friday 1 January, in both countries.
            assert week["working_days"] + week["absence_days"] == 4, week
        else:
            assert week["working_days"] + week["absence_days"] == 5, week
        expected_capacity = week["visits_per_week"] * week["working_days"] // 5
        assert week["visit_capacity"] == expected_capacity, week


def test_no_visit_on_a_weekend_holiday_or_absence(christmas):
    visits = read(
        christmas,
        """
        select visit_plan.*, visit_capacity.country_code
        from marts.visit_plan
        inner join marts.visit_capacity using (salesperson_id, week_number)
        """,
    )
    absences = read(christmas, "select * from raw.crm_absences")
    away = {
        (absence["salesperson_id"], absence["date_from"] + dt.timedelta(days=offset))
        for absence in absences
        for offset in range((absence["date_to"] - absence["date_from"]).days + 1)
    }
    assert away, "the demo has absences"
    dated = [visit for visit in visits if visit["planned_date"] is not None]
    assert len(dated) == len(visits) > 0
    for visit in dated:
        day = visit["planned_date"]
        calendar = holidays.country_holidays(visit["country_code"], years=[day.year])
        assert day.weekday() < 5, visit
        assert day not in calendar, visit
        assert (visit["salesperson_id"], day) not in away, visit
        assert visit["week_start"] <= day <= visit["week_start"] + dt.timedelta(days=4), visit


# --- a postponed reactivation ---------------------------------------------------------------


def test_a_postponed_reactivation_leaves_the_plan_until_its_date(built_warehouse, tmp_path_factory):
    plan = read(built_warehouse, "select * from marts.visit_plan")
    reactivation = min(
        (visit for visit in plan if visit["reason"] == "reactivation"),
        key=lambda visit: visit["relation_id"],
    )
    until = dt.date(2027, 1, 15)
    workdir = tmp_path_factory.mktemp("visit_plan_postponed")
    warehouse = private_copy(built_warehouse, workdir / "warehouse")
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """
            insert into raw.decisions (decision_id, decision_type, relation_id, until_date,
                reason, decided_by, decided_at)
            values (999999, 'postpone_reactivation', ?, ?, 'closed until mid January',
                'test', ?)
            """,
            [reactivation["relation_id"], until, dt.datetime(2026, 11, 20, 9, 0)],
        )

    rebuild_planning(warehouse, workdir / "before", AS_OF)
    planned = {row["relation_id"] for row in read(warehouse, "select * from marts.visit_plan")}
    assert reactivation["relation_id"] not in planned
    assert planned == {visit["relation_id"] for visit in plan} - {reactivation["relation_id"]}

    rebuild_planning(warehouse, workdir / "on_its_date", until)
    returned = read(
        warehouse,
        f"select reason from marts.visit_plan where relation_id = '{reactivation['relation_id']}'",
    )
    assert returned == [{"reason": "reactivation"}]
