"""The dashboard: every page through Streamlit's AppTest on a warehouse built by a real
Dagster run, asserting on what is shown; plus the chart builders, the number formatting
and the queries on their own."""

from __future__ import annotations

import io
import shutil
import string
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import pytest
import python_calamine
from streamlit.testing.v1 import AppTest

from app import formatting, i18n, tables, workbook
from app.charts import abc as abc_charts
from app.charts import data_quality as data_quality_charts
from app.charts import pyramid as pyramid_charts
from app.charts import relation_kinds as relation_kinds_charts
from app.charts import scoring as scoring_charts
from app.charts import service_levels as service_levels_charts
from app.charts import visit_planning as visit_planning_charts
from app.data import abc, pyramid, relation_kinds, scope, scoring, service_levels, visit_planning
from tests.harness import app_test

PAGES = [
    "pyramid",
    "relation_kinds",
    "abc",
    "scoring",
    "service_levels",
    "review",
    "visit_planning",
    "data_quality",
    "compliance",
    "what_if",
    "history",
    "campaigns",
]
# Pages a salesperson's navigation does not have (app/streamlit_app.py).
MANAGER_ONLY_PAGES = {"what_if", "campaigns"}
PAGE_TITLES = {
    "pyramid": "page.pyramid",
    "relation_kinds": "page.kinds",
    "abc": "page.abc",
    "scoring": "page.scoring",
    "service_levels": "page.service",
    "review": "page.review",
    "visit_planning": "page.visits",
    "data_quality": "page.dq",
    "compliance": "page.compliance",
    "what_if": "page.whatif",
    "history": "page.history",
    "campaigns": "page.campaigns",
}
HOSTILE = "x' or 1=1 --"


@pytest.fixture
def warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    # The review page reads the decisions store: a test's own, never the repository's.
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return built_warehouse


