"""The review page (Beoordeling): decisions through the form into the real decisions store,
shown at once; who may decide, enforced on write; the CSV and Excel downloads.

Real AppTest runs on the warehouse a real Dagster run built, with a SQLite store per test.
"""

from __future__ import annotations

import io
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from app import i18n, reasons, review_export, users, workbook
from app.charts import review as review_charts
from app.data import review, scope
from orchestration.decisions import store
from tests import test_app_security as security
from tests.harness import app_test
from tests.test_app import sql
from tests.test_app_security import PASSWORDS, log_in

# The users file and its salespeople, shared with the security tests (session fixtures).
salespeople = security.salespeople
users_toml = security.users_toml

PERIOD = "2027-H1"  # the open period at the harness's as_of, 2026-11-23


@pytest.fixture
def store_file(built_warehouse, tmp_path, monkeypatch) -> Path:
    """Open mode on the built warehouse, with an empty decisions store of this test's own."""
    path = tmp_path / "decisions.sqlite"
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(path))
    monkeypatch.delenv(users.USERS_FILE_ENV, raising=False)
    return path


@pytest.fixture
def with_users(store_file, users_toml, monkeypatch) -> Path:
    monkeypatch.setenv(users.USERS_FILE_ENV, str(users_toml))
    return store_file


def held(path: Path) -> list[store.Decision]:
    with store.open_store(f"sqlite:///{path}") as engine:
        return store.history(engine)


