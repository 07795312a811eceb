"""Campaign audiences (docs/business-rules.md section 15) and customer profitability
(section 16) on the warehouse a real Dagster run built from the test demo:
`python -m orchestration.audiences` against an independent reading of the source CSVs,
the export log in the decisions store, erasure, and the profitability invariants."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from orchestration import forget
from orchestration.audiences import __main__ as cli
from orchestration.audiences import exports, mailing
from orchestration.decisions import store
from tests.harness import AS_OF

AUDIENCE = "suspects_contact_campaign"
DEFAULT_AUDIENCES = {
    "suspects_contact_campaign",
    "reactivation",
    "inactive_satisfaction_survey",
    "open_quote_prospects",
}


@pytest.fixture
def env(built_warehouse, tmp_path, monkeypatch) -> Path:
    """The built warehouse (read-only here) and a decisions store of this test's own."""
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sql(path: Path, statement: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(statement, params or []).df()


# --- an independent reading of the exports ------------------------------------------------
def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "").lstrip("0")


def expected_suspect_contacts(sources: Path) -> pd.DataFrame:
    """The contacts with marketing consent true of the suspects, straight from the CSVs:
    relations never invoiced (an invoice of type invoice up to as_of, of an ERP customer
    linked by CRM relation id, else by a KvK number matching exactly one relation) and
    without two-way contact (a two-way activity type of seeds/activity_types.csv, or a
    quote) up to as_of (docs/business-rules.md sections 1, 2 and 14)."""
    relations = read_csv(sources / "crm" / "relations.csv")
    customers = read_csv(sources / "erp" / "customers.csv")
    invoices = read_csv(sources / "erp" / "invoices.csv")
    activities = read_csv(sources / "crm" / "activities.csv")
    opportunities = read_csv(sources / "crm" / "opportunities.csv")
    contacts = read_csv(sources / "crm" / "contacts.csv")
    types = read_csv(Path(__file__).parent.parent / "seeds" / "activity_types.csv")
    as_of = AS_OF.isoformat()

    by_kvk: dict[str, list[str]] = {}
    for relation_id, kvk in zip(relations["relation_id"], relations["kvk_number"], strict=True):
        if _digits(kvk):
            by_kvk.setdefault(_digits(kvk), []).append(relation_id)
    link = {}
    for customer in customers.to_dict("records"):
        if customer["crm_relation_id"]:
            link[customer["customer_id"]] = customer["crm_relation_id"]
        elif len(by_kvk.get(_digits(customer["kvk_number"]), [])) == 1:
            link[customer["customer_id"]] = by_kvk[_digits(customer["kvk_number"])][0]
    invoiced = {
        link[row["customer_id"]]
        for row in invoices.to_dict("records")
        if row["invoice_type"] == "invoice"
        and row["invoice_date"] <= as_of
        and row["customer_id"] in link
    }
    two_way_types = set(types.loc[types["is_two_way"] == "true", "activity_type"])
    contacted = set(
        activities.loc[
            activities["activity_type"].isin(two_way_types)
            & (activities["occurred_at"].str[:10] <= as_of),
            "relation_id",
        ]
    ) | set(opportunities.loc[opportunities["created_at"].str[:10] <= as_of, "relation_id"])
    suspects = set(relations["relation_id"]) - invoiced - contacted
    of_suspects = contacts[contacts["relation_id"].isin(suspects)]
    return of_suspects


def log_records(capsys) -> list[dict]:
    code, out, err = run(capsys, "log", "--format", "json")
    assert code == 0, err
    return json.loads(out)


