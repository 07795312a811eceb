"""The marts against an independent reading of the business rules, and configuration that
must matter.

The expected values are computed here in plain Python from the raw tables only (never the
staging, intermediate or mart tables), following the text of docs/business-rules.md
with its default thresholds. Then configuration is changed for real (an earlier as_of
through Dagster; a changed matrix seed and potential vars through dbt on a copy), the
half-yearly review is run through Dagster, and dbt's own docs and unit tests are checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import subprocess
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from dateutil.relativedelta import relativedelta

from orchestration.defs.jobs import review_run_config
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT
from tests.harness import AS_OF, dbt_command, pipeline_env, run_job

MATRIX_SEED = REPO_ROOT / "seeds" / "service_level_matrix.csv"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    """The thresholds of the build under test, read from its marts.rule_parameters (one
    source: the dbt vars), not repeated here; test_rule_parameters_show_the_vars_and_capacities
    checks that table against dbt_project.yml."""

    revenue_window_months: int
    inactive_after_months: int
    reactivate_after_months: int
    abc_a_share: Decimal
    abc_b_share: Decimal
    pyramid_levels: tuple[tuple[str, Decimal], ...]
    """(level, cumulative percent of active customers), top first."""
    potential_high: Decimal
    potential_medium: Decimal

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Rules:
        value = dict(con.execute("select name, value from marts.rule_parameters").fetchall())
        return cls(
            revenue_window_months=int(value["revenue_window_months"]),
            inactive_after_months=int(value["inactive_after_months"]),
            reactivate_after_months=int(value["reactivate_after_months"]),
            abc_a_share=Decimal(value["abc_a_share"]),
            abc_b_share=Decimal(value["abc_b_share"]),
            pyramid_levels=tuple(
                (level, Decimal(value[f"pyramid_{level}_pct"]))
                for level in ("top", "large", "medium")
            ),
            potential_high=Decimal(value["potential_high"]),
            potential_medium=Decimal(value["potential_medium"]),
        )


# docs/business-rules.md section 2: one-way mailings never count as contact; every other type does.
ONE_WAY_ACTIVITY_TYPES = frozenset({"campaign_sent", "email_out"})
LEVEL_RANK = {"A": 1, "B": 2, "C": 3}


# --- the raw tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    relations: dict[str, Decimal | None]
    """relation_id -> estimated_annual_spend."""
    relation_kvk: dict[str, str | None]
    customers: list[tuple[str, str | None, str | None]]
    """(customer_id, crm_relation_id, kvk_number)."""
    invoices: list[tuple[str, str, dt.date, str]]
    """(invoice_id, customer_id, invoice_date, invoice_type)."""
    invoice_amounts: dict[str, Decimal]
    """invoice_id -> sum of its line amounts excluding VAT."""
    activities: list[tuple[str, str, dt.date]]
    """(relation_id, activity_type, date)."""
    opportunities: list[tuple[str, dt.date, dt.date | None]]
    """(relation_id, created date, closed date)."""


def read_raw(con: duckdb.DuckDBPyConnection) -> Raw:
    relations = con.execute(
        "select relation_id, kvk_number, estimated_annual_spend from raw.crm_relations"
    ).fetchall()
    amounts: dict[str, Decimal] = {}
    for invoice_id, amount in con.execute(
        "select invoice_id, amount_excl_vat from raw.erp_invoice_lines"
    ).fetchall():
        amounts[invoice_id] = amounts.get(invoice_id, Decimal(0)) + amount
    return Raw(
        relations={relation_id: spend for relation_id, _, spend in relations},
        relation_kvk={relation_id: kvk for relation_id, kvk, _ in relations},
        customers=con.execute(
            "select customer_id, crm_relation_id, kvk_number from raw.erp_customers"
        ).fetchall(),
        invoices=con.execute(
            "select invoice_id, customer_id, invoice_date, invoice_type from raw.erp_invoices"
        ).fetchall(),
        invoice_amounts=amounts,
        activities=[
            (relation_id, activity_type, occurred_at.date())
            for relation_id, activity_type, occurred_at in con.execute(
                "select relation_id, activity_type, occurred_at from raw.crm_activities"
            ).fetchall()
        ],
        opportunities=[
            (relation_id, created_at.date(), closed_at.date() if closed_at else None)
            for relation_id, created_at, closed_at in con.execute(
                "select relation_id, created_at, closed_at from raw.crm_opportunities"
            ).fetchall()
        ],
    )


def read_matrix(path: Path = MATRIX_SEED) -> dict[tuple[int, int], str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            (int(row["revenue_score"]), int(row["potential_score"])): row["service_level"]
            for row in csv.DictReader(handle)
        }


# --- the rules, from docs/business-rules.md ------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """Calendar months back, clamped to the month end (as DuckDB's `date - interval`)."""
    return day - relativedelta(months=months)


def ceil_percent(percent: Decimal, count: int) -> int:
    """ceil(percent / 100 * count) in decimals, free of floating-point error."""
    return math.ceil(Decimal(percent) * count / 100)


@dataclass
class Expected:
    as_of: dt.date
    kinds: dict[str, dict] = field(default_factory=dict)
    abc: dict[str, dict] = field(default_factory=dict)
    share_above: dict[str, Decimal] = field(default_factory=dict)
    pyramid: dict[str, dict] = field(default_factory=dict)
    service: dict[str, dict] = field(default_factory=dict)
    unlinked_customers: set[str] = field(default_factory=set)


def normalised_kvk(number: str | None) -> str | None:
    """docs/business-rules.md section 14: digits only; BE (prefix, or 9 digits) padded to
    10; anything but 8 or 10 digits then is no number."""
    text = (number or "").strip()
    digits = "".join(char for char in text if char.isdigit())
    if digits and (text.upper().startswith("BE") or len(digits) == 9) and len(digits) <= 10:
        digits = digits.zfill(10)
    return digits if len(digits) in (8, 10) else None


def link_customers(raw: Raw) -> dict[str, str | None]:
    """ERP customer -> relation: the CRM relation id the ERP carries; where it is empty or
    unknown, the normalised KvK number when exactly one relation carries it; else none."""
    by_kvk: dict[str, list[str]] = {}
    for relation_id in sorted(raw.relation_kvk):
        kvk = normalised_kvk(raw.relation_kvk[relation_id])
        if kvk:
            by_kvk.setdefault(kvk, []).append(relation_id)
    links: dict[str, str | None] = {}
    for customer_id, crm_relation_id, kvk in raw.customers:
        crm_relation_id = (crm_relation_id or "").strip()
        if crm_relation_id in raw.relations:
            links[customer_id] = crm_relation_id
        else:
            matches = by_kvk.get(normalised_kvk(kvk) or "", [])
            links[customer_id] = matches[0] if len(matches) == 1 else None
    return links


def compute_expected(
    raw: Raw,
    as_of: dt.date,
    rules: Rules,
    *,
    matrix: dict[tuple[int, int], str] | None = None,
    potential_high: Decimal | None = None,
    potential_medium: Decimal | None = None,
) -> Expected:
    matrix = matrix or read_matrix()
    potential_high = rules.potential_high if potential_high is None else potential_high
    potential_medium = rules.potential_medium if potential_medium is None else potential_medium
    expected = Expected(as_of)
    relation_ids = sorted(raw.relations)

    # Section 1: linking and revenue in (as_of - 12 months, as_of]; credit notes carry
    # negative line amounts, so they count negatively by summing.
    links = link_customers(raw)
    expected.unlinked_customers = {c for c, relation_id in links.items() if relation_id is None}
    window_start = months_before(as_of, rules.revenue_window_months)
    revenue = dict.fromkeys(relation_ids, Decimal(0))
    last_invoice: dict[str, dt.date] = {}
    for invoice_id, customer_id, invoice_date, invoice_type in raw.invoices:
        relation_id = links.get(customer_id)
        if relation_id is None or invoice_date > as_of:
            continue
        if invoice_date > window_start:
            revenue[relation_id] += raw.invoice_amounts.get(invoice_id, Decimal(0))
        # Section 2: only documents of type invoice make or keep a customer.
        if invoice_type == "invoice":
            last_invoice[relation_id] = max(
                invoice_date, last_invoice.get(relation_id, invoice_date)
            )

    # Section 2: two-way contact (any activity but a one-way mailing, or a quote) and open
    # quotes, both as they stood at as_of.
    last_contact: dict[str, dt.date] = {}
    open_quote: set[str] = set()
    for relation_id, activity_type, day in raw.activities:
        if activity_type not in ONE_WAY_ACTIVITY_TYPES and day <= as_of:
            last_contact[relation_id] = max(day, last_contact.get(relation_id, day))
    for relation_id, created, closed in raw.opportunities:
        if created <= as_of:
            last_contact[relation_id] = max(created, last_contact.get(relation_id, created))
            if closed is None or closed > as_of:
                open_quote.add(relation_id)

    active_after = months_before(as_of, rules.inactive_after_months)
    reactivate_after = months_before(as_of, rules.reactivate_after_months)
    for relation_id in relation_ids:
        last = last_invoice.get(relation_id)
        if last is not None and last > active_after:
            kind = "active"
        elif last is not None:
            kind = "inactive"
        elif relation_id in last_contact:
            kind = "prospect"
        else:
            kind = "suspect"
        expected.kinds[relation_id] = {
            "relation_kind": kind,
            "is_customer": last is not None,
            "last_invoice_date": last,
            "needs_reactivation": last is not None and last <= reactivate_after,
            "is_lead": kind == "prospect" and relation_id in open_quote,
            "has_two_way_contact": relation_id in last_contact,
            "last_two_way_contact_date": last_contact.get(relation_id),
            "revenue_12m": revenue[relation_id],
        }

    # Section 3: ABC over revenue_12m > 0, by the share of all relations ranked above.
    ranked = sorted((r for r in relation_ids if revenue[r] > 0), key=lambda r: (-revenue[r], r))
    total = sum((revenue[r] for r in ranked), Decimal(0))
    running = Decimal(0)
    for rank, relation_id in enumerate(ranked, start=1):
        above = running
        running += revenue[relation_id]
        if above < rules.abc_a_share * total:
            abc_class = "A"
        elif above < rules.abc_b_share * total:
            abc_class = "B"
        else:
            abc_class = "C"
        expected.abc[relation_id] = {
            "revenue_12m": revenue[relation_id],
            "revenue_rank": rank,
            "cumulative_revenue": running,
            "abc_class": abc_class,
        }
        expected.share_above[relation_id] = above / total

    # Section 4: the pyramid; rank r of n active customers is in the first p% when
    # r <= ceil(p/100 * n); active customers without revenue in the window are small.
    active = sorted(
        (r for r in relation_ids if expected.kinds[r]["relation_kind"] == "active"),
        key=lambda r: (-revenue[r], r),
    )
    cutoffs = [
        (level, ceil_percent(percent, len(active))) for level, percent in rules.pyramid_levels
    ]
    active_rank = {relation_id: rank for rank, relation_id in enumerate(active, start=1)}
    for relation_id in relation_ids:
        kind = expected.kinds[relation_id]["relation_kind"]
        rank = active_rank.get(relation_id)
        if kind != "active":
            level = kind
        elif revenue[relation_id] <= 0:
            level = "small"
        else:
            level = next((name for name, cutoff in cutoffs if rank <= cutoff), "small")
        expected.pyramid[relation_id] = {
            "pyramid_level": level,
            "relation_kind": kind,
            "revenue_12m": revenue[relation_id],
            "active_rank": rank,
            "active_count": len(active) if kind == "active" else None,
        }

    # Section 7: service levels for customers only (active and inactive).
    for relation_id in relation_ids:
        kind = expected.kinds[relation_id]["relation_kind"]
        if kind not in ("active", "inactive"):
            continue
        abc_class = expected.abc.get(relation_id, {}).get("abc_class")
        revenue_score = {"A": 3, "B": 2}.get(abc_class, 1)
        spend = raw.relations[relation_id]
        potential = None if spend is None else max(spend - revenue[relation_id], Decimal(0))
        if potential is not None and potential >= potential_high:
            potential_score = 3
        elif potential is not None and potential >= potential_medium:
            potential_score = 2
        else:
            potential_score = 1
        expected.service[relation_id] = {
            "relation_kind": kind,
            "abc_class": abc_class,
            "revenue_12m": revenue[relation_id],
            "growth_potential": potential,
            "revenue_score": revenue_score,
            "potential_score": potential_score,
            "proposed_level": matrix[(revenue_score, potential_score)],
        }
    return expected


# --- reading and comparing the marts ------------------------------------------------------


def by_relation(con: duckdb.DuckDBPyConnection, table: str, columns) -> dict[str, dict]:
    rows = con.execute(f"select relation_id, {', '.join(columns)} from {table}").fetchall()
    result = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
    assert len(result) == len(rows), f"{table}: relation_id is not unique"
    return result


def normalised(value):
    if isinstance(value, (Decimal, float)):
        return Decimal(str(value)).quantize(CENT)
    return value


def assert_rows_match(actual: dict[str, dict], expected: dict[str, dict], what: str) -> None:
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    assert not missing and not extra, f"{what}: missing {missing[:10]}, unexpected {extra[:10]}"
    differences = [
        (relation_id, column, actual[relation_id][column], value)
        for relation_id, row in sorted(expected.items())
        for column, value in row.items()
        if normalised(actual[relation_id][column]) != normalised(value)
    ]
    assert not differences, (
        f"{what}: {len(differences)} differences (relation, column, mart, expected), "
        f"first: {differences[:10]}"
    )


def assert_marts_match(con: duckdb.DuckDBPyConnection, expected: Expected) -> None:
    """Every relation of every segmentation mart equals the independent computation."""
    kinds = by_relation(con, "marts.relation_kinds", [*next(iter(expected.kinds.values()))])
    assert_rows_match(kinds, expected.kinds, "relation_kinds")
    abc = by_relation(
        con, "marts.customer_abc", [*next(iter(expected.abc.values())), "share_above"]
    )
    assert_rows_match(abc, expected.abc, "customer_abc")
    for relation_id, share in expected.share_above.items():
        assert math.isclose(abc[relation_id]["share_above"], share, abs_tol=1e-9), relation_id
    pyramid = by_relation(con, "marts.customer_pyramid", [*next(iter(expected.pyramid.values()))])
    assert_rows_match(pyramid, expected.pyramid, "customer_pyramid")
    service = by_relation(con, "marts.service_levels", [*next(iter(expected.service.values()))])
    assert_rows_match(service, expected.service, "service_levels")
    for table in ("relation_kinds", "customer_abc", "customer_pyramid", "service_levels"):
        dates = con.execute(f"select distinct as_of_date from marts.{table}").fetchall()
        assert dates == [(expected.as_of,)], f"{table}: as_of_date {dates}"


def kinds_of(expected: Expected) -> dict[str, str]:
    return {r: row["relation_kind"] for r, row in expected.kinds.items()}


@pytest.fixture(scope="module")
def raw(built_warehouse) -> Raw:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        return read_raw(con)


@pytest.fixture(scope="module")
def rules(built_warehouse) -> Rules:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        return Rules.read(con)


@pytest.fixture(scope="module")
def expected(raw, rules) -> Expected:
    return compute_expected(raw, AS_OF, rules)


# --- dbt on copies of the warehouse, in the background --------------------------------------


def copy_warehouse(published: Path, folder: Path) -> Path:
    """A private copy; same file name, so DuckDB's catalog name (`warehouse`) is unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(published, folder / published.name))


def dbt_vars(**values) -> str:
    return json.dumps({"as_of": AS_OF.isoformat(), **values})


def transposed(matrix: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Revenue decisive instead of potential: cell (r, p) takes the default's (p, r)."""
    return {(revenue, potential): matrix[(potential, revenue)] for revenue, potential in matrix}


CHANGED_MATRIX = transposed(read_matrix())
CHANGED_POTENTIAL_HIGH = Decimal(20_000)
CHANGED_POTENTIAL_MEDIUM = Decimal(5_000)


def copy_project_with_changed_matrix(folder: Path) -> Path:
    """dbt_project/ and seeds/ side by side under `folder`, with CHANGED_MATRIX as seed.

    Writing a changed seed into the shared checkout's seeds/ is unsafe while others build
    from it (and a killed test would leave it changed). The project refers to nothing
    outside itself but `seed-paths: ["../seeds"]` and is small without target/, so a copy
    is cheap and only the copy's seed changes.
    """
    project = folder / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns("target", "target_*", "logs", "dbt_packages", ".user.yml"),
    )
    shutil.copytree(REPO_ROOT / "seeds", folder / "seeds")
    with (folder / "seeds" / MATRIX_SEED.name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["revenue_score", "potential_score", "service_level"])
        writer.writerows((r, p, level) for (r, p), level in sorted(CHANGED_MATRIX.items()))
    return project


