"""Service-level compliance and results per level against an independent reading of
docs/business-rules.md sections 11 and 12.

The expected values are computed here in plain Python (Decimal) from the raw tables and
the capacities seed only, never from the staging, intermediate or mart tables. Twice:
on the test demo as generated, and on a copy whose raw exports were made more varied
(discounts anywhere between 0 and 20 % including exactly each level's maximum, empty
discounts, zero quantities, other prices, payment terms from 7 to 90 days or empty, and
relations linked through a second ERP customer with other terms), rebuilt with dbt.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT
from tests import test_marts as reference
from tests.harness import AS_OF, dbt_command

CAPACITIES_SEED = REPO_ROOT / "seeds" / "service_level_capacities.csv"
CENT = Decimal("0.01")
COMPLIANCE_COLUMNS = [
    "effective_level",
    "account_manager_id",
    "max_discount_pct",
    "gross_revenue_12m",
    "weighted_discount_pct",
    "invoice_lines",
    "lines_over_entitlement",
    "excess_discount_eur",
    "agreed_payment_terms_days",
    "payment_terms_days",
    "terms_over_entitlement",
    "visits_last_12m",
    "visits_per_year",
    "visits_over_norm",
    "visits_under_norm",
    "is_over_entitlement",
]
SUMMARY_SUMS = [
    "customers",
    "customers_over_entitlement",
    "customers_over_discount",
    "customers_over_terms",
    "invoice_lines",
    "lines_over_entitlement",
    "gross_revenue_12m",
    "excess_discount_eur",
]


def read_capacities(path: Path = CAPACITIES_SEED) -> dict[str, dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["service_level"]: {
                "max_discount_pct": Decimal(row["max_discount_pct"]),
                "payment_terms_days": int(row["payment_terms_days"]),
                "visits_per_year": int(row["visits_per_year"]),
            }
            for row in csv.DictReader(handle)
        }


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def expected_compliance(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, effective: dict[str, str]
) -> dict[str, dict]:
    """Section 11 per customer with a level, from the raw tables of `con`."""
    parameters = dict(con.execute("select name, value from marts.rule_parameters").fetchall())
    window_start = reference.months_before(as_of, int(parameters["revenue_window_months"]))
    visits_start = reference.months_before(as_of, int(parameters["contact_window_months"]))
    capacities = read_capacities()
    raw = reference.read_raw(con)
    links = reference.link_customers(raw)

    terms: dict[str, list[int]] = defaultdict(list)
    for customer_id, days in con.execute(
        "select customer_id, payment_terms_days from raw.erp_customers"
    ).fetchall():
        if links.get(customer_id) is not None and days is not None:
            terms[links[customer_id]].append(int(days))

    # Lines of documents of type invoice (no credit notes) in (as_of - N months, as_of].
    invoice_relation = {
        invoice_id: links.get(customer_id)
        for invoice_id, customer_id, day, invoice_type in raw.invoices
        if invoice_type == "invoice" and window_start < day <= as_of
    }
    lines: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for invoice_id, quantity, unit_price, discount in con.execute(
        "select invoice_id, quantity, unit_price, discount_pct from raw.erp_invoice_lines"
    ).fetchall():
        relation_id = invoice_relation.get(invoice_id)
        if relation_id is None:
            continue
        gross = Decimal(0) if quantity is None or unit_price is None else quantity * unit_price
        lines[relation_id].append((gross, Decimal(0) if discount is None else discount))

    visits: dict[str, int] = defaultdict(int)
    for relation_id, activity_type, day in raw.activities:
        if activity_type == "visit" and visits_start < day <= as_of:
            visits[relation_id] += 1

    managers = dict(
        con.execute("select relation_id, account_manager_id from raw.crm_relations").fetchall()
    )
    expected = {}
    for relation_id, level in effective.items():
        capacity = capacities[level]
        maximum = capacity["max_discount_pct"]
        own = lines.get(relation_id, [])
        gross = sum((g for g, _ in own), Decimal(0))
        weighted = sum((g * d for g, d in own), Decimal(0))
        excess = sum((g * max(d - maximum, Decimal(0)) for g, d in own), Decimal(0)) / 100
        over = sum(1 for _, d in own if d > maximum)
        agreed = max(terms[relation_id]) if terms.get(relation_id) else None
        terms_over = agreed is not None and agreed > capacity["payment_terms_days"]
        visit_count = visits.get(relation_id, 0)
        expected[relation_id] = {
            "effective_level": level,
            "account_manager_id": managers.get(relation_id) or None,
            "max_discount_pct": maximum,
            "gross_revenue_12m": cents(gross),
            "weighted_discount_pct": cents(weighted / gross) if gross != 0 else None,
            "invoice_lines": len(own),
            "lines_over_entitlement": over,
            "excess_discount_eur": cents(excess),
            "agreed_payment_terms_days": agreed,
            "payment_terms_days": capacity["payment_terms_days"],
            "terms_over_entitlement": terms_over,
            "visits_last_12m": visit_count,
            "visits_per_year": capacity["visits_per_year"],
            "visits_over_norm": visit_count > capacity["visits_per_year"],
            "visits_under_norm": visit_count < capacity["visits_per_year"],
            "is_over_entitlement": over > 0 or terms_over,
        }
    return expected


def effective_levels(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, str]:
    """Section 7 and 8: the test warehouse's one review (2026-H2) froze tonight's proposals
    and has no overrides, so the effective level is the independently computed proposal."""
    raw = reference.read_raw(con)
    rules = reference.Rules.read(con)
    service = reference.compute_expected(raw, as_of, rules).service
    return {relation_id: row["proposed_level"] for relation_id, row in service.items()}


def assert_matches(actual: dict[str, dict], expected: dict[str, dict], what: str) -> None:
    """Like test_marts.assert_rows_match; the weighted discount within 0.01 point (the mart
    divides in floating point before rounding, this test in exact decimals)."""
    missing, extra = (
        sorted(expected.keys() - actual.keys()),
        sorted(actual.keys() - expected.keys()),
    )
    assert not missing and not extra, f"{what}: missing {missing[:10]}, unexpected {extra[:10]}"
    differences = []
    for relation_id, row in sorted(expected.items()):
        for column, value in row.items():
            got = actual[relation_id][column]
            if column == "weighted_discount_pct" and value is not None and got is not None:
                same = abs(Decimal(str(got)) - value) <= CENT
            else:
                same = reference.normalised(got) == reference.normalised(value)
            if not same:
                differences.append((relation_id, column, got, value))
    assert not differences, (
        f"{what}: {len(differences)} differences (relation, column, mart, expected), "
        f"first: {differences[:10]}"
    )


def expected_summary(per_customer: dict[str, dict]) -> dict[tuple, dict]:
    summary: dict[tuple, dict] = {}
    for row in per_customer.values():
        key = (row["account_manager_id"], row["effective_level"])
        totals = summary.setdefault(key, dict.fromkeys(SUMMARY_SUMS, 0))
        totals["customers"] += 1
        totals["customers_over_entitlement"] += row["is_over_entitlement"]
        totals["customers_over_discount"] += row["lines_over_entitlement"] > 0
        totals["customers_over_terms"] += row["terms_over_entitlement"]
        totals["invoice_lines"] += row["invoice_lines"]
        totals["lines_over_entitlement"] += row["lines_over_entitlement"]
        totals["gross_revenue_12m"] += row["gross_revenue_12m"]
        totals["excess_discount_eur"] += row["excess_discount_eur"]
    return summary


def read_summary(con: duckdb.DuckDBPyConnection) -> dict[tuple, dict]:
    columns = ["salesperson_id", "effective_level", *SUMMARY_SUMS, "excess_share_of_gross"]
    rows = con.execute(
        f"select {', '.join(columns)} from marts.service_level_compliance_summary"
    ).fetchall()
    return {(row[0], row[1]): dict(zip(columns[2:], row[2:], strict=True)) for row in rows}


def check_compliance(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = expected_compliance(con, AS_OF, effective_levels(con, AS_OF))
        actual = reference.by_relation(con, "marts.service_level_compliance", COMPLIANCE_COLUMNS)
        summary = read_summary(con)
    assert_matches(actual, expected, "service_level_compliance")

    # The summary's totals are the sums of the per-customer rows, per salesperson and level.
    wanted = expected_summary(expected)
    assert summary.keys() == wanted.keys()
    for key, totals in wanted.items():
        row = summary[key]
        assert {c: reference.normalised(row[c]) for c in SUMMARY_SUMS} == {
            c: reference.normalised(v) for c, v in totals.items()
        }, key
        if totals["gross_revenue_12m"]:
            share = totals["excess_discount_eur"] / totals["gross_revenue_12m"]
            assert abs(Decimal(str(row["excess_share_of_gross"])) - share) < Decimal("1e-6"), key
        else:
            assert row["excess_share_of_gross"] is None, key
    return expected


# --- 1. the test demo as generated ----------------------------------------------------------


def test_compliance_matches_the_rules_on_the_demo(built_warehouse):
    expected = check_compliance(built_warehouse)
    rows = expected.values()
    # The demo gives away more than some levels allow, and agrees long payment terms.
    assert sum(r["lines_over_entitlement"] for r in rows) > 0
    assert sum(r["excess_discount_eur"] for r in rows) > 0
    assert any(r["terms_over_entitlement"] for r in rows)
    assert any(not r["is_over_entitlement"] and r["invoice_lines"] for r in rows)


# --- 2. a copy with more varied exports, rebuilt with dbt -----------------------------------

# DuckDB on one thread so the random values are the same on every run (the expectation is
# computed from whatever the copy holds, so this only makes a failure reproducible).
VARY_EXPORTS = """
set threads = 1;
select setseed(0.18);
update raw.erp_invoice_lines set
    discount_pct = case
        when random() < 0.08 then null
        when random() < 0.3 then [2.50, 7.50, 15.00][1 + cast(floor(random() * 3) as integer)]
        else cast(round(random() * 20, 2) as decimal(18, 2))
    end,
    quantity = case
        when random() < 0.03 then 0
        else cast(round(quantity * (0.25 + random() * 2), 2) as decimal(18, 2))
    end,
    unit_price = cast(round(unit_price * (0.5 + random()), 2) as decimal(18, 2));