def sql(path: Path, statement: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(statement, params or []).df()


def open_app(lang: str = "nl") -> AppTest:
    at = app_test().run()
    if lang != "nl":
        at.sidebar.radio(key=i18n.LANG_KEY).set_value(lang).run()
    return at


def show(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table shown that has a column headed `column`."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r} on the page")


def pyramid_table(at: AppTest, lang: str = "nl") -> dict[str, int]:
    frame = frame_with(at, i18n.column("relation_share", lang))
    return dict(
        zip(
            frame[i18n.column("pyramid_level", lang)],
            frame[i18n.column("relations", lang)].astype(int),
            strict=True,
        )
    )


def expected_levels(path: Path, where: str = "true", params=None, lang="nl") -> dict[str, int]:
    rows = sql(
        path,
        f"select pyramid_level, count(*) as n from marts.customer_pyramid where {where} "
        "group by all",
        params,
    )
    counts = {i18n.label("pyramid_level", level, lang): 0 for level in i18n.PYRAMID_LEVELS}
    for level, n in zip(rows["pyramid_level"], rows["n"], strict=True):
        counts[i18n.label("pyramid_level", level, lang)] = int(n)
    return counts


# --- every page, both languages ---------------------------------------------------------
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_page_renders_in_both_languages(warehouse, lang):
    at = open_app(lang)
    other = "en" if lang == "nl" else "nl"
    for page in PAGES:
        show(at, page)
        title = at.title[0].value
        assert title == i18n.t(PAGE_TITLES[page], lang), page
        assert title != i18n.t(PAGE_TITLES[page], other), page
        as_of = formatting.fmt_date(pd.Timestamp("2026-11-23"), lang)
        assert any(as_of in caption.value for caption in at.caption), page
        assert not at.error, page
        if page != "data_quality":  # its charts appear only when rows were rejected
            assert at.get("vega_lite_chart"), f"{page} shows no chart"


def test_english_mode_shows_english_labels(warehouse):
    at = show(open_app("en"), "pyramid")
    levels = pyramid_table(at, "en")
    assert list(levels) == ["Top", "Large", "Medium", "Small", "Inactive", "Prospect", "Suspect"]
    assert at.metric[0].label == "Relations"
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "Large" in spec and "Groot" not in spec
    show(at, "scoring")
    assert {m.label for m in at.metric} >= {"Partner", "Friend", "Economicus", "Dog"}
    show(at, "visit_planning")
    assert at.selectbox(key="visit_salesperson").value is None
    assert "Manager: all salespeople" in at.selectbox(key="visit_salesperson").options


# --- the pyramid: counts, filters, the level list, hostile input ------------------------
def test_pyramid_counts_equal_the_mart_and_follow_a_filter(warehouse):
    at = show(open_app(), "pyramid")
    assert pyramid_table(at) == expected_levels(warehouse)
    assert at.metric[0].value == formatting.fmt_int(sum(expected_levels(warehouse).values()))
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "Groot" in spec and "Middel" in spec and "Klein" in spec

    salesperson = sql(
        warehouse,
        "select account_manager_id from marts.customer_pyramid "
        "where account_manager_id is not null group by 1 order by count(*) desc limit 1",
    ).iloc[0, 0]
    at.sidebar.selectbox(key="filter_salesperson").set_value(salesperson).run()
    assert not at.exception
    mine = expected_levels(warehouse, "account_manager_id = ?", [salesperson])
    assert pyramid_table(at) == mine
    assert mine != expected_levels(warehouse)

    # the filter survives a page without filters in between
    show(at, "visit_planning")
    show(at, "pyramid")
    assert at.sidebar.selectbox(key="filter_salesperson").value == salesperson
    assert pyramid_table(at) == mine


def test_selecting_a_level_lists_its_relations(warehouse):
    at = show(open_app(), "pyramid")
    at.selectbox(key="pyramid_level").set_value("medium").run()
    listed = frame_with(at, i18n.column("active_rank"))
    expected = sql(
        warehouse, "select relation_id from marts.customer_pyramid where pyramid_level = 'medium'"
    )
    assert set(listed[i18n.column("relation_id")]) == set(expected["relation_id"])
    assert set(listed[i18n.column("pyramid_level")]) == {"Middel"}
    assert any(
        i18n.t("rows.shown", shown=len(expected), total=len(expected)) == c.value
        for c in at.caption
    )


def test_hostile_search_returns_nothing_and_raises_nothing(warehouse):
    at = show(open_app(), "pyramid")
    at.text_input(key="pyramid_search").input(HOSTILE).run()
    assert not at.exception
    assert any(info.value == i18n.t("rows.none") for info in at.info)
    show(at, "scoring")
    at.text_input(key="score_search").input(HOSTILE).run()
    assert not at.exception
    assert any(info.value == i18n.t("score.pick.none") for info in at.info)


def test_hostile_filter_values_reach_sql_as_parameters_only(warehouse):
    scope.set_caching(False)
    try:
        hostile = scope.Filters(salesperson_id=HOSTILE, region=HOSTILE, sector=HOSTILE)
        assert pyramid.pyramid_levels(hostile).empty
        assert pyramid.pyramid_relations("top", hostile)[1] == 0
        assert pyramid.pyramid_relations("top", search=HOSTILE)[1] == 0
        assert relation_kinds.kind_counts(hostile).empty
        assert abc.pareto_points(hostile).empty
        assert scoring.score_matrix(hostile).empty
        assert scoring.score_search(search=HOSTILE).empty
        assert scoring.score_components(HOSTILE).empty
        assert service_levels.review_movements(HOSTILE).empty
        assert visit_planning.visit_plan(HOSTILE)[1] == 0
        assert visit_planning.visit_plan(None, (HOSTILE,))[1] == 0
        # the marts are untouched and still answer
        assert (
            pyramid.pyramid_levels()["relations"].sum()
            == sql(warehouse, "select count(*) from marts.customer_pyramid").iloc[0, 0]
        )
    finally:
        scope.set_caching(True)


def test_one_score_is_explained_criterion_by_criterion(warehouse):
    at = show(open_app(), "scoring")
    best = sql(warehouse, "select * from marts.customer_scores where score_rank = 1").iloc[0]
    assert at.selectbox(key="score_relation").value == best["relation_id"]
    explained = frame_with(at, i18n.column("contribution"))
    criteria = sql(warehouse, "select count(*) from config.scoring_criteria").iloc[0, 0]
    assert len(explained) == criteria
    total = explained[i18n.column("contribution")].astype(float).sum()
    assert abs(total - float(best["total_score"])) < 1e-6
    assert {i18n.column(c) for c in ("raw_value", "band", "score", "weight")} <= set(
        explained.columns
    )


def prospect_explanation(at: AppTest) -> pd.DataFrame:
    label = i18n.label("criterion", "open_quote_amount")
    for element in at.dataframe:
        frame = element.value
        if i18n.column("contribution") in frame.columns and label in set(
            frame[i18n.column("criterion")]
        ):
            return frame
    raise AssertionError("no prospect explanation on the page")


def test_prospects_are_rated_and_one_is_explained(warehouse):
    at = show(open_app(), "scoring")
    top = sql(warehouse, "select * from marts.prospect_scores order by score_rank limit 20")
    assert not top.empty, "the demo has prospects"
    listed = frame_with(at, i18n.column("missing_value_count"))
    assert listed[i18n.column("relation_id")].tolist() == top["relation_id"].tolist()
    assert at.selectbox(key="score_prospect").value == top["relation_id"].iloc[0]
    criteria = sql(warehouse, "select count(*) from config.prospect_scoring_criteria").iloc[0, 0]
    for position in (0, 1):
        relation_id = top["relation_id"].iloc[position]
        at.selectbox(key="score_prospect").set_value(relation_id).run()
        explained = prospect_explanation(at)
        assert len(explained) == criteria
        total = explained[i18n.column("contribution")].astype(float).sum()
        assert abs(total - float(top["total_score"].iloc[position])) < 1e-6


# --- visit planning ---------------------------------------------------------------------
def test_visit_plan_for_one_salesperson_lists_only_their_relations(warehouse):
    at = show(open_app(), "visit_planning")
    # manager view: every salesperson compared
    portfolio = frame_with(at, i18n.column("visits_over_capacity"))
    salespeople = sql(warehouse, "select * from marts.salesperson_portfolio")
    assert len(portfolio) == len(salespeople)

    salesperson = sql(
        warehouse,
        "select salesperson_id from marts.visit_plan group by 1 order by count(*) desc limit 1",
    ).iloc[0, 0]
    at.selectbox(key="visit_salesperson").set_value(salesperson).run()
    assert not at.exception
    plan = frame_with(at, i18n.column("priority"))
    theirs = sql(
        warehouse,
        "select relation_id from marts.visit_plan where salesperson_id = ?",
        [salesperson],
    )
    assert set(plan[i18n.column("relation_id")]) == set(theirs["relation_id"])
    assert plan[i18n.column("priority")].tolist() == sorted(plan[i18n.column("priority")])
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [
        i18n.t("download.csv", "nl"),
        i18n.t("download.xlsx", "nl"),
        i18n.t("download.ics", "nl"),
    ], labels
    assert at.get("vega_lite_chart"), "no capacity chart"

    # one reason only
    at.multiselect(key="visit_reasons").set_value(["overdue"]).run()
    plan = frame_with(at, i18n.column("priority"))
    assert set(plan[i18n.column("reason")]) <= {i18n.label("reason", "overdue")}


def test_visit_plan_csv_has_no_personal_data_and_dutch_separators(warehouse):
    scope.set_caching(False)
    try:
        plan, total = visit_planning.visit_plan(None, limit=50)
    finally:
        scope.set_caching(True)
    assert total > 0
    columns = ["priority", "week_start", "reason", "relation_name", "revenue_12m"]
    dutch = tables.to_csv(plan, columns, "nl").decode("utf-8-sig").splitlines()
    assert dutch[0] == "Prioriteit;Week van;Reden;Relatie;Omzet 12 mnd"
    english = tables.to_csv(plan, columns, "en").decode("utf-8-sig").splitlines()
    assert english[0] == "Priority,Week of,Reason,Relation,Revenue 12 m"
    personal = {"email", "phone", "contact", "first_name", "last_name", "contact_name"}
    assert not personal & {c.lower() for c in plan.columns}
    assert not any(word in c for c in visit_planning.VISIT_COLUMNS for word in ("email", "phone"))


def test_visit_plan_workbook_has_a_sheet_per_salesperson_and_real_numbers(warehouse):
    scope.set_caching(False)
    try:
        plan, _ = visit_planning.visit_plan(None, limit=scope.CSV_LIMIT)
    finally:
        scope.set_caching(True)
    columns = ["priority", "week_start", "reason", "relation_name", "revenue_12m"]
    data = workbook.to_xlsx(plan, columns, "nl", salesperson=("salesperson_id", "salesperson_name"))
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == list(dict.fromkeys(plan["salesperson_id"].dropna()))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["Prioriteit", "Week van", "Reden", "Relatie", "Omzet 12 mnd"]
    assert isinstance(rows[1][0], float) and isinstance(rows[1][4], float)
    assert sum(len(book.get_sheet_by_name(n).to_python()) - 1 for n in book.sheet_names) == len(
        plan[plan["salesperson_id"].notna()]
    )


# --- empty states and a missing warehouse -----------------------------------------------
def test_missing_warehouse_explains_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(tmp_path / "nowhere" / "warehouse.duckdb"))
    at = app_test(timeout=30).run()
    for page in PAGES:
        show(at, page)
        assert at.info, page
        assert "make refresh" in at.info[0].value and "make demo" in at.info[0].value