# --- must show: the export writes exactly the consenting contacts of the suspects ---------
def test_export_writes_exactly_the_consenting_suspect_contacts_and_logs_it(
    env, demo_sources, capsys
):
    of_suspects = expected_suspect_contacts(demo_sources)
    consenting = of_suspects[of_suspects["marketing_consent"] == "true"]
    refused = of_suspects[of_suspects["marketing_consent"] != "true"]
    # the case the issue asks for: some consented, some did not
    assert len(consenting) > 5 and len(refused) > 5, (len(consenting), len(refused))
    assert (refused["marketing_consent"] == "false").any()

    out = env / "mailing" / "suspects.csv"
    code, stdout, err = run(
        capsys, "export", AUDIENCE, "--by", "anna", "--format", "csv", "--out", str(out)
    )
    assert code == 0, err
    written = out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(written.decode("utf-8"))))
    assert {"relation_id", "contact_id", "email"} <= set(rows[0])
    assert sorted((r["relation_id"], r["contact_id"], r["email"]) for r in rows) == sorted(
        zip(consenting["relation_id"], consenting["contact_id"], consenting["email"], strict=True)
    )
    # nothing but the mailing's fields: no phone, no job title, no consent column
    assert list(rows[0]) == mailing.MAILING_COLUMNS
    assert f"{len(consenting)} contacts" in stdout

    [record] = log_records(capsys)
    assert record["audience"] == AUDIENCE
    assert record["exported_by"] == "anna"
    assert record["contact_count"] == len(consenting)
    assert record["relation_ids"] == sorted(set(consenting["relation_id"]))
    assert record["relation_count"] == len(set(consenting["relation_id"]))
    assert record["file_format"] == "csv" and record["audience_filters"] is None
    assert record["as_of_date"] == AS_OF.isoformat()
    # what is recorded is what was written
    assert record["content_sha256"] == hashlib.sha256(written).hexdigest()


def test_unknown_audience_exits_2_and_records_nothing(env, capsys):
    out = env / "first.csv"
    assert (
        run(capsys, "export", AUDIENCE, "--by", "anna", "--format", "csv", "--out", str(out))[0]
        == 0
    )
    before = log_records(capsys)
    unknown = env / "unknown.csv"
    code, stdout, err = run(
        capsys,
        "export",
        "no_such_audience",
        "--by",
        "anna",
        "--format",
        "csv",
        "--out",
        str(unknown),
    )
    assert code == 2
    assert "unknown audience 'no_such_audience'" in err and AUDIENCE in err
    assert stdout == ""
    assert not unknown.exists() and not list(env.glob(".unknown.csv*"))
    assert log_records(capsys) == before


def test_a_bad_filter_exits_2_and_records_nothing(env, capsys):
    code, _, err = run(
        capsys,
        "export",
        AUDIENCE,
        "--by",
        "anna",
        "--format",
        "csv",
        "--out",
        str(env / "x.csv"),
        "--filter",
        "colour=red",
    )
    assert code == 2 and "unknown filter 'colour'" in err
    assert log_records(capsys) == []


def test_list_shows_the_four_defaults_with_and_without_consent(env, built_warehouse, capsys):
    code, out, err = run(capsys, "list", "--format", "json")
    assert code == 0, err
    listed = {row["audience"]: row for row in json.loads(out)}
    assert set(listed) >= DEFAULT_AUDIENCES
    members = sql(
        built_warehouse,
        "select audience, count(*) as n from marts.audience_members group by all",
    )
    for audience, n in zip(members["audience"], members["n"], strict=True):
        assert listed[audience]["consenting_contact_count"] == n
    for row in listed.values():
        assert row["contact_count"] == (
            row["consenting_contact_count"] + row["contacts_without_consent_count"]
        )
    code, out, _ = run(capsys, "list", "--format", "table")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["audience", "relations", "contacts"]
    assert any(line.startswith(AUDIENCE) for line in out.splitlines())


