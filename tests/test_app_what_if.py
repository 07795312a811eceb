"""The Wat als (what-if) page: managers only, today's figures before a run, and a run that
gives the figures of `orchestration.whatif.run_what_if` (the CLI's function) as charts and
words, leaving the published warehouse unchanged. Real AppTest on the built warehouse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import altair as alt
import pyarrow as pa
import pytest

from app import i18n, users, what_if_words
from app.charts import what_if as charts
from app.data import scope
from app.data import what_if as queries
from orchestration.whatif import parse_assignments, run_what_if
from tests import test_app_security as security
from tests.harness import app_test
from tests.test_app_security import PASSWORDS, log_in

salespeople = security.salespeople
users_toml = security.users_toml


@pytest.fixture
def warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    monkeypatch.delenv(users.USERS_FILE_ENV, raising=False)
    return built_warehouse


@pytest.fixture
def with_users(warehouse, users_toml, monkeypatch) -> Path:
    monkeypatch.setenv(users.USERS_FILE_ENV, str(users_toml))
    return warehouse


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def show_what_if(at):
    at.switch_page("pages/what_if.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_values(at) -> list[list[dict]]:
    """The data rows of every Vega-Lite chart on the page."""
    values = []
    for chart in at.get("vega_lite_chart"):
        # Streamlit sends each chart's data as an Arrow stream beside the spec.
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            values.append(frame.to_dict("records"))
    return values


@pytest.mark.slow  # two what-if runs (the page's and the one it is compared with)
def test_a_manager_runs_a_what_if_and_sees_the_cli_figures(with_users):
    checksum = sha256(with_users)
    at = show_what_if(log_in("anna", PASSWORDS["anna"]))
    assert at.title[0].value == i18n.t("page.whatif", "nl")
    # Before a run: today's figures, and the inputs at the published values.
    assert i18n.t("wi.not_run", "nl") in [info.value for info in at.info]
    assert at.slider(key="wi_abc_a_share").value == pytest.approx(0.8)
    assert at.number_input(key="wi_potential_high").value == pytest.approx(50000)
    assert len(at.get("vega_lite_chart")) >= 4

    at.slider(key="wi_abc_a_share").set_value(0.7)
    at.number_input(key="wi_potential_high").set_value(40000.0)
    at.button[0].click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]

    expected = run_what_if(
        parse_assignments(["abc_a_share=0.7", "potential_high=40000"]), warehouse=with_users
    ).result
    words = "\n".join(markdown.value for markdown in at.markdown)
    for line in what_if_words.meaning(expected, "nl"):
        assert line in words
    # The ABC chart holds the what-if's counts beside today's.
    after_label = i18n.t("wi.side.after", "nl")
    abc_rows = [
        rows
        for rows in chart_values(at)
        if {row.get("category") for row in rows} == {"A", "B", "C"}
    ]
    shown = {
        (row["category"], row["relations"]) for rows in abc_rows for row in rows
        if row["side"] == after_label
    }  # fmt: skip
    assert set(expected["abc"]["after"].items()) <= shown
    # The migration heat map: every cell of the CLI's matrix for the next review.
    matrix = expected["migration"]["next_review"]["matrix"]
    cells = {
        (row["now"], row["after"], row["relations"])
        for rows in chart_values(at)
        for row in rows
        if "now" in row
    }
    assert {(now, after, n) for now, row in matrix.items() for after, n in row.items()} <= cells
    assert sha256(with_users) == checksum


def test_a_salesperson_has_no_what_if(with_users, salespeople):
    at = log_in("piet", PASSWORDS["piet"])
    assert not at.exception, [e.value for e in at.exception]
    # Not in a salesperson's navigation: Streamlit knows no such page for them.
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page("pages/what_if.py")
    assert "what_if.py" not in str(refused.value).split("Known pages")[1]
    # And the manager's navigation has it (same app, same users file).
    show_what_if(log_in("anna", PASSWORDS["anna"]))
    # Should a salesperson's session reach the data layer anyway, it answers nothing.
    with pytest.raises(scope.NotAuthenticated, match="managers"), scope.scoped(salespeople[-1]):
        queries.current_settings()


def test_a_broken_order_is_shown_as_an_error_and_nothing_runs(warehouse):
    at = show_what_if(app_test().run())
    at.slider(key="wi_abc_a_share").set_value(0.97)
    at.button[0].click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert any("abc_a_share=0.97 is above abc_b_share" in e.value for e in at.error)
    assert not at.get("vega_lite_chart") or i18n.t("wi.meaning", "nl") not in [
        h.value for h in at.subheader
    ]


def test_the_what_if_charts_are_valid_vega_lite():
    before = {"A": 10, "B": 20, "C": 30}
    after = {"A": 12, "B": 18, "C": 30}
    demand = {
        "visits_per_year": 100,
        "capacity_per_year": 90,
        "by_salesperson": [],
    }
    for lang in i18n.LANGUAGES:
        for chart in (
            charts.counts_chart(before, after, None, lang),
            charts.counts_chart(before, None, None, lang),
            charts.counts_chart({"top": 1}, {"top": 2, "small": 4}, "pyramid_level", lang),
            charts.migration_chart({"A": {"A": 9, "B": 1}, "B": {"A": 3, "B": 17}}, lang),
            charts.demand_chart(demand, {**demand, "visits_per_year": 120}, lang),
        ):
            assert isinstance(chart, alt.TopLevelMixin)
            chart.to_dict(validate=True)


def test_the_words_name_the_moves_and_the_capacity():
    def demand(visits, capacity):
        return {"visits_per_year": visits, "capacity_per_year": capacity, "by_salesperson": []}

    levels = {"A": 10, "B": 20, "C": 30}
    result = {
        "service_levels": {"before": levels, "after": levels},
        "abc": {"before": {"A": 5}, "after": {"A": 7}},
        "migration": {
            "next_review": {
                "period": "2027-H1",
                "matrix": {"A": {"A": 10, "B": 0}, "B": {"A": 12, "B": 8}},
            }
        },
        "visit_demand": {
            "next_review": {"before": demand(1400, 1400), "after": demand(1540, 1400)}
        },
    }
    assert what_if_words.meaning(result, "en") == [
        "12 customers would move from B to A at the 2027-H1 review.",
        "A customers (ABC): 5 now, 7 with these settings.",
        "After the 2027-H1 review the team would need 140 more visits a year; "
        "that is 10% over capacity.",
        "Today's levels stay as they were assigned until the 2027-H1 review.",
    ]
    dutch = what_if_words.meaning(result, "nl")
    assert "12 klanten zouden bij de herziening 2027-H1 van B naar A gaan." in dutch