@dataclass
class DbtRun:
    """One dbt invocation against a private copy of the warehouse."""

    workdir: Path
    warehouse: Path
    future: Future

    def result(self) -> subprocess.CompletedProcess:
        completed = self.future.result(timeout=900)
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
        return completed

    def artifact(self, name: str) -> dict:
        return json.loads((self.workdir / "target" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dbt_runs(built_warehouse, tmp_path_factory):
    """The module's direct dbt runs, started together and run one after the other in a
    background thread, so they overlap with the Dagster runs of the tests in between.

    Each run has its own warehouse copy, DBT_TARGET_PATH and DBT_LOG_PATH: nothing is written
    to the shared dbt_project/target or the published warehouse.
    """
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYRAMID_", "DBT_"))}
    changed_vars = dbt_vars(
        potential_high=int(CHANGED_POTENTIAL_HIGH), potential_medium=int(CHANGED_POTENTIAL_MEDIUM)
    )
    plans = {
        # First, so the quick suite (make test-fast, which skips the other two) waits least.
        "unit_tests": ["test", "--select", "test_type:unit", "--vars", dbt_vars()],
        # The nightly build's flags: unit tests check SQL, not this configuration.
        "changed_config": [
            "build",
            "--select",
            "service_level_matrix+",
            "rule_parameters",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            changed_vars,
        ],
        "docs": ["docs", "generate", "--vars", dbt_vars()],
    }
    runs = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        for name, args in plans.items():
            workdir = tmp_path_factory.mktemp(f"dbt_{name}")
            project = DBT_PROJECT_DIR
            if name == "changed_config":
                project = copy_project_with_changed_matrix(workdir / "project")
            warehouse = copy_warehouse(built_warehouse, workdir / "warehouse")
            env = {
                **base_env,
                "PYRAMID_WAREHOUSE": str(warehouse),
                "PYRAMID_BUILD_WAREHOUSE": str(warehouse),
                "PYRAMID_AS_OF": AS_OF.isoformat(),
                "DBT_TARGET_PATH": str(workdir / "target"),
                "DBT_LOG_PATH": str(workdir / "logs"),
            }
            future = pool.submit(
                subprocess.run,
                dbt_command(args, project=project),
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            runs[name] = DbtRun(workdir, warehouse, future)
        yield runs
        for run in runs.values():
            run.future.cancel()


def read_matrix_table(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, int], str]:
    rows = con.execute("select * from config.service_level_matrix").fetchall()
    return {(int(r), int(p)): level for r, p, level in rows}


# --- 0. the month arithmetic the reference uses --------------------------------------------


def test_month_arithmetic_matches_duckdb():
    """dbt's window bound is DuckDB `date - interval N month`; it clamps to the month end."""
    days = [dt.date(2024, 2, 29), dt.date(2026, 3, 31), dt.date(2025, 8, 31), AS_OF]
    with duckdb.connect() as con:
        for day in days:
            for months in (1, 12, 24):
                duck = con.execute(
                    f"select cast(cast(? as date) - interval {months} month as date)", [day]
                ).fetchone()[0]
                assert duck == months_before(day, months), (day, months)
    assert months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)


# --- 1. the marts against the independent computation --------------------------------------


def test_the_demo_exercises_every_rule(expected):
    """Guard against vacuous comparisons: every kind, class and level occurs."""
    kinds = set(kinds_of(expected).values())
    assert kinds == {"active", "inactive", "prospect", "suspect"}
    assert {row["abc_class"] for row in expected.abc.values()} == {"A", "B", "C"}
    levels = {row["pyramid_level"] for row in expected.pyramid.values()}
    assert levels == {"top", "large", "medium", "small", "inactive", "prospect", "suspect"}
    assert {row["proposed_level"] for row in expected.service.values()} == {"A", "B", "C"}
    assert any(row["needs_reactivation"] for row in expected.kinds.values())
    assert any(row["is_lead"] for row in expected.kinds.values())
    assert any(row["growth_potential"] is None for row in expected.service.values())
    # Active customers without revenue in the window: small, whatever their rank.
    assert any(
        row["relation_kind"] == "active" and row["revenue_12m"] <= 0
        for row in expected.kinds.values()
    )
    assert expected.unlinked_customers


def test_relation_kinds_match_the_rules(built_warehouse, expected):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        kinds = by_relation(con, "marts.relation_kinds", [*next(iter(expected.kinds.values()))])
    assert_rows_match(kinds, expected.kinds, "relation_kinds")


def test_unlinked_erp_customers_are_reported(built_warehouse, expected):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = con.execute("select customer_id from marts.dq_unlinked_erp_customers").fetchall()
    assert {customer_id for (customer_id,) in rows} == expected.unlinked_customers


def test_abc_pyramid_and_service_levels_match_the_rules(built_warehouse, expected):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        assert_marts_match(con, expected)
        # The 2026-H2 review froze exactly these proposals (no overrides in the demo).
        frozen = by_relation(
            con,
            "marts.service_level_reviews where review_period = '2026-H2'",
            ["proposed_level", "assigned_level"],
        )
    proposals = {r: row["proposed_level"] for r, row in expected.service.items()}
    assert {r: row["proposed_level"] for r, row in frozen.items()} == proposals
    assert {r: row["assigned_level"] for r, row in frozen.items()} == proposals


# --- 2. configuration changes must change results -----------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("dbt_runs")  # started here, to run alongside this Dagster run
def test_an_earlier_as_of_changes_the_kinds_as_predicted(
    demo_sources, tmp_path, raw, rules, expected
):
    """A Dagster run evaluates the rules at PYRAMID_AS_OF.

    It reaches dbt in the environment (Settings.dbt_env), read by macros/rules/as_of_date.sql
    when dbt executes; orchestration/defs/dbt.py passes only review_period in `--vars`,
    and dbt reads --vars from no environment variable: other vars cannot reach a Dagster
    run. Without PYRAMID_AS_OF reaching dbt, the marts would be at today's date.
    """
    earlier = AS_OF - relativedelta(years=1)
    env = pipeline_env(demo_sources, tmp_path, as_of=earlier)
    assert run_job(env, "nightly_refresh").success
    predicted = compute_expected(raw, earlier, rules)
    now = kinds_of(expected)
    changed = {r for r, kind in kinds_of(predicted).items() if kind != now[r]}
    assert len(changed) >= 10, "a year earlier should change many kinds"
    with duckdb.connect(env["PYRAMID_WAREHOUSE"], read_only=True) as con:
        assert read_raw(con) == raw, "the same sources must load the same raw tables"
        kinds = by_relation(con, "marts.relation_kinds", ["relation_kind"])
        assert_marts_match(con, predicted)
    assert all(kinds[r]["relation_kind"] != now[r] for r in changed)


@pytest.mark.slow
def test_a_changed_matrix_seed_and_potential_vars_change_the_proposals(
    dbt_runs, raw, rules, expected
):
    """A transposed matrix seed and lower potential thresholds (vars) reach the proposals.

    Built with `dbt build --select service_level_matrix+` on a copy of the project and of
    the warehouse (see copy_project_with_changed_matrix).
    """
    run = dbt_runs["changed_config"]
    run.result()
    predicted = compute_expected(
        raw,
        AS_OF,
        rules,
        matrix=CHANGED_MATRIX,
        potential_high=CHANGED_POTENTIAL_HIGH,
        potential_medium=CHANGED_POTENTIAL_MEDIUM,
    )
    columns = ["revenue_score", "potential_score", "growth_potential", "proposed_level"]
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        assert read_matrix_table(con) == CHANGED_MATRIX
        service = by_relation(con, "marts.service_levels", [*columns, "assigned_level"])
    assert_rows_match(
        service,
        {r: {c: row[c] for c in columns} for r, row in predicted.service.items()},
        "service_levels with the changed seed and vars",
    )
    proposals = {r: row["proposed_level"] for r, row in service.items()}
    # Each change matters on its own: neither the default, nor the seed change alone, nor
    # the var change alone predicts these proposals.
    seed_only = compute_expected(raw, AS_OF, rules, matrix=CHANGED_MATRIX)
    vars_only = compute_expected(
        raw,
        AS_OF,
        rules,
        potential_high=CHANGED_POTENTIAL_HIGH,
        potential_medium=CHANGED_POTENTIAL_MEDIUM,
    )
    for what, other in (("default", expected), ("seed only", seed_only), ("vars only", vars_only)):
        differing = [r for r, row in other.service.items() if row["proposed_level"] != proposals[r]]
        assert len(differing) >= 5, f"the proposals hardly differ from the {what} prediction"
    # The mart of rule parameters shows the vars this build was given.
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        parameters = dict(con.execute("select name, value from marts.rule_parameters").fetchall())
    assert parameters["potential_high"] == str(int(CHANGED_POTENTIAL_HIGH))
    assert parameters["potential_medium"] == str(int(CHANGED_POTENTIAL_MEDIUM))
    # Between reviews the assigned level does not move, whatever the proposal says.
    assert {r: row["assigned_level"] for r, row in service.items()} == {
        r: row["proposed_level"] for r, row in expected.service.items()
    }


def test_rule_parameters_show_the_vars_and_capacities(built_warehouse):
    """marts.rule_parameters has every rule var of dbt_project.yml (review_period is no
    rule) with its default as text, as_of as the effective date, and the capacities seed
    per level."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    rule_vars = {k: v for k, v in project["vars"].items() if k not in ("as_of", "review_period")}
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = con.execute("select name, value, source, description from marts.rule_parameters")
        parameters = {name: (value, source, text) for name, value, source, text in rows.fetchall()}
    assert all(text.strip() for _, _, text in parameters.values())
    for name, default in rule_vars.items():
        assert parameters[name][:2] == (str(default), "var"), name
    assert parameters["as_of"][0] == AS_OF.isoformat()
    with (REPO_ROOT / "seeds" / "service_level_capacities.csv").open(encoding="utf-8") as handle:
        capacities = list(csv.DictReader(handle))
    for row in capacities:
        level = row["service_level"]
        assert parameters[f"visits_per_year.{level}"][:2] == (
            row["visits_per_year"],
            "seed:service_level_capacities",
        )
        assert Decimal(parameters[f"max_discount_pct.{level}"][0]) == Decimal(
            row["max_discount_pct"]
        )
    assert len(parameters) == len(rule_vars) + 1 + 6 * len(capacities)


# --- 3. the half-yearly review through Dagster ---------------------------------------------


def review_rows(path: Path, period: str | None = None) -> list[tuple]:
    where = "" if period is None else f"where review_period = '{period}'"
    with duckdb.connect(str(path), read_only=True) as con:
        sql = f"select * from marts.service_level_reviews {where} order by all"
        return con.execute(sql).fetchall()


def review_levels(path: Path, period: str) -> dict[str, dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        return by_relation(
            con,
            f"marts.service_level_reviews where review_period = '{period}'",
            ["previous_level", "proposed_level", "assigned_level", "movement"],
        )


def error_chain(error) -> str:
    messages = []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


@pytest.mark.slow
@pytest.mark.usefixtures("dbt_runs")  # to run alongside these Dagster runs
def test_the_half_yearly_review(built_warehouse, demo_sources, tmp_path, raw, rules):
    """2026-H2 twice, a nightly refresh a month later, 2027-H1, then 2026-H2 refused.

    The first 2026-H2 review is the session's built_warehouse run (same sources, same
    as_of): its publication is copied into a fresh folder instead of running it again, and
    the working warehouse starts from that copy (orchestration.warehouse.publication.connect_build).
    """
    published = copy_warehouse(built_warehouse, tmp_path)
    env = pipeline_env(demo_sources, tmp_path)
    assert env["PYRAMID_WAREHOUSE"] == str(published)
    first = review_rows(published)
    assert first and {row[1] for row in first} == {"2026-H2"}
    h2 = review_levels(published, "2026-H2")
    assert {row["movement"] for row in h2.values()} == {"new"}

    # The same review again replaces the period by identical rows.
    assert run_job(env, "segment_review", review_run_config("2026-H2")).success
    assert review_rows(published) == first

    # A nightly refresh a month later recomputes proposals but moves no assigned level.
    later = AS_OF + relativedelta(months=1)
    assert run_job(pipeline_env(demo_sources, tmp_path, later), "nightly_refresh").success
    assert review_rows(published) == first
    predicted = compute_expected(raw, later, rules)
    with duckdb.connect(str(published), read_only=True) as con:
        assert_marts_match(con, predicted)
        service = by_relation(
            con, "marts.service_levels", ["proposed_level", "assigned_level", "as_of_date"]
        )
    assert {row["as_of_date"] for row in service.values()} == {later}
    assert {r: row["proposed_level"] for r, row in service.items()} == {
        r: row["proposed_level"] for r, row in predicted.service.items()
    }
    assert {r: row["assigned_level"] for r, row in service.items()} == {
        r: row["assigned_level"] for r, row in h2.items()
    }
    moved = [r for r, row in service.items() if row["proposed_level"] != h2[r]["proposed_level"]]
    assert moved, "a month later some proposal should differ, or this step proves nothing"

    # The next review: previous = the 2026-H2 assignment, movement by A > B > C.
    next_review = dt.date(2027, 1, 1)
    env_next = pipeline_env(demo_sources, tmp_path, next_review)
    assert run_job(env_next, "segment_review", review_run_config("2027-H1")).success
    assert review_rows(published, "2026-H2") == first
    h1 = review_levels(published, "2027-H1")
    predicted = compute_expected(raw, next_review, rules)
    with duckdb.connect(str(published), read_only=True) as con:
        assert_marts_match(con, predicted)
    assert {r: row["proposed_level"] for r, row in h1.items()} == {
        r: row["proposed_level"] for r, row in predicted.service.items()
    }
    for relation_id, row in h1.items():
        previous = h2[relation_id]["assigned_level"] if relation_id in h2 else None
        assert row["previous_level"] == previous, relation_id
        assert row["assigned_level"] == row["proposed_level"], relation_id
        if previous is None:
            movement = "new"
        elif LEVEL_RANK[row["assigned_level"]] < LEVEL_RANK[previous]:
            movement = "promoted"
        elif LEVEL_RANK[row["assigned_level"]] > LEVEL_RANK[previous]:
            movement = "demoted"
        else:
            movement = "unchanged"
        assert row["movement"] == movement, relation_id
    movements = Counter(row["movement"] for row in h1.values())
    assert movements["unchanged"] and movements["promoted"] + movements["demoted"], movements

    # Reviewing an older period again is refused and publishes nothing.
    before = (published.stat().st_mtime_ns, hashlib.sha256(published.read_bytes()).hexdigest())
    result = run_job(env_next, "segment_review", review_run_config("2026-H2"))
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "older than the latest review" in error_chain(failure.step_failure_data.error)
    after = (published.stat().st_mtime_ns, hashlib.sha256(published.read_bytes()).hexdigest())
    assert after == before, "a refused review must not publish"


# --- 4. and 5. dbt docs and unit tests ------------------------------------------------------


@pytest.mark.slow
def test_dbt_docs_describe_every_mart_and_column(dbt_runs):
    run = dbt_runs["docs"]
    run.result()
    manifest = run.artifact("manifest.json")
    catalog = run.artifact("catalog.json")
    marts = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    assert len(marts) >= 13, sorted(marts)
    undocumented = []
    for unique_id, node in sorted(marts.items()):
        if not node["description"].strip():
            undocumented.append(node["name"])
        assert unique_id in catalog["nodes"], f"{node['name']} is not in the catalog"
        described = {
            name.lower(): column["description"] for name, column in node["columns"].items()
        }
        catalog_columns = catalog["nodes"][unique_id]["columns"]
        assert catalog_columns, node["name"]
        undocumented += [
            f"{node['name']}.{name}"
            for name in catalog_columns
            if not described.get(name.lower(), "").strip()
        ]
    assert not undocumented, f"without a description: {undocumented}"


def test_dbt_unit_tests_pass(dbt_runs):
    run = dbt_runs["unit_tests"]
    run.result()
    results = run.artifact("run_results.json")["results"]
    unit_tests = [result for result in results if result["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) == len(results), "only unit tests were selected"
    assert len(unit_tests) > 40, len(unit_tests)
    failing = [result["unique_id"] for result in unit_tests if result["status"] != "pass"]
    assert not failing, failing