def test_xlsx_export_and_an_ad_hoc_selection(env, built_warehouse, capsys):
    region = sql(built_warehouse, "select min(region) as r from marts.audience_members")["r"][0]
    out = env / "reactivation.xlsx"
    code, _, err = run(
        capsys,
        "export",
        "reactivation",
        "--by",
        "piet",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--filter",
        f"region={region}",
    )
    assert code == 0, err
    expected = sql(
        built_warehouse,
        "select contact_id from marts.audience_members where audience = 'reactivation' "
        "and region = ? order by relation_id, contact_id",
        [region],
    )
    book = CalamineWorkbook.from_path(str(out))
    [sheet] = book.sheet_names
    rows = book.get_sheet_by_name(sheet).to_python()
    assert len(rows) == len(expected) + 1 > 1
    [record] = log_records(capsys)
    assert json.loads(record["audience_filters"]) == {"region": [region]}
    assert record["contact_count"] == len(expected)
    assert record["content_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_ad_hoc_base_with_a_default_audiences_filters_gives_that_audience(built_warehouse):
    """all_relations narrowed by the seed's filters of a default audience is that audience:
    the page's own selection and the named audiences read the same mart alike."""
    read = mailing.warehouse_reader(built_warehouse)
    named = mailing.mailing_list(read, mailing.Selection("open_quote_prospects"))
    ad_hoc = mailing.mailing_list(
        read,
        mailing.Selection(
            mailing.AD_HOC_BASE, {"relation_kind": ("prospect",), "has_open_quote": True}
        ),
    )
    assert len(named) > 0
    assert named["contact_id"].tolist() == ad_hoc["contact_id"].tolist()
    size = mailing.size(read, mailing.Selection("open_quote_prospects"))
    assert size["consenting_contact_count"] == len(named)


# --- the log in the store ---------------------------------------------------------------
def test_the_log_is_append_only_and_erases_an_exporter(tmp_path):
    url = f"sqlite:///{tmp_path / 'decisions.sqlite'}"
    new = exports.NewExport(
        audience="reactivation",
        file_format="csv",
        exported_by="Jan",
        content_sha256="0" * 64,
        relations={"R2": 1, "R1": 2},
        relation_kinds={"R1": "inactive", "R2": "active"},
    )
    with exports.open_log(url) as engine:
        first = exports.record(engine, new)
        second = exports.record(
            engine, exports.NewExport(**{**new.__dict__, "exported_by": "Piet"})
        )
        with pytest.raises(ValueError, match="xls"):
            exports.record(engine, exports.NewExport(**{**new.__dict__, "file_format": "xls"}))
        logged = exports.log(engine)
        assert [e.export_id for e in logged] == [first, second]
        assert logged[0].relation_ids == ["R1", "R2"] and logged[0].contact_count == 3
        assert exports.erase_exporter(engine, "Jan") == 1
        assert [e.exported_by for e in exports.log(engine)] == [store.ERASED, "Piet"]
        # the decisions table is in the same store, untouched
        assert store.history(engine) == []


# --- erasure: an erased contact is never on a mailing list --------------------------------
def test_an_erased_contact_leaves_every_mailing_list(built_warehouse, tmp_path, monkeypatch):
    published = tmp_path / "warehouse.duckdb"
    build = tmp_path / "build" / "warehouse.duckdb"
    build.parent.mkdir()
    shutil.copyfile(built_warehouse, published)
    shutil.copyfile(built_warehouse, build)
    monkeypatch.setenv("PYRAMID_WAREHOUSE", str(published))
    monkeypatch.setenv("PYRAMID_BUILD_WAREHOUSE", str(build))
    monkeypatch.setenv("PYRAMID_DECISIONS", str(tmp_path / "decisions.sqlite"))
    member = sql(
        published,
        "select contact_id, count(*) as lists from marts.audience_members group by all "
        "order by lists desc, contact_id limit 1",
    )
    contact_id, lists = member["contact_id"][0], int(member["lists"][0])
    assert lists >= 2  # all_relations and a default audience at least
    assert forget.main(["--contact", contact_id]) == 0
    for path in (published, build):
        left = sql(
            path,
            "select count(*) as n from marts.audience_members where contact_id = ?",
            [contact_id],
        )
        assert left["n"][0] == 0, path
    read = mailing.warehouse_reader(published)
    for audience in mailing.audiences(read)["audience"]:
        assert contact_id not in set(
            mailing.mailing_list(read, mailing.Selection(audience))["contact_id"]
        )


# --- profitability ----------------------------------------------------------------------
MONEY_COLUMNS = (
    "revenue_12m",
    "cost_12m",
    "gross_margin_12m",
    "cost_per_visit",
    "excess_discount_eur",
    "cost_to_serve",
    "contribution",
)


def test_profitability_contribution_and_revenue_match_the_abc(built_warehouse):
    # Read as text and compared as Decimal: exact, as the mart's decimals are.
    frame = sql(
        built_warehouse,
        "select relation_id, visits_12m, is_unprofitable, "
        + ", ".join(f"{c}::varchar as {c}" for c in MONEY_COLUMNS)
        + " from marts.customer_profitability",
    )
    for name in MONEY_COLUMNS:
        frame[name] = frame[name].map(Decimal)
    assert len(frame) > 100
    # contribution = gross margin - cost to serve, on every row, in exact decimals
    assert (frame["contribution"] == frame["gross_margin_12m"] - frame["cost_to_serve"]).all()
    assert (frame["gross_margin_12m"] == frame["revenue_12m"] - frame["cost_12m"]).all()
    visit_cost = frame["visits_12m"].map(int) * frame["cost_per_visit"]
    assert (frame["cost_to_serve"] == visit_cost + frame["excess_discount_eur"]).all()
    assert (frame["is_unprofitable"] == (frame["contribution"] < 0)).all()
    assert frame["is_unprofitable"].any() and not frame["is_unprofitable"].all()
    # revenue_12m equals marts.customer_abc for every customer with revenue
    abc = sql(
        built_warehouse,
        "select relation_id, revenue_12m::varchar as revenue_12m from marts.customer_abc",
    )
    abc["revenue_12m"] = abc["revenue_12m"].map(Decimal)
    joined = abc.merge(frame[["relation_id", "revenue_12m"]], on="relation_id", how="outer")
    with_revenue = joined[joined["revenue_12m_x"].notna() | (joined["revenue_12m_y"] > 0)]
    assert len(with_revenue) == len(abc) > 100
    assert (with_revenue["revenue_12m_x"] == with_revenue["revenue_12m_y"]).all()
    # the var reaches marts.rule_parameters
    value = sql(
        built_warehouse, "select value from marts.rule_parameters where name = 'cost_per_visit'"
    )["value"][0]
    assert float(value) == 150 and (frame["cost_per_visit"] == Decimal(150)).all()


def test_demo_contacts_mix_consent_and_lines_carry_cost(demo_sources):
    contacts = read_csv(demo_sources / "crm" / "contacts.csv")
    assert set(contacts["marketing_consent"]) == {"true", "false", ""}
    lines = read_csv(demo_sources / "erp" / "invoice_lines.csv")
    assert (lines["cost_amount"] != "").all()


# --- campaign results through two real refreshes ------------------------------------------
@pytest.mark.slow
def test_campaign_results_count_a_response_and_a_kind_move_after_the_export(
    demo_sources, tmp_path, monkeypatch, capsys
):
    """Refresh, export the suspects, then a call with one exported suspect the day after:
    the next refresh (at a later as_of) counts it as responded and moved up (suspect to
    prospect, from the kind history), a one-way mailing to another as nothing."""
    import datetime as dt

    from tests.harness import pipeline_env, run_job

    sources = tmp_path / "sources"
    shutil.copytree(demo_sources, sources)
    env = pipeline_env(sources, tmp_path / "work")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert run_job(env).success
    code, _, err = run(
        capsys,
        "export",
        AUDIENCE,
        "--by",
        "anna",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "suspects.csv"),
    )
    assert code == 0, err
    [record] = log_records(capsys)
    answered, mailed = record["relation_ids"][:2]
    export_date = dt.datetime.fromisoformat(record["exported_at"]).date()
    later = export_date + dt.timedelta(days=1)
    with (sources / "crm" / "activities.csv").open("a", encoding="utf-8") as out:
        out.write(f"A999999998,{answered},,,call,{later} 10:00:00\n")
        out.write(f"A999999999,{mailed},,,campaign_sent,{later} 10:00:00\n")
    env = pipeline_env(sources, tmp_path / "work", as_of=export_date + dt.timedelta(days=7))
    monkeypatch.setenv("PYRAMID_AS_OF", env["PYRAMID_AS_OF"])
    assert run_job(env).success

    warehouse = Path(env["PYRAMID_WAREHOUSE"])
    [result] = sql(warehouse, "select * from marts.campaign_results").to_dict("records")
    assert result["export_id"] == record["export_id"]
    assert result["relations_exported"] == record["relation_count"]
    assert result["relations_responded"] == 1
    assert result["relations_moved_up"] == 1 and result["suspects_to_prospect"] == 1
    assert result["new_customers"] == 0 and result["reactivated_customers"] == 0
    assert result["response_share"] == pytest.approx(1 / record["relation_count"])
    followed = sql(
        warehouse,
        "select relation_id, kind_at_export, kind_now, has_responded "
        "from intermediate.int_audience_export_relations_followed where has_moved_up",
    ).to_dict("records")
    assert followed == [
        {
            "relation_id": answered,
            "kind_at_export": "suspect",
            "kind_now": "prospect",
            "has_responded": True,
        }
    ]
