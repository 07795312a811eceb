"""The campaign page (Campagnes) through AppTest: audience sizes against the marts, the
download recorded in the export log with the hash of exactly the bytes offered, an ad-hoc
selection, managers only; and the profitability section of the service-level page."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pytest

from app import formatting, i18n
from orchestration.audiences import exports, mailing
from tests.test_app import frame_with, open_app, show, sql
from tests.test_app_security import (  # noqa: F401 (fixtures)
    PASSWORDS,
    log_in,
    salespeople,
    users_toml,
    with_users,
)


@pytest.fixture
def warehouse(built_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    monkeypatch.delenv("PYRAMID_USERS_FILE", raising=False)
    return built_warehouse


def logged(tmp_path: Path) -> list[exports.Export]:
    with exports.open_log(f"sqlite:///{tmp_path / 'decisions.sqlite'}") as engine:
        return exports.log(engine)


def sizes(path: Path, audience: str) -> dict:
    return sql(path, "select * from marts.audience_sizes where audience = ?", [audience]).iloc[0]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_page_shows_the_audience_size_with_and_without_consent(warehouse, lang):
    at = show(open_app(lang), "campaigns")
    assert at.title[0].value == i18n.t("page.campaigns", lang)
    assert at.selectbox(key="campaign_audience").value == "suspects_contact_campaign"
    expected = sizes(warehouse, "suspects_contact_campaign")
    shown = {metric.label: metric.value for metric in at.metric}
    for key, column in (
        ("camp.metric.relations", "relation_count"),
        ("camp.metric.contacts", "contact_count"),
        ("camp.metric.consent", "consenting_contact_count"),
        ("camp.metric.no_consent", "contacts_without_consent_count"),
    ):
        assert shown[i18n.t(key, lang)] == formatting.fmt_int(expected[column], lang), key
    assert 0 < expected["consenting_contact_count"] < expected["contact_count"]
    # the list shows the consenting contacts of the audience and nothing else
    listed = frame_with(at, i18n.column("email", lang))
    members = sql(
        warehouse,
        "select contact_id from marts.audience_members where audience = ? "
        "order by relation_id, contact_id",
        ["suspects_contact_campaign"],
    )["contact_id"].tolist()
    assert listed[i18n.column("contact_id", lang)].tolist() == members
    assert i18n.t("audience", lang) not in at.markdown  # no raw keys
    assert at.get("vega_lite_chart")
    # the button offers the list, but only once someone says who downloads (open mode)
    button = at.download_button(key="campaign_download")
    assert button.proto.disabled
    assert any(caption.value == i18n.t("camp.name.needed", lang) for caption in at.caption)


def test_a_download_is_recorded_as_exactly_the_file_offered(warehouse, tmp_path):
    at = show(open_app(), "campaigns")
    at.text_input(key="campaign_name").input("Anna de Vries").run()
    assert not at.download_button(key="campaign_download").proto.disabled
    assert logged(tmp_path) == []  # showing the button records nothing
    _, prepared = at.session_state["campaign_prepared"]
    at.download_button(key="campaign_download").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [export] = logged(tmp_path)
    assert export.audience == "suspects_contact_campaign" and export.file_format == "csv"
    assert export.exported_by == "Anna de Vries"
    assert export.content_sha256 == hashlib.sha256(prepared.content).hexdigest()
    rows = list(csv.DictReader(io.StringIO(prepared.content.decode("utf-8"))))
    assert (
        export.contact_count
        == len(rows)
        == sizes(warehouse, export.audience)["consenting_contact_count"]
    )
    assert export.relation_ids == sorted({row["relation_id"] for row in rows})
    assert any(s.value == i18n.t("camp.recorded", id=export.export_id) for s in at.success)
    log = frame_with(at, i18n.column("exported_by"))
    assert log[i18n.column("exported_by")].tolist() == ["Anna de Vries"]

    # Excel of an ad-hoc selection: the base audience narrowed by a region
    region = sql(warehouse, "select min(region) as r from marts.audience_members")["r"][0]
    at.selectbox(key="campaign_audience").set_value(mailing.AD_HOC_BASE).run()
    at.multiselect(key="campaign_filter_region").set_value([region]).run()
    at.radio(key="campaign_format").set_value("xlsx").run()
    expected = sql(
        warehouse,
        "select count(*) as n from marts.audience_members where audience = ? and region = ?",
        [mailing.AD_HOC_BASE, region],
    )["n"][0]
    assert at.metric[2].value == formatting.fmt_int(expected)
    _, prepared = at.session_state["campaign_prepared"]
    at.download_button(key="campaign_download").click().run()
    second = logged(tmp_path)[-1]
    assert second.file_format == "xlsx" and second.contact_count == expected
    assert second.audience_filters == f'{{"region": ["{region}"]}}'
    assert second.content_sha256 == hashlib.sha256(prepared.content).hexdigest()


def test_a_salesperson_gets_no_campaign_page(
    with_users,  # noqa: F811 (fixture from test_app_security)
    salespeople,  # noqa: F811
):
    at = log_in("sara", PASSWORDS["sara"])
    # not in a salesperson's navigation at all: no link, and no way to switch to it
    with pytest.raises(ValueError, match=r"campaigns\.py"):
        at.switch_page("pages/campaigns.py")
    show(at, "compliance")  # other pages still open
    manager = log_in("anna", PASSWORDS["anna"])
    show(manager, "campaigns")
    assert manager.title[0].value == i18n.t("page.campaigns")
    # a manager is recorded by login name, no name field
    assert not [box for box in manager.text_input if box.key == "campaign_name"]
    assert Path(os.environ["PYRAMID_WAREHOUSE"]).exists()


def test_the_service_level_page_shows_unprofitable_customers_largest_loss_first(warehouse):
    at = show(open_app(), "service_levels")
    assert any(h.value == i18n.t("prof.title") for h in at.subheader)
    shown = frame_with(at, i18n.column("visit_cost_12m"))
    expected = sql(
        warehouse,
        "select relation_id from marts.customer_profitability where is_unprofitable "
        "order by contribution, relation_id",
    )["relation_id"].tolist()
    assert shown[i18n.column("relation_id")].tolist() == expected and expected
    levels = frame_with(at, i18n.column("unprofitable_customers"))
    assert len(levels) >= 4  # a row per pyramid level of the customers
    assert len(at.get("vega_lite_chart")) >= 3