def show_review(at) -> None:
    at.switch_page("pages/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.t("page.review", "nl")


def review_list(at) -> pd.DataFrame:
    for element in at.dataframe:
        if i18n.column("what_it_takes") in element.value.columns:
            return element.value.set_index(i18n.column("relation_id"))
    raise AssertionError("no review list on the page")


def other_level(level: str) -> str:
    return "C" if level != "C" else "A"


def submit(at, relation_id: str, level: str | None, reason: str, name: str | None = None):
    """Choose the relation, fill in the form and press record (a level) or accept (None)."""
    at.selectbox(key="review_relation").set_value(relation_id).run()
    if level is not None:
        at.radio(key=f"review_level_{relation_id}").set_value(level)
    at.text_area(key="review_reason").input(reason)
    if name is not None:
        at.text_input(key="review_name").input(name)
    at.button(key="review_submit" if level is not None else "review_accept").click().run()
    assert not at.exception, [e.value for e in at.exception]


def open_review(path: Path, where: str = "true", params=None) -> pd.DataFrame:
    return sql(path, f"select * from marts.service_level_open_review where {where}", params)


# --- deciding through the form ------------------------------------------------------------
def test_a_manager_overrides_through_the_form_and_sees_it_at_once(with_users, built_warehouse):
    at = log_in("anna", PASSWORDS["anna"])
    show_review(at)
    assert "review_name" not in [field.key for field in at.text_input]  # the login says who
    biggest = open_review(built_warehouse).sort_values("revenue_12m").iloc[-1]
    relation_id = biggest["relation_id"]
    assert at.selectbox(key="review_relation").value == relation_id  # the list's first row
    level = other_level(biggest["previous_level"])

    submit(at, relation_id, level, "  key account, new contract ")

    [decision] = held(with_users)
    assert (decision.relation_id, decision.review_period, decision.level) == (
        relation_id,
        PERIOD,
        level,
    )
    assert (decision.reason, decision.decided_by) == ("key account, new contract", "anna")
    assert [s.value for s in at.success] == [
        i18n.t("review.saved", relation=relation_id, level=level)
    ]
    # at once, before any refresh: the list, the counts and the matrix
    row = review_list(at).loc[relation_id]
    movement = "promoted" if level < biggest["previous_level"] else "demoted"
    assert row[i18n.column("assigned_level")] == level
    assert row[i18n.column("movement")] == i18n.label("movement", movement)
    assert row[i18n.column("override_reason")] == "key account, new contract"
    assert row[i18n.column("decided_by")] == "anna"
    assert review_list(at).index[0] == relation_id  # moves are listed first
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[i18n.t("review.decided")] == "1"
    assert metrics[i18n.label("movement", movement)] == "1"
    with scope.scoped(None):
        matrix = review.migration_matrix(PERIOD).fillna("new")
    moved = matrix[
        (matrix["previous_level"] == biggest["previous_level"])
        & (matrix["assigned_level"] == level)
    ]
    assert moved["customers"].tolist() == [1]
    # the mart itself follows at the next refresh only (the page says so)
    assert open_review(built_warehouse, "relation_id = ?", [relation_id])["override_level"].isna()[
        0
    ]
    assert any(i18n.t("review.refresh") == c.value for c in at.caption)


def test_without_a_reason_nothing_is_written(with_users):
    at = log_in("anna", PASSWORDS["anna"])
    show_review(at)
    relation_id = at.selectbox(key="review_relation").value
    submit(at, relation_id, "B", "   ")
    assert [e.value for e in at.error] == [i18n.t("review.error.reason")]
    assert held(with_users) == []
    assert review_list(at).loc[relation_id, i18n.column("decided_by")] == ""


def test_open_mode_asks_for_a_name_and_accept_takes_the_proposal(store_file, built_warehouse):
    at = app_test().run()
    show_review(at)
    relation_id = at.selectbox(key="review_relation").value
    submit(at, relation_id, "B", "checked with the customer")  # no name given
    assert [e.value for e in at.error] == [i18n.t("review.error.name")]
    assert held(store_file) == []

    at.text_area(key="review_reason").input("")
    at.text_input(key="review_name").input("Jan Jansen")
    at.button(key="review_accept").click().run()
    proposal = open_review(built_warehouse, "relation_id = ?", [relation_id])["proposed_level"][0]
    [decision] = held(store_file)
    assert (decision.level, decision.decided_by) == (proposal, "Jan Jansen")
    assert decision.reason == i18n.t("review.accept.reason")  # prefilled, never empty


# --- who may decide -----------------------------------------------------------------------
def test_a_salesperson_sees_and_decides_only_their_own_relations(
    with_users, built_warehouse, salespeople
):
    me, other = salespeople[-1], salespeople[0]
    mine = set(open_review(built_warehouse, "account_manager_id = ?", [me])["relation_id"])
    theirs = open_review(built_warehouse, "account_manager_id = ?", [other])["relation_id"]
    unassigned = open_review(built_warehouse, "account_manager_id is null")["relation_id"]
    assert mine and len(theirs) and len(unassigned)

    at = log_in("piet", PASSWORDS["piet"])
    show_review(at)
    offered = at.selectbox(key="review_relation").options
    assert {option.split(" · ")[0] for option in offered} <= mine
    assert set(review_list(at).index) == mine  # every own customer, nobody else's
    own = sorted(mine)[0]
    submit(at, own, "A", "grows fast")
    assert [(d.relation_id, d.decided_by) for d in held(with_users)] == [(own, "piet")]

    # The write itself refuses, whatever the page offers: the data layer under piet's scope.
    for relation_id in (theirs.iloc[0], unassigned.iloc[0], "R9999999", "x' or 1=1 --"):
        with scope.scoped(me), pytest.raises(review.NotYourRelation):
            review.decide(relation_id, "A", "trying", "piet")
    with scope.scoped(me):
        review.decide(own, "C", "changed my mind", "piet")
    assert [d.reason for d in held(with_users)] == ["grows fast", "changed my mind"]
    # a manager may decide for anyone's relation
    with scope.scoped(None):
        review.decide(theirs.iloc[0], "B", "manager's call", "anna")
    assert len(held(with_users)) == 3


def test_bad_levels_and_hostile_input_write_nothing(store_file, built_warehouse):
    relation_id = open_review(built_warehouse)["relation_id"].iloc[0]
    with scope.scoped(None):
        for level, reason, name in (("D", "r", "n"), ("A", "", "n"), ("A", "r", " ")):
            with pytest.raises(review.InvalidDecision):
                review.decide(relation_id, level, reason, name)
        hostile = "'; drop table decisions; --"
        review.decide(relation_id, "a", hostile, hostile)  # stored as text, nothing more
    [decision] = held(store_file)
    assert (decision.level, decision.reason, decision.decided_by) == ("A", hostile, hostile)


# --- downloads ----------------------------------------------------------------------------
def test_csv_download_is_dutch_and_without_personal_data(store_file, built_warehouse):
    with scope.scoped(None):
        review.decide(
            open_review(built_warehouse)["relation_id"].iloc[0],
            "C",
            "fewer orders",
            "Jozef Xylander",
        )
        text = review_export.review_csv(PERIOD, scope.NO_FILTERS, None, "nl")
        personal = review_export.review_csv(PERIOD, scope.NO_FILTERS, None, "nl", True)
    lines = text.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["Relatienr.", "Relatie", "Verkoper-id"]
    assert i18n.column("decided_by") not in header and i18n.column("why") in header
    assert len(lines) - 1 == len(open_review(built_warehouse))
    assert "fewer orders" in text.decode("utf-8-sig") and "Xylander" not in text.decode("utf-8-sig")
    assert "Xylander" in personal.decode("utf-8-sig")
    assert "ABC-klasse" in lines[1] and "ABC class" not in text.decode("utf-8-sig")


def test_excel_has_a_sheet_per_salesperson_with_numbers_as_numbers(store_file, built_warehouse):
    rows = open_review(built_warehouse)
    with scope.scoped(None):
        data = review_export.review_xlsx(PERIOD, scope.NO_FILTERS, None, "nl")
        named = review_export.review_xlsx(PERIOD, scope.NO_FILTERS, None, "nl", True)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    owners = rows["account_manager_id"].dropna().unique()
    expected = {*owners, i18n.t("xlsx.unassigned")}
    assert set(book.sheet_names) == expected
    header_column = i18n.column("revenue_12m")
    for owner in owners:
        sheet = book.get_sheet_by_name(owner).to_python()
        header = sheet[0]
        theirs = rows[rows["account_manager_id"] == owner]
        assert len(sheet) - 1 == len(theirs)
        revenue = [line[header.index(header_column)] for line in sheet[1:]]
        assert all(isinstance(value, float) for value in revenue)
        assert sorted(revenue) == sorted(theirs["revenue_12m"].astype(float))
        ids = {line[header.index(i18n.column("relation_id"))] for line in sheet[1:]}
        assert ids == set(theirs["relation_id"])
    assert i18n.column("account_manager_name") not in header
    names = set(CalamineWorkbook.from_filelike(io.BytesIO(named)).sheet_names)
    names.discard(i18n.t("xlsx.unassigned"))
    assert {name.rsplit(" (", 1)[1].rstrip(")") for name in names} == set(owners)


def test_a_salesperson_downloads_only_their_own(store_file, built_warehouse, salespeople):
    me = salespeople[-1]
    with scope.scoped(me):
        data = review_export.review_xlsx(PERIOD, scope.NO_FILTERS, None, "en")
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == [me]


# --- without a warehouse: the chart, the sentences, the workbook --------------------------
def test_migration_chart_draws_every_cell():
    matrix = pd.DataFrame(
        {
            "previous_level": ["A", "B", None],
            "assigned_level": ["C", "B", "A"],
            "customers": [2, 40, 5],
            "revenue_12m": [1000.0, 12345.6, 50.0],
        }
    )
    chart = review_charts.migration_chart(matrix, "nl")
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict(validate=True)
    [cells] = [rows for rows in spec["datasets"].values() if "revenue_text" in rows[0]]
    assert len(cells) == 12  # previous A, B, C, new x assigned A, B, C
    by_cell = {(c["previous_level"], c["assigned_level"]): c for c in cells}
    assert by_cell[("Nieuw", "A")]["customers_text"] == "5"
    assert by_cell[("B", "B")]["revenue_text"] == "€ 12.346"
    assert by_cell[("C", "A")]["customers"] == 0


def test_why_and_what_it_takes_in_both_languages():
    row = {
        "abc_class": None,
        "revenue_score": 1,
        "potential_band": "high",
        "growth_potential": None,
        "potential_score": 1,
        "proposed_level": "C",
        "next_abc_class": "B",
        "revenue_to_next_class": 1234.5,
    }
    assert reasons.why(row, "nl") == (
        "ABC-klasse geen (omzetscore 1), groeipotentieel hoog (besteding onbekend) "
        "(potentiescore 1): matrixcel 1 \u00d7 1 geeft niveau C."
    )
    assert reasons.why(row, "en").startswith(
        "ABC class none (revenue score 1), growth potential high"
    )
    assert reasons.what_it_takes(row, "nl") == "€ 1.235 meer omzet voor klasse B"
    assert reasons.what_it_takes(row, "en") == "€1,235 more revenue for class B"
    assert reasons.what_it_takes({**row, "next_abc_class": None}, "nl") == "Al klasse A"


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    long = "Anna-Maria van der Berg-Oosterhuis"
    first = workbook.sheet_name("S001", long, "nl", taken)
    second = workbook.sheet_name("S001", long, "nl", taken)
    assert len(first) <= 31 and first.endswith("(S001)") and second != first
    assert workbook.sheet_name("S/2", None, "nl", taken) == "S_2"
    assert workbook.sheet_name(None, None, "en", taken) == i18n.t("xlsx.unassigned", "en")


def test_the_movement_filter_narrows_the_list_and_the_form(store_file, built_warehouse):
    at = app_test().run()
    show_review(at)
    first = at.selectbox(key="review_relation").value
    at.multiselect(key="review_movements").set_value(["demoted"]).run()
    assert any(info.value == i18n.t("rows.none") for info in at.info)  # nothing moves yet
    rows = open_review(built_warehouse, "previous_level = 'A' and relation_id <> ?", [first])
    demoted = rows["relation_id"].iloc[0]
    with scope.scoped(None):
        review.decide(demoted, "B", "fewer orders", "Jan")
    at.run()
    assert list(review_list(at).index) == [demoted]
    # the relation chosen before is filtered away: the form is about the one listed
    assert at.selectbox(key="review_relation").value == demoted
    with scope.scoped(None):  # the matrix the page draws follows the filter too
        matrix = review.migration_matrix(PERIOD, movements=("demoted",))
    assert matrix[["previous_level", "assigned_level", "customers"]].values.tolist() == [
        ["A", "B", 1]
    ]


def test_a_store_that_cannot_be_opened_is_explained(store_file, tmp_path, monkeypatch):
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path))  # a folder, not a SQLite file
    at = app_test().run()
    at.switch_page("pages/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value.startswith(i18n.t("review.store_error", detail="")[:30])
    assert not at.dataframe