update raw.erp_customers set payment_terms_days = case
    when random() < 0.05 then null
    else [7, 14, 21, 30, 45, 60, 90][1 + cast(floor(random() * 7) as integer)]
end;
create temporary table second_customers as
    select customer_id, customer_id || '-B' as second_id
    from raw.erp_customers
    where random() < 0.2;
insert into raw.erp_customers
    select second_customers.second_id, customers.name, customers.kvk_number,
           customers.crm_relation_id,
           [7, 14, 30, 60, 90][1 + cast(floor(random() * 5) as integer)],
           customers._source_file, customers._source_line
    from raw.erp_customers as customers
    inner join second_customers on customers.customer_id = second_customers.customer_id;
update raw.erp_invoices set customer_id = second_customers.second_id
    from second_customers
    where raw.erp_invoices.customer_id = second_customers.customer_id and random() < 0.5;
"""


@pytest.fixture(scope="module")
def varied_warehouse(built_warehouse, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("compliance_varied")
    warehouse = reference.copy_warehouse(built_warehouse, workdir / "warehouse")
    with duckdb.connect(str(warehouse)) as con:
        for statement in VARY_EXPORTS.split(";"):
            if statement.strip():
                con.execute(statement)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYRAMID_", "DBT_"))}
    env.update(
        PYRAMID_WAREHOUSE=str(warehouse),
        PYRAMID_BUILD_WAREHOUSE=str(warehouse),
        PYRAMID_AS_OF=AS_OF.isoformat(),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
    )
    # Rebuild everything the compliance marts read, then their data tests (the singular
    # tests included): the nightly build's flags, without unit tests.
    selection = ["--select", "+service_level_compliance_summary", "+service_level_results"]
    for args in (
        ["run", *selection],
        ["test", "--select", "service_level_compliance+", "service_level_results",
         "--exclude-resource-type", "unit_test"],
    ):  # fmt: skip
        done = subprocess.run(
            dbt_command(args),
            cwd=DBT_PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return warehouse


def test_compliance_matches_the_rules_on_varied_exports(varied_warehouse):
    expected = check_compliance(varied_warehouse)
    rows = list(expected.values())
    with duckdb.connect(str(varied_warehouse), read_only=True) as con:
        at_max, zero_quantity, no_discount = con.execute(
            """
            select
                count(*) filter (where lines.discount_pct = levels.max_discount_pct),
                count(*) filter (where lines.quantity = 0),
                count(*) filter (where lines.discount_pct is null)
            from raw.erp_invoice_lines as lines
            inner join raw.erp_invoices as invoices on invoices.invoice_id = lines.invoice_id
            inner join intermediate.int_erp_customers_linked as linked
                on linked.customer_id = invoices.customer_id
            inner join marts.service_level_compliance as compliance
                on compliance.relation_id = linked.relation_id
            inner join config.service_level_capacities as levels
                on levels.service_level = compliance.effective_level
            where invoices.invoice_type = 'invoice'
            """
        ).fetchone()
        two_terms = con.execute(
            """
            select count(*) from (
                select relation_id from intermediate.int_erp_customers_linked
                where relation_id is not null
                group by relation_id
                having count(distinct payment_terms_days) > 1
            )
            """
        ).fetchone()[0]
    # The variations the rules have edges for are really in the data.
    assert at_max > 0 and zero_quantity > 0 and no_discount > 0
    assert two_terms > 0
    assert any(r["terms_over_entitlement"] for r in rows)
    assert any(not r["terms_over_entitlement"] and r["agreed_payment_terms_days"] for r in rows)
    assert sum(r["excess_discount_eur"] for r in rows) > 0


# --- 3. results per level (section 12) ------------------------------------------------------


def review_date(period: str) -> dt.date:
    return dt.date(int(period[:4]), 1 if period.endswith("H1") else 7, 1)


def test_results_per_level_match_the_rules(built_warehouse):
    """Per review period and assigned level: relations, revenue in [review date - 6 months,
    review date) and in [review date, as_of], credit notes negative."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        raw = reference.read_raw(con)
        months = int(
            con.execute(
                "select value from marts.rule_parameters where name = 'results_before_months'"
            ).fetchone()[0]
        )
        reviews = con.execute(
            "select relation_id, review_period, assigned_level from marts.service_level_reviews"
        ).fetchall()
        actual = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                """
                select review_period, assigned_level, relation_count, revenue_before_review,
                       revenue_since_review, revenue_change
                from marts.service_level_results
                """
            ).fetchall()
        }
    links = reference.link_customers(raw)
    by_relation: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for invoice_id, customer_id, day, _ in raw.invoices:
        if links.get(customer_id) is not None and day <= AS_OF:
            by_relation[links[customer_id]].append(
                (day, raw.invoice_amounts.get(invoice_id, Decimal(0)))
            )
    expected: dict[tuple, list] = {}
    for relation_id, period, level in reviews:
        start = review_date(period)
        before_start = reference.months_before(start, months)
        totals = expected.setdefault((period, level), [0, Decimal(0), Decimal(0)])
        totals[0] += 1
        for day, amount in by_relation.get(relation_id, []):
            if before_start <= day < start:
                totals[1] += amount
            elif day >= start:
                totals[2] += amount
    assert expected, "the test warehouse has a review"
    assert actual == {
        key: (count, before, since, since - before)
        for key, (count, before, since) in expected.items()
    }