@pytest.fixture
def scratch_warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    """A private copy of the built warehouse a test may change."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, copy)
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(copy))
    return copy


def test_no_review_yet_says_how_to_run_one(scratch_warehouse):
    with duckdb.connect(str(scratch_warehouse)) as con:
        con.execute("delete from marts.service_level_reviews")
    at = show(open_app(), "service_levels")
    assert any("make review PERIOD=2027-H1" in info.value for info in at.info)


def test_kind_movements_from_the_history(scratch_warehouse):
    at = show(open_app(), "relation_kinds")
    assert any("make refresh" in info.value for info in at.info), "no-history message"

    # a later refresh saw two prospects become active
    with duckdb.connect(str(scratch_warehouse)) as con:
        con.execute(
            """
            insert into history.relation_kinds_history by name
            select * replace (
                       'active' as relation_kind,
                       date '2027-01-04' as as_of_date,
                       dbt_valid_from + interval 40 day as dbt_valid_from,
                       md5(relation_id || 'v2') as dbt_scd_id
                   )
            from history.relation_kinds_history
            where relation_kind = 'prospect'
            order by relation_id
            limit 2
            """
        )
    at = show(open_app(), "relation_kinds")
    moves = frame_with(at, i18n.column("from_kind"))
    assert moves.to_dict("records") == [
        {
            i18n.column("from_kind"): "Prospect",
            i18n.column("to_kind"): "Actief",
            i18n.column("changes"): 2,
        }
    ]
    assert len(at.get("vega_lite_chart")) == 2


def test_incomplete_warehouse_is_explained(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(path))
    at = show(app_test(timeout=30).run(), "abc")
    assert at.warning and "make refresh" in at.warning[0].value


# --- queries on their own ---------------------------------------------------------------
def test_pareto_is_downsampled_and_keeps_the_class_boundaries(warehouse):
    scope.set_caching(False)
    try:
        points = abc.pareto_points(max_points=20)
    finally:
        scope.set_caching(True)
    mart = sql(warehouse, "select * from marts.customer_abc order by revenue_rank")
    assert len(points) <= 20 + 2 * 3 + 3
    curve = points[points["position"] > 0]
    assert curve["position"].iloc[0] == 1 and curve["position"].iloc[-1] == len(mart)
    for cls in ("A", "B", "C"):
        ranks = mart.loc[mart["abc_class"] == cls, "revenue_rank"]
        if len(ranks):
            assert {ranks.min(), ranks.max()} <= set(curve["position"]), cls
    merged = curve.merge(mart, left_on="position", right_on="revenue_rank")
    assert (merged["cumulative_share_x"] - merged["cumulative_share_y"]).abs().max() < 1e-9
    assert (
        merged["cumulative_customer_share_x"] - merged["cumulative_customer_share_y"]
    ).abs().max() < 1e-9


def test_cache_follows_a_new_publication(scratch_warehouse):
    before = scope.warehouse_version(scratch_warehouse)
    first = pyramid.pyramid_levels()["relations"].sum()
    replacement = scratch_warehouse.with_name("new.duckdb")
    shutil.copy(scratch_warehouse, replacement)
    with duckdb.connect(str(replacement)) as con:
        con.execute("delete from marts.customer_pyramid where pyramid_level = 'suspect'")
    replacement.replace(scratch_warehouse)  # what the nightly publish does
    assert scope.warehouse_version(scratch_warehouse) != before
    assert pyramid.pyramid_levels()["relations"].sum() < first


# --- chart builders ---------------------------------------------------------------------
LEVELS = pd.DataFrame(
    {
        "pyramid_level": ["top", "large", "medium", "small", "inactive", "suspect"],
        "pyramid_level_order": [1, 2, 3, 4, 5, 7],
        "relations": [10, 40, 150, 800, 200, 300],
        "revenue_12m": [500_000.0, 300_000.0, 150_000.0, 50_000.0, 0.0, 0.0],
        "relation_share": [0.0067, 0.0267, 0.1, 0.533, 0.133, 0.2],
        "revenue_share": [0.5, 0.3, 0.15, 0.05, 0.0, 0.0],
    }
)


def layer_data(chart: alt.TopLevelMixin) -> list[dict]:
    spec = chart.to_dict()
    return next(iter(spec["datasets"].values()))


def test_pyramid_chart_is_a_pyramid_with_every_level():
    chart = pyramid_charts.pyramid_chart(LEVELS, "nl")
    assert isinstance(chart, alt.LayerChart)
    rows = layer_data(chart)
    assert [r["level_label"] for r in rows] == [
        "Top",
        "Groot",
        "Middel",
        "Klein",
        "Inactief",
        "Prospect",
        "Suspect",
    ]
    widths = [r["right"] - r["left"] for r in rows]
    assert widths == sorted(widths) and len(set(widths)) == 7  # narrows upward
    assert all(r["left"] == -r["right"] for r in rows)  # centred
    assert rows[5]["relations"] == 0  # a level with no relations still has its layer
    assert rows[0]["detail"] == "10 relaties · 50,0% aandeel omzet"
    spec = chart.to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["params"][0]["name"] == "level"
    english = layer_data(pyramid_charts.pyramid_chart(LEVELS, "en"))
    assert english[1]["level_label"] == "Large"
    assert english[3]["detail"] == "800 relations · 5.0% share of revenue"


def test_chart_builders_give_valid_vega_lite():
    points = pd.DataFrame(
        {
            "position": [0, 1, 2, 3, 4],
            "abc_class": [None, "A", "A", "B", "C"],
            "cumulative_customer_share": [0, 0.25, 0.5, 0.75, 1.0],
            "cumulative_share": [0, 0.6, 0.85, 0.96, 1.0],
            "is_boundary": [False, False, True, True, False],
            "relation_total": [4] * 5,
        }
    )
    classes = pd.DataFrame(
        {
            "abc_class": ["A", "B", "C"],
            "customer_share": [0.2, 0.3, 0.5],
            "revenue_share": [0.8, 0.15, 0.05],
        }
    )
    cells = pd.DataFrame(
        {
            "relationship_bin": [1.0, 3.0],
            "buying_bin": [1.0, 3.2],
            "customer_group": ["dog", "partner"],
            "customers": [12, 3],
        }
    )
    built = [
        pyramid_charts.level_shares_chart(LEVELS, "en"),
        abc_charts.pareto_chart(points, "nl", 0.8, 0.95),
        abc_charts.abc_classes_chart(classes, "en"),
        scoring_charts.score_matrix_chart(cells, "nl", 3.0, 3.0, 0.2),
        scoring_charts.score_histogram_chart(
            pd.DataFrame(
                {"score_bin": [1.5, 3.2], "passes_cutoff": [False, True], "customers": [5, 7]}
            ),
            "en",
            3.0,
            0.1,
        ),
        relation_kinds_charts.kind_counts_chart(
            pd.DataFrame({"relation_kind": ["active", "suspect"], "relations": [3, 4]}), "nl"
        ),
        relation_kinds_charts.kind_movements_chart(
            pd.DataFrame(
                {
                    "change_month": [pd.Timestamp("2027-01-01")],
                    "from_kind": ["prospect"],
                    "to_kind": ["active"],
                    "changes": [2],
                }
            ),
            "nl",
        ),
        service_levels_charts.movements_chart(
            pd.DataFrame({"movement": ["promoted", "new"], "customers": [3, 9]}), "en"
        ),
        service_levels_charts.service_mix_chart(
            pd.DataFrame(
                {
                    "basis": ["effective_level", "proposed_level"],
                    "service_level": ["A", "A"],
                    "customers": [3, 4],
                }
            ),
            "nl",
        ),
        visit_planning_charts.visit_weeks_chart(
            pd.DataFrame(
                {
                    "week_number": [1, 4],
                    "week_start": [pd.Timestamp("2026-11-30"), pd.Timestamp("2026-12-21")],
                    "reason": ["overdue", "due"],
                    "within_capacity": [True, False],
                    "visits": [20, 5],
                }
            ),
            "nl",
            20,
        ),
        scoring_charts.score_components_chart(
            pd.DataFrame(
                {
                    "criterion": ["revenue_12m", "relationship_rating"],
                    "axis": ["buying", "relationship"],
                    "score": [5, 2],
                    "weight": [0.2, 0.1],
                    "contribution": [1.0, 0.2],
                }
            ),
            "en",
        ),
        data_quality_charts.reject_counts_chart(
            pd.DataFrame(
                {"source_table": ["crm_relations"], "reason": ["bad"], "rejected_rows": [2]}
            ),
            "nl",
        ),
    ]
    for chart in built:
        assert isinstance(chart, alt.TopLevelMixin)
        chart.to_dict(validate=True)  # raises on an invalid spec
    pareto = built[1].to_dict()
    rules = [layer for layer in pareto["layer"] if layer["mark"].get("type") == "rule"]
    assert len(rules) == 2  # the 80/95% lines and the class boundaries
    matrix_rows = next(
        rows for rows in built[3].to_dict()["datasets"].values() if "customer_group" in rows[0]
    )
    assert {row["customer_group"] for row in matrix_rows} == {"dog", "partner"}


def test_every_chart_sees_only_aggregates(warehouse):
    """At most a few hundred rows reach Altair, however many relations there are."""
    scope.set_caching(False)
    try:
        assert len(abc.pareto_points()) <= abc.PARETO_MAX_POINTS + 10
        assert len(scoring.score_matrix()) <= (4 / scoring.SCORE_BIN + 1) ** 2 * 4
        assert len(scoring.score_histogram()) <= 2 * (4 / scoring.SCORE_HISTOGRAM_BIN + 1)
        # weeks of the horizon (13) x reasons (4) x within / over capacity
        assert len(visit_planning.visit_weeks()) <= 13 * 4 * 2
    finally:
        scope.set_caching(True)


# --- formatting -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (1234567, "€ 1.234.567", "€1,234,567"),
        (1234567.49, "€ 1.234.567", "€1,234,567"),
        (0, "€ 0", "€0"),
        (-1234.5, "€ -1.235", "-€1,235"),
        (None, "", ""),
        (float("nan"), "", ""),
    ],
)
def test_euro_formatting(value, nl, en):
    assert formatting.fmt_eur(value, "nl") == nl
    assert formatting.fmt_eur(value, "en") == en


def test_number_percent_and_date_formatting():
    assert formatting.fmt_pct(0.125, "nl") == "12,5%"
    assert formatting.fmt_pct(0.125, "en") == "12.5%"
    assert formatting.fmt_pct(1, "nl", 0) == "100%"
    assert formatting.fmt_number(1234.5678, "nl", 2) == "1.234,57"
    assert formatting.fmt_number(1234.5678, "en", 2) == "1,234.57"
    assert formatting.fmt_number(-0.0001, "nl", 1) == "0,0"
    assert formatting.fmt_int(5000, "nl") == "5.000"
    assert formatting.fmt_eur(1234.5, "nl", 2) == "€ 1.234,50"
    assert formatting.fmt_date(pd.Timestamp("2026-11-23"), "nl") == "23-11-2026"
    assert formatting.fmt_date("2026-11-23", "en") == "2026-11-23"
    assert formatting.fmt_raw_value("share_of_wallet", 0.684, "nl") == "68,4%"
    assert formatting.fmt_raw_value("revenue_12m", None, "en") == "missing"
    assert formatting.vega_number_locale("nl")["thousands"] == "."


def locale_entries(lang: str) -> dict[str, str]:
    """Every text of a locale file by its path of keys, e.g. 'enums.pyramid_level.top'."""

    def flatten(node: dict, prefix: str) -> dict[str, str]:
        entries = {}
        for key, value in node.items():
            path = f"{prefix}{key}"
            entries.update(flatten(value, path + ".") if isinstance(value, dict) else {path: value})
        return entries

    return flatten(i18n.catalog(lang), "")


def test_locale_files_have_the_same_keys_and_placeholders():
    dutch = locale_entries("nl")
    for lang in i18n.LANGUAGES:
        assert (i18n.LOCALES_DIR / f"{lang}.yaml").is_file(), lang
        entries = locale_entries(lang)
        assert set(entries) == set(dutch), lang
        for key, text in entries.items():
            assert isinstance(text, str) and text, (lang, key)
            assert placeholders(text) == placeholders(dutch[key]), (lang, key)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_string_and_label_exists_in_both_languages():
    for section in ("strings", "columns", "enums"):
        keys = {lang: set(i18n.catalog(lang)[section]) for lang in i18n.LANGUAGES}
        assert keys["nl"] == keys["en"], section
    for lang in i18n.LANGUAGES:
        for key, text in locale_entries(lang).items():
            assert text, (lang, key)
    assert [i18n.label("pyramid_level", v) for v in i18n.PYRAMID_LEVELS] == [
        "Top",
        "Groot",
        "Middel",
        "Klein",
        "Inactief",
        "Prospect",
        "Suspect",
    ]
    assert i18n.label("pyramid_level", "unheard_of") == "unheard_of"


def test_styled_table_translates_headers_and_keeps_numbers():
    frame = pd.DataFrame({"pyramid_level": ["large"], "revenue_12m": [1234.5], "is_lead": [True]})
    styler = tables.styled(frame, "en")
    assert list(styler.data.columns) == ["Level", "Revenue 12 m", "Lead"]
    assert styler.data["Revenue 12 m"].iloc[0] == 1234.5  # sortable as a number
    html = styler.to_html()
    assert "€1,235" in html and "Large" in html and "yes" in html
    assert "€ 1.235" in tables.styled(frame, "nl").to_html()
