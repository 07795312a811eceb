"""The dashboard's security (issue 6): login and roles, scoping in the data layer, hostile
input through every data function, personal data out of downloads, open mode on localhost.

Real Streamlit AppTest runs on the warehouse a real Dagster run built (`built_warehouse`).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import os
import pkgutil
import re
import stat
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import app.data
from app import auth, formatting, i18n, launch, sessions, tables, users
from app.data import (
    abc,
    campaigns,
    compliance,
    data_quality,
    history,
    parameters,
    profitability,
    pyramid,
    relation_kinds,
    review,
    scope,
    scoring,
    service_levels,
    shell,
    visit_planning,
    what_if,
)
from orchestration.audiences import mailing
from orchestration.settings import REPO_ROOT
from tests.harness import app_test
from tests.test_app import MANAGER_ONLY_PAGES, PAGES, sql

PASSWORDS = {"anna": "anna-manager-pw", "piet": "piet-sales-pw", "sara": "sara-sales-pw"}


# --- fixtures and helpers ---------------------------------------------------------------
@pytest.fixture
def warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    monkeypatch.delenv(users.USERS_FILE_ENV, raising=False)
    return built_warehouse


@pytest.fixture(scope="session")
def salespeople(built_warehouse) -> list[str]:
    """Account managers with relations, the busiest first."""
    return sql(
        built_warehouse,
        "select account_manager_id from marts.relation_kinds where account_manager_id is not null "
        "group by 1 order by count(*) desc, 1",
    )["account_manager_id"].tolist()


@pytest.fixture(scope="session")
def users_toml(tmp_path_factory, salespeople) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.toml"
    users.save_users(
        path,
        {
            "anna": users.User("anna", "manager", None, users.hash_password(PASSWORDS["anna"])),
            "piet": users.User(
                "piet", "salesperson", salespeople[-1], users.hash_password(PASSWORDS["piet"])
            ),
            "sara": users.User(
                "sara", "salesperson", salespeople[0], users.hash_password(PASSWORDS["sara"])
            ),
        },
    )
    return path


@pytest.fixture
def with_users(warehouse, users_toml, monkeypatch) -> Path:
    monkeypatch.setenv(users.USERS_FILE_ENV, str(users_toml))
    return users_toml


def log_in(username: str, password: str) -> AppTest:
    at = app_test().run()
    assert at.title[0].value == i18n.t("auth.title", "nl")
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    submit = next(b for b in at.button if b.label == i18n.t("auth.submit", "nl"))
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def show(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def own_relations(path: Path, salesperson: str) -> set[str]:
    return set(
        sql(
            path,
            "select relation_id from marts.relation_kinds where account_manager_id = ?",
            [salesperson],
        )["relation_id"]
    )


RELATION_HEADERS = {i18n.column("relation_id", "nl"), i18n.column("relation_id", "en")}
SALESPERSON_HEADERS = {
    i18n.column(name, lang)
    for name in ("salesperson_name", "account_manager_name")
    for lang in i18n.LANGUAGES
}


def shown_relations(at: AppTest) -> set[str]:
    shown: set[str] = set()
    for element in at.dataframe:
        for header in RELATION_HEADERS & set(element.value.columns):
            shown |= set(element.value[header].dropna())
    return shown


def level_counts(at: AppTest) -> dict[str, int]:
    for element in at.dataframe:
        frame = element.value
        if i18n.column("relation_share", "nl") in frame.columns:
            return dict(
                zip(
                    frame[i18n.column("pyramid_level", "nl")],
                    frame[i18n.column("relations", "nl")].astype(int),
                    strict=True,
                )
            )
    raise AssertionError("no pyramid table")


def expected_levels(path: Path, where: str = "true", params=None) -> dict[str, int]:
    rows = sql(
        path,
        f"select pyramid_level, count(*) as n from marts.customer_pyramid where {where} "
        "group by all",
        params,
    )
    counts = {i18n.label("pyramid_level", level, "nl"): 0 for level in i18n.PYRAMID_LEVELS}
    for level, n in zip(rows["pyramid_level"], rows["n"], strict=True):
        counts[i18n.label("pyramid_level", level, "nl")] = int(n)
    return counts


# --- open mode --------------------------------------------------------------------------
def test_open_mode_says_so_and_binds_to_localhost(warehouse):
    at = app_test().run()
    assert not at.exception
    notice = [w.value for w in at.sidebar.warning]
    assert notice == [i18n.t("auth.open", "nl")] and "127.0.0.1" in notice[0]
    assert at.dataframe, "open mode shows the pages without a login"
    at.sidebar.radio(key=i18n.LANG_KEY).set_value("en").run()
    assert [w.value for w in at.sidebar.warning] == [i18n.t("auth.open", "en")]

    assert launch.server_address({}) == "127.0.0.1"
    assert "127.0.0.1" in launch.streamlit_command(8501, {})
    with_file = {users.USERS_FILE_ENV: "/etc/pyramid/users.toml"}
    assert launch.server_address(with_file) == "0.0.0.0"
    assert launch.server_address({**with_file, "PYRAMID_APP_ADDRESS": "10.0.0.5"}) == "10.0.0.5"


def test_make_app_uses_the_launcher():
    makefile = (REPO_ROOT / "Makefile").read_text()
    app_recipe = makefile.split("\napp:", 1)[1].split("\n\n", 1)[0]
    assert "-m app.launch" in app_recipe and "streamlit run" not in app_recipe


# --- login ------------------------------------------------------------------------------
def test_without_login_nothing_is_shown_and_the_data_layer_refuses(with_users):
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "Inloggen"
    assert not at.dataframe and not at.metric and not at.get("vega_lite_chart")
    # While nobody is logged in the login is the only page registered: no URL reaches another.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/visit_planning.py")
    # Outside a logged-in session the data layer answers nothing (fails closed) ...
    with pytest.raises(scope.NotAuthenticated):
        pyramid.pyramid_levels()
    # ... even to a page script run on its own, without the entry script's login.
    page = app_test(str(REPO_ROOT / "app" / "pages" / "pyramid.py")).run()
    assert not page.dataframe and not page.metric
    assert "NotAuthenticated" in page.exception[0].value or "NotAuthenticated" in str(
        page.exception[0].stack_trace
    )


@pytest.mark.parametrize(
    ("username", "password"),
    [("piet", "wrong-password"), ("nobody", PASSWORDS["piet"]), ("piet", ""), ("", "")],
)
def test_a_failed_login_is_refused_without_saying_why(with_users, username, password):
    at = log_in(username, password)
    assert [e.value for e in at.error] == [i18n.t("auth.failed", "nl")]
    assert at.title[0].value == "Inloggen"
    assert not at.dataframe
    assert scope.AUTH_USER_KEY not in at.session_state


def test_passwords_are_salted_scrypt_hashes_compared_in_constant_time(with_users):
    text = with_users.read_text()
    assert all(password not in text for password in PASSWORDS.values())
    stored = users.load_users(with_users)
    assert stored["anna"].password_hash.startswith("scrypt$")
    same = [users.hash_password("same password 1") for _ in range(2)]
    assert same[0] != same[1]  # a salt per hash
    assert users.check_password("same password 1", same[1])
    assert not users.check_password("same password 2", same[1])
    assert not users.check_password("x", "garbage")
    assert users.authenticate(stored, "anna", PASSWORDS["anna"]) == stored["anna"]
    assert users.authenticate(stored, "anna", PASSWORDS["piet"]) is None
    assert users.authenticate(stored, "ghost", PASSWORDS["anna"]) is None
    source = inspect.getsource(users.check_password)
    assert "hmac.compare_digest" in source and "==" not in source.split("compare_digest")[1]


def test_users_command_line_adds_lists_and_removes(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.toml"
    monkeypatch.setenv(users.USERS_FILE_ENV, str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    add = ["add", "--username", "kees", "--role", "salesperson", "--salesperson-id", "S002"]
    assert users.main([*add, "--password-stdin"]) == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    kees = users.load_users(path)["kees"]
    assert (kees.role, kees.salesperson_id, kees.scope) == ("salesperson", "S002", "S002")
    assert users.check_password("a-long-password", kees.password_hash)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit):
        users.main(["add", "--username", "x", "--role", "manager", "--password-stdin"])
    with pytest.raises(SystemExit):  # a salesperson without id
        users.main(["add", "--username", "y", "--role", "salesperson", "--password-stdin"])
    capsys.readouterr()
    assert users.main(["list"]) == 0
    assert capsys.readouterr().out.strip() == "kees\tsalesperson\tS002"
    assert users.main(["remove", "--username", "kees"]) == 0
    assert users.load_users(path) == {}


def test_an_invalid_users_file_lets_nobody_in(warehouse, tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_text('[users.eve]\nrole = "admin"\npassword = "scrypt$1$1$1$AA==$AA=="\n')
    monkeypatch.setenv(users.USERS_FILE_ENV, str(path))
    at = app_test().run()
    assert at.error and "eve" in at.error[0].value
    assert not at.dataframe and not at.text_input
    assert launch.main(["--port", "1"]) == 2  # the launcher refuses to start


def test_a_login_is_a_session_token_that_ends_on_logout(with_users):
    at = log_in("anna", PASSWORDS["anna"])
    token = at.session_state[auth.TOKEN_KEY]
    known = users.load_users(with_users)
    assert sessions.STORE.check(token, known, sessions.limits()) == known["anna"]
    # The page posts the one-time ticket that buys the browser its cookie (app/asgi.py).
    posted = [e for e in at.get("html") if sessions.SESSION_ROUTE in e.proto.body]
    assert len(posted) == 1
    assert auth.TICKET_KEY not in at.session_state  # posted once, then gone
    next(b for b in at.sidebar.button if b.label == i18n.t("auth.logout", "nl")).click().run()
    assert at.title[0].value == "Inloggen"
    assert sessions.STORE.check(token, known, sessions.limits()) is None


def test_an_idle_session_shows_the_login_again(with_users, monkeypatch):
    monkeypatch.setenv(sessions.IDLE_MINUTES_ENV, str(1.5 / 60))
    at = log_in("anna", PASSWORDS["anna"])
    show(at, "pyramid")
    assert at.sidebar.caption[0].value.startswith("Ingelogd als **anna**")
    time.sleep(2)
    at.run()
    assert at.title[0].value == "Inloggen"
    assert [i.value for i in at.info] == [i18n.t("auth.ended", "nl")]
    assert scope.AUTH_USER_KEY not in at.session_state


# --- roles: what each user sees ---------------------------------------------------------
def test_a_salesperson_sees_only_their_own_relations_on_every_page(with_users, salespeople):
    warehouse = Path(os.environ["PYRAMID_WAREHOUSE"])
    me = salespeople[-1]
    mine = own_relations(warehouse, me)
    everyone = set(sql(warehouse, "select relation_id from marts.relation_kinds")["relation_id"])
    assert mine and mine < everyone
    my_names = set(
        sql(warehouse, "select name from raw.crm_salespeople where salesperson_id = ?", [me])[
            "name"
        ]
    )

    at = log_in("piet", PASSWORDS["piet"])
    seen: set[str] = set()
    for page in PAGES:
        if page in MANAGER_ONLY_PAGES:  # not in a salesperson's navigation at all
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{page}.py")
            continue
        show(at, page)
        on_page = shown_relations(at)
        assert on_page <= mine, (page, sorted(on_page - mine)[:5])
        seen |= on_page
        for element in at.dataframe:
            for header in SALESPERSON_HEADERS & set(element.value.columns):
                assert set(element.value[header].dropna()) <= my_names, page
        if page == "pyramid":
            assert level_counts(at) == expected_levels(warehouse, "account_manager_id = ?", [me])
            assert at.metric[0].value == formatting.fmt_int(len(mine))
            assert at.sidebar.selectbox(key="filter_salesperson").options[1:] == [
                f"{name} ({me})" for name in my_names
            ]
        if page == "relation_kinds":
            kinds = sql(
                warehouse,
                "select relation_kind, count(*) as n from marts.relation_kinds "
                "where account_manager_id = ? group by 1",
                [me],
            )
            expected = dict(zip(kinds["relation_kind"], kinds["n"], strict=True))
            for metric in at.metric:
                kind = next(
                    k for k in i18n.RELATION_KINDS if i18n.label("relation_kind", k) == metric.label
                )
                assert metric.value == formatting.fmt_int(expected.get(kind, 0))
        if page == "visit_planning":
            assert at.selectbox(key="visit_salesperson").options == [
                f"{name} ({me})" for name in my_names
            ]
            plan = sql(
                warehouse, "select relation_id from marts.visit_plan where salesperson_id = ?", [me]
            )
            assert on_page == set(plan["relation_id"])
        if page == "data_quality":
            # rejected rows, unlinked ERP customers and unassigned relations are nobody's own
            assert not on_page
    assert len(seen) > 20

    # every data function, including what a download fetches, under this user's scope
    with scope.scoped(me):
        for name, frame in data_function_results().items():
            if "relation_id" in frame.columns:
                assert set(frame["relation_id"].dropna()) <= mine, name
            if "salesperson_id" in frame.columns:
                assert set(frame["salesperson_id"].dropna()) <= {me}, name
        full, total = visit_planning.visit_plan(None, limit=scope.CSV_LIMIT)
        assert set(full["relation_id"]) <= mine and total == len(full)
        assert data_quality.rejects()[1] == 0 and data_quality.unlinked_erp_customers()[1] == 0


def test_a_manager_sees_every_relation(with_users):
    warehouse = Path(os.environ["PYRAMID_WAREHOUSE"])
    at = log_in("anna", PASSWORDS["anna"])
    show(at, "pyramid")
    assert level_counts(at) == expected_levels(warehouse)
    assert at.sidebar.caption[0].value.startswith("Ingelogd als **anna**")
    show(at, "visit_planning")
    assert at.selectbox(key="visit_salesperson").value is None  # all salespeople
    portfolio = sql(warehouse, "select salesperson_id from marts.salesperson_portfolio")
    assert len(at.selectbox(key="visit_salesperson").options) == len(portfolio) + 1
    show(at, "data_quality")
    assert at.dataframe


def test_two_users_never_share_cached_rows(with_users, salespeople):
    warehouse = Path(os.environ["PYRAMID_WAREHOUSE"])
    first, second = salespeople[0], salespeople[-1]
    with scope.scoped(first):
        mine = pyramid.pyramid_levels()["relations"].sum()
    with scope.scoped(second):
        theirs = pyramid.pyramid_levels()["relations"].sum()
    with scope.scoped(None):
        everyone = pyramid.pyramid_levels()["relations"].sum()
    assert mine == len(own_relations(warehouse, first))
    assert theirs == len(own_relations(warehouse, second))
    assert everyone == sql(warehouse, "select count(*) from marts.customer_pyramid").iloc[0, 0]


def test_a_table_without_a_scope_rule_is_empty_for_a_salesperson():
    assert scope.scope_rule("marts", "some_new_mart", ["customer_id", "amount"]) == "false"
    assert scope.scope_rule("marts", "dq_ingest_rejects", ["raw_value"]) == "false"
    assert "relation_id in" in scope.scope_rule("marts", "x", ["relation_id"])
    assert scope.scope_rule("config", "scoring_bands", ["criterion"]) == "true"


# --- hostile input through every data function ------------------------------------------
HOSTILE_VALUES = [
    "x' or 1=1 --",
    "'; DROP TABLE marts.relation_kinds; --",
    '"; drop schema marts cascade; --',
    "S001' union select * from raw.crm_contacts --",
    "Ünïcødé ✓ 中文 \u202e\u0000",
    "%_*?\\",
    "x" * 100_000,
]


def data_function_results(value: str | None = None) -> dict[str, pd.DataFrame]:
    """Every public query function of app/data/, with `value` in every argument a user
    can influence (filters, search, level, period, relation, salesperson, reasons)."""
    filters = scope.Filters(value, value, value) if value is not None else scope.NO_FILTERS
    text = value
    results = {
        "freshness": pd.DataFrame([shell.freshness()]),
        "filter_options": shell.filter_options()["salespeople"],
        "pyramid_levels": pyramid.pyramid_levels(filters),
        "pyramid_relations": pyramid.pyramid_relations(text or "top", filters, text)[0],
        "kind_counts": relation_kinds.kind_counts(filters),
        "leads": relation_kinds.leads(filters)[0],
        "reactivation_list": relation_kinds.reactivation_list(filters)[0],
        "kind_movements": relation_kinds.kind_movements(filters),
        "pareto_points": abc.pareto_points(filters),
        "abc_classes": abc.abc_classes(filters),
        "score_matrix": scoring.score_matrix(filters),
        "score_groups": scoring.score_groups(filters),
        "score_histogram": scoring.score_histogram(filters),
        "score_search": scoring.score_search(filters, text),
        "score_of": scoring.score_of(text or "R0000001"),
        "score_components": scoring.score_components(text or "R0000001"),
        "top_prospects": scoring.top_prospects(filters)[0],
        "prospect_components": scoring.prospect_components(text or "R0000001"),
        "service_mix": service_levels.service_mix(filters),
        "review_movements": service_levels.review_movements(text or "2026-H2", filters),
        "review_moves": service_levels.review_moves(text or "2026-H2", filters)[0],
        "proposals_different": service_levels.proposals_different(filters)[0],
        "service_capacities": service_levels.service_capacities(),
        "store_overrides": review.store_overrides(text or "2027-H1"),
        "migration_matrix": review.migration_matrix(text or "2027-H1", filters),
        "review_summary": review.review_summary(text or "2027-H1", filters),
        "review_rows": review.review_rows(text or "2027-H1", filters, (text,) if text else None)[0],
        "salesperson_portfolio": visit_planning.salesperson_portfolio(),
        "visit_weeks": visit_planning.visit_weeks(text),
        "visit_plan": visit_planning.visit_plan(text, (text,) if text else None)[0],
        "visit_days": visit_planning.visit_days(text or "S001"),
        "over_capacity_shortfall": visit_planning.over_capacity_shortfall(text),
        "over_capacity_visits": visit_planning.over_capacity_visits(text)[0],
        "capacity_against_demand": visit_planning.capacity_against_demand(text),
        "norm_visits_per_week": pd.DataFrame([{"n": visit_planning.norm_visits_per_week(text)}]),
        "ingest_runs": data_quality.ingest_runs(),
        "reject_counts": data_quality.reject_counts(),
        "rejects": data_quality.rejects()[0],
        "unlinked_erp_customers": data_quality.unlinked_erp_customers()[0],
        "unassigned_relations": data_quality.unassigned_relations()[0],
        "unassigned_counts": data_quality.unassigned_counts(),
        "ambiguous_kvk": data_quality.ambiguous_kvk()[0],
        "legal_entities": pyramid.legal_entities(shared_only=False)[0],
        "rule_parameters": parameters.rule_parameters(),
        **compliance_results(filters, text),
        **what_if_results(),
        **history_results(filters, text),
        **campaign_results(filters, text),
    }
    parameters.drawn_parameters()
    relation_kinds.kind_history_versions()
    service_levels.latest_review_period()
    review.open_period()
    return results


def history_results(filters: scope.Filters, text: str | None) -> dict[str, pd.DataFrame]:
    dates = history.snapshot_dates()
    day = dates[-1]
    return {
        "snapshot_dates": pd.DataFrame({"snapshot_date": dates}),
        "migration": history.migration("pyramid_level", day, day, filters),
        "cell_relations": history.cell_relations(
            "relation_kind", day, day, text or "active", text or "active", filters
        )[0],
    }


def compliance_results(filters: scope.Filters, text: str | None) -> dict[str, pd.DataFrame]:
    by_salesperson = compliance.leak_by_salesperson(filters)
    return {
        "leak_by_salesperson": by_salesperson,
        "leak_by_level": compliance.leak_by_level(by_salesperson),
        "customers_to_talk_to": compliance.customers_to_talk_to(filters)[0],
        "terms_over_entitlement": compliance.terms_over_entitlement(filters)[0],
        "visits_against_norm": compliance.visits_against_norm(filters),
        "compliance_results": compliance.results(text or "2026-H2"),
        "all_customers": compliance.all_customers(filters),
        "latest_results_period": pd.DataFrame([{"p": compliance.latest_results_period()}]),
    }


def campaign_results(filters: scope.Filters, text: str | None) -> dict[str, pd.DataFrame]:
    """The campaign page's and the profitability section's queries: a hostile value as
    audience, as every ad-hoc filter value and in the sidebar filters."""
    hostile = {name: (text,) for name in campaigns.CHOICE_FILTERS} if text else {}
    selection = mailing.Selection(text or "suspects_contact_campaign", hostile)
    base = mailing.Selection(mailing.AD_HOC_BASE, hostile)
    try:
        contacts = campaigns.prepare(base, "csv", "nl").contact_count
    except mailing.UnknownAudience:
        contacts = None  # a salesperson's connection has no audiences (managers only)
    return {
        "audiences": campaigns.audiences(),
        "filter_choices": pd.DataFrame(
            [(name, v) for name, values in campaigns.filter_choices().items() for v in values],
            columns=["filter", "value"],
        ),
        "salesperson_names": pd.DataFrame(
            list(campaigns.salesperson_names().items()), columns=["salesperson_id", "name"]
        ),
        "audience_size": pd.DataFrame([campaigns.size(selection)]),
        "audience_preview": campaigns.preview(selection),
        "audience_prepared": pd.DataFrame([{"contacts": contacts}]),
        "recorded_exports": campaigns.recorded_exports(),
        "campaign_results": campaigns.results(),
        "profitability_by_level": profitability.by_pyramid_level(filters),
        "profitability_by_salesperson": profitability.by_level_and_salesperson(filters),
        "unprofitable_customers": profitability.unprofitable_customers(filters)[0],
    }


def what_if_results() -> dict[str, pd.DataFrame]:
    """The what-if page's queries (app/data/what_if.py): managers only. A salesperson's
    scope gets NotAuthenticated from each; no user text reaches them (numbers, checked by
    orchestration/whatif/rules.py, tests/test_whatif.py)."""
    if scope.current_scope() is not None:
        for call in (
            what_if.current_settings,
            what_if.today,
            lambda: what_if.run({}, {}),
        ):
            with pytest.raises(scope.NotAuthenticated):
                call()
        return {}
    demand = what_if.today()["next_review_visit_demand"]
    return {
        "what_if_settings": pd.DataFrame([what_if.current_settings()]),
        "what_if_salespeople": what_if.by_salesperson(demand, None),
    }


def test_every_query_function_is_covered():
    """A new query function in app/data/ must join the hostile-input test."""
    modules = [
        importlib.import_module(f"app.data.{info.name}")
        for info in pkgutil.iter_modules(app.data.__path__)
    ]
    source = (
        inspect.getsource(data_function_results)
        + inspect.getsource(compliance_results)
        + inspect.getsource(what_if_results)
        + inspect.getsource(history_results)
        + inspect.getsource(campaign_results)
    )
    names = {module.__name__.rsplit(".", 1)[1] for module in modules}
    covered = {name for module, name in re.findall(r"(\w+)\.(\w+)\(", source) if module in names}
    not_queries = {
        "query",
        "run_query",
        "refresh_status",
        # read the source-file reports beside the warehouse, no SQL
        "source_reports",
        "source_report_summary",
        "current_scope",
        "scoped",
        "bind_scope",
        "scope_rule",
        "warehouse_path",
        "published_path",
        "selected_replay",
        "warehouse_version",
        "set_caching",
        "batch",
        # the query helpers every query module shares
        "scalar",
        "limited",
        "relation_filter",
        "search_clause",
        "current_username",
        # the one write: hostile input and roles in tests/test_app_review.py
        "decide",
        # the campaign page's write (the export log) and its pass-through to scope.query:
        # tests/test_app_campaigns.py
        "record",
        "read",
    }
    public = {
        name
        for module in modules
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public - not_queries <= covered, sorted(public - not_queries - covered)


def warehouse_fingerprint(path: Path) -> str:
    """Every table's name, row count and content hash: changes if anything is altered."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2"
        ).fetchall()
        parts = []
        for schema, table in tables:
            count, content = con.execute(
                f'select count(*), sum(hash(t)) from "{schema}"."{table}" as t'
            ).fetchone()
            parts.append(f"{schema}.{table}:{count}:{content}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.parametrize("role", [None, "salesperson"])
def test_hostile_values_reach_sql_only_as_parameters(warehouse, salespeople, role):
    before = warehouse_fingerprint(warehouse)
    mtime = warehouse.stat().st_mtime_ns
    scope.set_caching(False)
    try:
        with scope.scoped(salespeople[0] if role else None):
            honest = data_function_results()
            for value in HOSTILE_VALUES:
                results = data_function_results(value)
                for name in (
                    "pyramid_levels",
                    "pyramid_relations",
                    "kind_counts",
                    "leads",
                    "reactivation_list",
                    "kind_movements",
                    "pareto_points",
                    "abc_classes",
                    "score_matrix",
                    "score_groups",
                    "score_histogram",
                    "score_search",
                    "score_of",
                    "score_components",
                    "service_mix",
                    "review_movements",
                    "review_moves",
                    "proposals_different",
                    "migration_matrix",
                    "review_summary",
                    "review_rows",
                    "visit_weeks",
                    "visit_plan",
                ):
                    assert results[name].empty, (name, value[:40])
                # functions the value does not reach answer as without it
                for name in ("service_capacities", "salesperson_portfolio", "ingest_runs"):
                    pd.testing.assert_frame_equal(results[name], honest[name])
            # and every value arriving through the Streamlit widgets, too
            with pytest.raises(scope.WarehouseIncomplete) as error:
                scope.query("select * from marts.no_such_mart where x = ?", [HOSTILE_VALUES[1]])
            assert "DROP" not in str(error.value)
    finally:
        scope.set_caching(True)
    assert warehouse_fingerprint(warehouse) == before
    assert warehouse.stat().st_mtime_ns == mtime
    assert sql(warehouse, "select count(*) from marts.relation_kinds").iloc[0, 0] > 0


def test_hostile_values_through_the_widgets(warehouse):
    before = warehouse_fingerprint(warehouse)
    at = app_test().run()
    for value in HOSTILE_VALUES[:5]:
        show(at, "pyramid")
        at.text_input(key="pyramid_search").input(value).run()
        assert not at.exception and not at.error
        assert any(info.value == i18n.t("rows.none") for info in at.info)
        show(at, "scoring")
        at.text_input(key="score_search").input(value).run()
        assert not at.exception and not at.error
        assert any(info.value == i18n.t("score.pick.none") for info in at.info)
    assert warehouse_fingerprint(warehouse) == before


# --- personal data ----------------------------------------------------------------------
def test_downloads_leave_out_personal_data_unless_asked(warehouse):
    scope.set_caching(False)
    try:
        plan, _ = visit_planning.visit_plan(None, limit=20)
    finally:
        scope.set_caching(True)
    columns = ["priority", "relation_name", "salesperson_id", "salesperson_name"]
    default = tables.to_csv(plan, columns, "en").decode("utf-8-sig").splitlines()
    assert default[0] == "Priority,Relation," + i18n.column("salesperson_id", "en")
    assert not any(name in default[1] for name in plan["salesperson_name"])
    asked = tables.to_csv(plan, columns, "en", include_personal=True).decode("utf-8-sig")
    assert i18n.column("salesperson_name", "en") in asked.splitlines()[0]


def test_no_mart_the_dashboard_reads_carries_contact_person_data(warehouse):
    """Names, e-mail addresses and phone numbers of contact persons stay in the raw and
    staging layers: no mart, history or config table has such a column, except the
    campaign mailing lists (marts.audience_members, docs/business-rules.md section 15),
    which a salesperson's connection shows empty and an erasure deletes rows from."""
    from orchestration.privacy.erasure import CONTACT_LIST_TABLES

    columns = sql(
        warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('marts', 'history', 'config')",
    )
    personal = columns[
        columns["column_name"].str.contains("first_name|last_name|email|phone|contact_name")
    ]
    tables = personal["table_schema"] + "." + personal["table_name"]
    assert set(tables) == set(CONTACT_LIST_TABLES), personal.to_dict("records")
    assert set(CONTACT_LIST_TABLES) == {f"{s}.{t}" for s, t in scope.MANAGER_ONLY_TABLES}
    assert "phone" not in set(personal["column_name"])  # a mailing needs no phone number
    assert scope.scope_rule("marts", "audience_members", ["relation_id", "email"]) == "false"


@pytest.mark.parametrize(
    ("address", "local"),
    [
        (None, True),  # Streamlit's value for 127.0.0.1 and ::1
        ("::ffff:127.0.0.1", True),  # 127.0.0.1 seen by a server on a dual-stack socket
        ("::1", True),
        ("192.0.2.7", False),
        ("::ffff:192.0.2.7", False),
        ("not an address", False),
    ],
)
def test_open_mode_tells_local_from_remote_clients(monkeypatch, address, local):
    from types import SimpleNamespace

    from app import auth

    monkeypatch.setattr(auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=address)))
    assert auth._client_is_local() is local
