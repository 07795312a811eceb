"""The compliance page (Naleving) through AppTest, as a manager and as a salesperson, and
its CSV and Excel downloads. What the page shows is compared with the marts it reads."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from app import formatting, i18n, tables, workbook
from app.data import compliance, scope
from tests.test_app import frame_with, open_app, show, sql
from tests.test_app_security import (  # noqa: F401 (fixtures)
    PASSWORDS,
    log_in,
    own_relations,
    salespeople,
    shown_relations,
    users_toml,
    with_users,
)


@pytest.fixture
def warehouse(built_warehouse, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.delenv("PYRAMID_USERS_FILE", raising=False)
    return built_warehouse


def excess_total(path: Path, where: str = "true", params: list | None = None) -> Decimal:
    total = sql(
        path,
        f"select sum(excess_discount_eur) as e from marts.service_level_compliance where {where}",
        params,
    )["e"].iloc[0]
    return Decimal(str(total))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_manager_sees_the_leak_the_list_and_the_results(warehouse, lang):
    at = show(open_app(lang), "compliance")
    assert at.title[0].value == i18n.t("page.compliance", lang)
    assert at.metric[0].label == i18n.t("cmp.metric.excess", lang)
    assert at.metric[0].value == formatting.fmt_eur(excess_total(warehouse), lang)
    # leak per level, per salesperson, results before/since
    assert len(at.get("vega_lite_chart")) == 3

    # The customers to talk to first: over entitlement, the largest excess first.
    talk = frame_with(at, i18n.column("weighted_discount_pct", lang))
    expected = sql(
        warehouse,
        "select relation_id from marts.service_level_compliance where is_over_entitlement "
        "order by excess_discount_eur desc, relation_id limit 1000",
    )["relation_id"].tolist()
    assert talk[i18n.column("relation_id", lang)].tolist() == expected

    terms = frame_with(at, i18n.column("terms_days_over", lang))
    over = sql(
        warehouse,
        "select count(*) as n from marts.service_level_compliance where terms_over_entitlement",
    )["n"].iloc[0]
    assert len(terms) == min(over, scope.LIST_LIMIT) and over > 0

    # Results per level of the latest review (the test warehouse has 2026-H2).
    results = frame_with(at, i18n.column("revenue_since_review", lang))
    mart = sql(
        warehouse,
        "select assigned_level, revenue_since_review from marts.service_level_results "
        "where review_period = '2026-H2' order by assigned_level",
    )
    assert results[i18n.column("assigned_level", lang)].tolist() == mart["assigned_level"].tolist()
    assert any("2026-H2" in caption.value for caption in at.caption)


def test_a_salesperson_sees_only_their_own_customers_and_no_company_results(
    with_users,  # noqa: F811 (fixture from test_app_security)
    salespeople,  # noqa: F811
):
    warehouse = Path(os.environ["PYRAMID_WAREHOUSE"])
    me = salespeople[0]
    at = log_in("sara", PASSWORDS["sara"])
    show(at, "compliance")
    mine = own_relations(warehouse, me)
    on_page = shown_relations(at)
    assert on_page and on_page <= mine
    assert at.metric[0].value == formatting.fmt_eur(
        excess_total(warehouse, "account_manager_id = ?", [me])
    )
    assert any(info.value == i18n.t("cmp.results.managers_only") for info in at.info)
    assert not any(
        i18n.column("revenue_since_review") in element.value.columns for element in at.dataframe
    )
    # The summary rows (and so the bars per salesperson) are this salesperson's only.
    with scope.scoped(me):
        leak = compliance.leak_by_salesperson()
    assert set(leak["salesperson_id"]) == {me}


def test_downloads_have_dutch_numbers_and_no_names_unless_asked(warehouse):
    scope.set_caching(False)
    try:
        frame = compliance.all_customers(limit=50)
    finally:
        scope.set_caching(True)
    columns = [*compliance.CUSTOMER_COLUMNS, "is_over_entitlement", "account_manager_name"]
    names = set(frame["account_manager_name"].dropna())
    assert names

    text = tables.to_csv(frame, columns, "nl").decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.split(";")[:3] == [
        i18n.column("relation_id", "nl"),
        i18n.column("relation_name", "nl"),
        i18n.column("effective_level", "nl"),
    ]
    assert i18n.column("account_manager_name", "nl") not in header.split(";")
    assert not any(name in text for name in names)
    excess = frame["excess_discount_eur"].iloc[0]
    assert f"{Decimal(str(excess)):.2f}".replace(".", ",") in first

    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook.to_xlsx(frame, columns, "nl")))
    # one sheet per salesperson; the first holds the frame's first row
    assert len(book.sheet_names) == frame["account_manager_id"].nunique(dropna=False)
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == i18n.column("relation_id", "nl")
    assert i18n.column("account_manager_name", "nl") not in rows[0]
    column = rows[0].index(i18n.column("excess_discount_eur", "nl"))
    assert rows[1][column] == pytest.approx(float(excess))  # a number, not text
    assert rows[1][rows[0].index(i18n.column("is_over_entitlement", "nl"))] in ("ja", "nee")

    asked = workbook.to_xlsx(frame, columns, "nl", include_personal=True)
    asked_rows = CalamineWorkbook.from_filelike(io.BytesIO(asked)).get_sheet_by_index(0)
    assert i18n.column("account_manager_name", "nl") in asked_rows.to_python()[0]
