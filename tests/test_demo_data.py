"""The demo-data generator: format, contract, determinism and the company it describes.

Every property is computed from the written files (with DuckDB or the csv module), so a
change in the generator that breaks the format or the business realism fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest

from orchestration.demo import __main__ as demo_cli
from orchestration.demo import generate
from orchestration.demo.columns import _Ids
from orchestration.demo.generate import _chunk
from orchestration.demo.relations import _Counters
from orchestration.demo.world import _build_world
from orchestration.ingest.contract import (
    ACTIVITY_TYPES,
    ONE_WAY_ACTIVITY_TYPES,
    OPPORTUNITY_STATUSES,
    RAW_SQL_TYPE,
    SOURCE_TABLES,
    SOURCE_TABLES_BY_NAME,
    SourceTable,
)

END = dt.date(2026, 11, 23)
SEED = 11
SMALL = 300  # format and equivalence checks
LARGE = 2000  # distributions: enough customers for stable shares
DELIMITERS = {"comma": ",", "semicolon": ";"}

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("company")
    return out, generate(out, scale=LARGE, seed=SEED, end_date=END)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, tuple[Path, dict[str, int]]]:
    """The same small company as comma CSV, semicolon CSV and Parquet."""
    result = {}
    for variant, kwargs in {
        "comma": {"dialect": "comma"},
        "semicolon": {"dialect": "semicolon"},
        "parquet": {"file_format": "parquet"},
    }.items():
        out = tmp_path_factory.mktemp(variant)
        result[variant] = (out, generate(out, scale=SMALL, seed=SEED, end_date=END, **kwargs))
    return result


def source_sql(folder: Path, table: SourceTable, variant: str) -> str:
    """A typed DuckDB scan of one source file, strict: any unparsable value fails."""
    if variant == "parquet":
        return f"read_parquet('{folder / table.relative_path}.parquet')"
    columns = {c.name: RAW_SQL_TYPE[c.type].upper() for c in table.columns}
    decimal = "." if variant == "comma" else ","
    return (
        f"read_csv('{folder / table.relative_path}.csv', header=true, auto_detect=false, "
        f"delim='{DELIMITERS[variant]}', quote='\"', escape='\"', nullstr='', "
        f"decimal_separator='{decimal}', columns={columns!r})"
    )


def connect(folder: Path, variant: str = "comma") -> duckdb.DuckDBPyConnection:
    """Views named after the entities (relations, invoices, ...) over typed scans."""
    con = duckdb.connect()
    for table in SOURCE_TABLES:
        con.execute(
            f"create view {table.entity} as select * from {source_sql(folder, table, variant)}"
        )
    con.execute(
        """
        create view linked_customers as
        select c.customer_id, coalesce(by_id.relation_id, by_kvk.relation_id) as relation_id
        from customers as c
        left join relations as by_id on c.crm_relation_id = by_id.relation_id
        left join relations as by_kvk
            on c.crm_relation_id is null and c.kvk_number = by_kvk.kvk_number
        """
    )
    return con


@pytest.fixture(scope="module")
def con(company):
    connection = connect(company[0])
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


# --------------------------------------------------------------------------- format


@pytest.mark.parametrize("variant", ["comma", "semicolon", "parquet"])
def test_one_file_per_contract_table_with_the_contract_columns(small, variant):
    folder, counts = small[variant]
    extension = "parquet" if variant == "parquet" else "csv"
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert found == sorted(f"{t.relative_path}.{extension}" for t in SOURCE_TABLES)
    assert list(counts) == [t.name for t in SOURCE_TABLES]
    with duckdb.connect() as db:
        for table in SOURCE_TABLES:
            path = folder / f"{table.relative_path}.{extension}"
            if variant == "parquet":
                names = [
                    row[0] for row in db.execute(f"describe select * from '{path}'").fetchall()
                ]
                assert tuple(names) == table.column_names
            else:
                raw = path.read_bytes()
                assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
                assert b"\r" not in raw, "\\n line endings only"
                header = raw.split(b"\n", 1)[0].decode()
                assert header == DELIMITERS[variant].join(table.column_names)
            rows = one(db, f"select count(*) from {source_sql(folder, table, variant)}")
            assert rows == counts[table.name] > 0


@pytest.mark.parametrize("variant", ["comma", "semicolon"])
def test_csv_quotes_exactly_the_fields_that_need_it(small, variant):
    """Re-writing the parsed file with minimal quoting reproduces it byte for byte."""
    folder, _ = small[variant]
    delimiter = DELIMITERS[variant]
    quoted_values = []
    for table in SOURCE_TABLES:
        text = (folder / f"{table.relative_path}.csv").read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
        assert buffer.getvalue() == text, table.name
        quoted_values += [v for row in rows for v in row if delimiter in v or '"' in v]
    # The check means something: names with the delimiter and with quotes occur.
    assert any(delimiter in v for v in quoted_values)
    assert any('"' in v for v in quoted_values)


PATTERNS = {
    "comma": {"decimal": r"-?\d+\.\d\d"},
    "semicolon": {"decimal": r"-?\d+,\d\d"},
}
TYPE_PATTERNS = {
    "integer": r"-?\d+",
    "date": r"\d{4}-\d{2}-\d{2}",
    "timestamp": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
    "boolean": r"true|false",
}


@pytest.mark.parametrize("variant", ["comma", "semicolon"])
def test_csv_values_are_written_as_the_contract_says(small, variant):
    folder, _ = small[variant]
    patterns = {**TYPE_PATTERNS, **PATTERNS[variant]}
    for table in SOURCE_TABLES:
        path = folder / f"{table.relative_path}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter=DELIMITERS[variant]))
        for column in table.columns:
            values = [row[column.name] for row in rows]
            present = [v for v in values if v != ""]
            if not column.nullable:
                assert len(present) == len(values), f"{table.name}.{column.name} has empties"
            if column.type in patterns:
                bad = [v for v in present if not re.fullmatch(patterns[column.type], v)]
                assert not bad, f"{table.name}.{column.name}: {bad[:3]}"
            if column.accepted_values:
                assert set(present) <= set(column.accepted_values)
            if present and column.type in ("integer", "decimal"):
                numbers = [float(v.replace(",", ".")) for v in present]
                if column.min_value is not None:
                    assert min(numbers) >= column.min_value, f"{table.name}.{column.name}"
                if column.max_value is not None:
                    assert max(numbers) <= column.max_value, f"{table.name}.{column.name}"
            assert all(v == v.strip() for v in present)


@pytest.mark.parametrize("variant", ["semicolon", "parquet"])
def test_every_variant_holds_the_same_data(small, variant):
    comma, other = connect(small["comma"][0]), connect(small[variant][0], variant)
    try:
        for table in SOURCE_TABLES:
            left = set(comma.execute(f"select * from {table.entity}").fetchall())
            right = set(other.execute(f"select * from {table.entity}").fetchall())
            assert left == right, table.name
    finally:
        comma.close()
        other.close()


def test_parquet_columns_carry_the_contract_types(small):
    folder, _ = small["parquet"]
    expected = {
        "id": "VARCHAR",
        "text": "VARCHAR",
        "integer": "BIGINT",
        "decimal": "DECIMAL(18,2)",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    }
    with duckdb.connect() as db:
        for table in SOURCE_TABLES:
            described = db.execute(
                f"describe select * from '{folder / table.relative_path}.parquet'"
            ).fetchall()
            assert [row[1] for row in described] == [expected[c.type] for c in table.columns]


def test_same_arguments_give_identical_bytes_and_another_seed_does_not(tmp_path):
    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}

    for kwargs in ({"dialect": "semicolon"}, {"file_format": "parquet"}):
        first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
        generate(first, scale=SMALL, seed=3, end_date=END, **kwargs)
        generate(second, scale=SMALL, seed=3, end_date=END, **kwargs)
        generate(third, scale=SMALL, seed=4, end_date=END, **kwargs)
        assert files(first) == files(second)
        differing = [name for name, data in files(first).items() if files(third)[name] != data]
        assert len(differing) == len(SOURCE_TABLES)


def test_switching_format_leaves_one_file_per_table(tmp_path):
    generate(tmp_path, scale=SMALL, seed=1, end_date=END)
    generate(tmp_path, scale=SMALL, seed=1, end_date=END, file_format="parquet")
    assert not list(tmp_path.rglob("*.csv"))
    assert len(list(tmp_path.rglob("*.parquet"))) == len(SOURCE_TABLES)


def test_invalid_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="file_format"):
        generate(tmp_path, scale=SMALL, file_format="xlsx")
    with pytest.raises(ValueError, match="dialect"):
        generate(tmp_path, scale=SMALL, dialect="tab")
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)


def test_even_a_small_company_has_an_unlinked_erp_customer(small):
    with connect(small["comma"][0]) as small_con:
        unlinked = one(
            small_con,
            "select count(*) from linked_customers join invoices using (customer_id) "
            "where relation_id is null",
        )
    assert unlinked > 0


def test_shared_ids_keep_one_width_in_every_table_at_large_scale():
    """With 1,250 salespeople every table writes S0001, never S001 in one and S0001 in
    another (ids are rendered per table and chunk)."""
    world = _build_world(250_000, SEED, END)
    # A chunk whose salespeople happen to be S001-S999 must still write four digits.
    low_ids = _Ids("S", np.array([7, 999]), world.digits["S"])
    assert low_ids.to_arrow(None).to_pylist() == ["S0007", "S0999"]
    tables = _chunk(world, 3, _Counters())
    columns = [
        world.salespeople["salesperson_id"],
        tables["crm_relations"]["account_manager_id"],
        tables["crm_activities"]["salesperson_id"],
        tables["crm_opportunities"]["salesperson_id"],
    ]
    for column in columns:
        ids = [value for value in column.to_arrow(None).to_pylist() if value is not None]
        assert {len(value) for value in ids} == {5}, ids[:3]
    assert {len(v) for v in tables["crm_contacts"]["relation_id"].to_arrow(None).to_pylist()} == {8}


def test_command_line_writes_the_company_and_reports_speed(tmp_path, monkeypatch, capsys):
    # The allocator tuning is process-wide: keep it out of the test process.
    monkeypatch.setattr(demo_cli, "_keep_freed_memory", lambda: None)
    arguments = ["--scale", "250", "--seed", "2", "--end-date", "2026-11-23"]
    arguments += ["--dialect", "semicolon"]
    exit_code = demo_cli.main(["--out", str(tmp_path), *arguments])
    assert exit_code == 0
    printed = capsys.readouterr().out
    assert "erp_invoice_lines" in printed and "per second" in printed
    assert (tmp_path / "erp" / "invoice_lines.csv").read_text().startswith("invoice_id;")


# --------------------------------------------------------------------------- integrity


def test_keys_are_unique_and_every_reference_resolves(con):
    for table in SOURCE_TABLES:
        key = ", ".join(table.key)
        duplicates = one(
            con,
            f"select count(*) from (select {key} from {table.entity} "
            "group by all having count(*) > 1)",
        )
        assert duplicates == 0, table.name
        for column, referenced, referenced_column in table.references:
            target = SOURCE_TABLES_BY_NAME[referenced].entity
            dangling = one(
                con,
                f"select count(*) from {table.entity} where {column} is not null "
                f"and {column} not in (select {referenced_column} from {target})",
            )
            assert dangling == 0, f"{table.name}.{column}"


def test_nothing_is_dated_after_the_end_date_and_history_spans_four_years(con):
    for table in SOURCE_TABLES:
        for column in table.columns:
            # A due date is a promise, not an event: recent invoices fall due later. So is
            # an absence: leave is booked ahead (the visit plan needs it).
            if (
                column.type in ("date", "timestamp")
                and column.name != "due_date"
                and table.entity != "absences"
            ):
                latest = one(con, f"select max({column.name})::date from {table.entity}")
                assert latest <= END, f"{table.name}.{column.name}"
    first, last = con.execute(
        "select min(invoice_date), max(invoice_date) from invoices"
    ).fetchone()
    assert 3.8 <= (last - first).days / 365.25 <= 4.05
    assert (END - last).days <= 7
    assert one(con, "select min(occurred_at)::date from activities") >= END - dt.timedelta(
        days=1462
    )


def test_relations_are_created_before_any_of_their_activities_and_quotes(con):
    for table, column in (("activities", "occurred_at"), ("opportunities", "created_at")):
        early = one(
            con,
            f"select count(*) from {table} join relations using (relation_id) "
            f"where {table}.{column} <= relations.created_at",
        )
        assert early == 0, table


# --------------------------------------------------------------------------- the company


def test_salespeople_per_region_with_realistic_capacity(con, small):
    count, regions, low, high = con.execute(
        "select count(*), count(distinct region), min(visits_per_week), max(visits_per_week) "
        "from salespeople"
    ).fetchone()
    assert count == LARGE // 200 and regions == 7
    assert low >= 8 and high <= 20
    per_person = one(con, "select count(*) from relations") / count
    assert 150 <= per_person <= 250
    # A small company has the minimum of three salespeople, and fewer regions.
    with connect(small["comma"][0]) as small_con:
        assert small_con.execute(
            "select count(*), count(distinct region) from salespeople"
        ).fetchone() == (3, 3)


def test_salespeople_live_in_nl_and_be_and_some_are_away(con, small):
    """The visit plan needs both countries' holidays and a few absences, also in the
    smallest demo; leave crosses a weekend into the next week."""
    small_con = connect(small["comma"][0])
    try:
        for each in (con, small_con):
            countries = {
                row[0] for row in each.execute("select country from salespeople").fetchall()
            }
            assert countries == {"NL", "BE"}
            absences = each.execute("select salesperson_id, date_from, date_to from absences")
            absences = absences.fetchall()
            people = one(each, "select count(*) from salespeople")
            assert people <= len(absences) <= 2 * people
            assert all(start <= end for _, start, end in absences)
            assert any(start.isocalendar()[1] != end.isocalendar()[1] for _, start, end in absences)
    finally:
        small_con.close()
    flemish = con.execute(
        "select distinct country from salespeople "
        "where region in ('Vlaanderen', 'Brussel/Wallonië')"
    ).fetchall()
    assert flemish == [("BE",)]


def test_relations_have_valid_dutch_and_belgian_registrations(con):
    rows = con.execute("select country, kvk_number, postcode from relations").fetchall()
    by_country = {"NL": 0, "BE": 0}
    for country, kvk, postcode in rows:
        by_country[country] += 1
        if country == "NL":
            assert kvk is None or re.fullmatch(r"\d{8}", kvk)
            assert postcode is None or re.fullmatch(r"[1-9]\d{3} [A-Z]{2}", postcode)
        else:
            assert kvk is None or (
                re.fullmatch(r"[01]\d{9}", kvk) and 97 - int(kvk[:8]) % 97 == int(kvk[8:])
            )
            assert postcode is None or re.fullmatch(r"[1-9]\d{3}", postcode)
    assert 0.15 <= by_country["BE"] / len(rows) <= 0.35
    assert one(con, "select count(kvk_number) = count(distinct kvk_number) from relations")


def test_relation_profiles_have_the_expected_gaps_and_ranges(con):
    spend_null, rating_null, unassigned, sectors, min_rating, max_rating = con.execute(
        """
        select avg((estimated_annual_spend is null)::int), avg((relationship_rating is null)::int),
               avg((account_manager_id is null)::int), count(distinct sector),
               min(relationship_rating), max(relationship_rating)
        from relations
        """
    ).fetchone()
    assert 0.10 <= spend_null <= 0.20
    assert 0.25 <= rating_null <= 0.35
    assert 0.005 <= unassigned <= 0.04
    assert sectors >= 10 and (min_rating, max_rating) == (1, 5)
    known = one(con, "select count(*) from relations where sector in ('groothandel', 'bouw', "
                "'horeca', 'zorg', 'industrie', 'retail')")  # fmt: skip
    assert known / one(con, "select count(*) from relations") > 0.5


def relation_kinds(con) -> dict[str, str]:
    """Relation kind per docs/business-rules.md section 2, computed from the files."""
    rows = con.execute(
        f"""
        with last_invoice as (
            select l.relation_id, max(i.invoice_date) as last_date
            from invoices as i join linked_customers as l using (customer_id)
            where i.invoice_type = 'invoice' and l.relation_id is not null
            group by all
        ),
        two_way as (
            select relation_id from activities
            where activity_type not in {ONE_WAY_ACTIVITY_TYPES!r}
            union select relation_id from opportunities
        )
        select r.relation_id,
            case
                when li.last_date > date '{END}' - interval 12 months then 'active'
                when li.last_date > date '{END}' - interval 24 months then 'quiet_active'
                when li.last_date is not null then 'inactive'
                when r.relation_id in (select relation_id from two_way) then 'prospect'
                else 'suspect'
            end
        from relations as r left join last_invoice as li using (relation_id)
        """
    ).fetchall()
    return dict(rows)


def test_relation_kinds_come_in_realistic_shares(con):
    kinds = list(relation_kinds(con).values())
    share = {kind: kinds.count(kind) / len(kinds) for kind in set(kinds)}
    assert 0.28 <= share["active"] <= 0.42
    quiet = share["quiet_active"] + share["inactive"]  # last invoice 12-36 months back
    assert 0.10 <= quiet <= 0.20 and share["quiet_active"] > 0.03 and share["inactive"] > 0.03
    assert 0.18 <= share["prospect"] <= 0.32
    assert 0.18 <= share["suspect"] <= 0.32
    last_dates = con.execute(
        "select max(invoice_date) from invoices join linked_customers using (customer_id) "
        "where relation_id is not null and invoice_type = 'invoice' group by relation_id"
    ).fetchall()
    assert all((END - d).days <= 37 * 31 for (d,) in last_dates)


def test_suspects_were_never_answered_and_some_were_never_reached(con):
    kinds = relation_kinds(con)
    suspects = [r for r, k in kinds.items() if k == "suspect"]
    contacted = dict(
        con.execute(
            "select relation_id, list(distinct activity_type) from activities group by all"
        ).fetchall()
    )
    reached = [r for r in suspects if r in contacted]
    assert 0.3 * len(suspects) <= len(reached) <= 0.7 * len(suspects)
    assert all(set(contacted[r]) <= set(ONE_WAY_ACTIVITY_TYPES) for r in reached)
    quoted = {row[0] for row in con.execute("select relation_id from opportunities").fetchall()}
    assert not quoted & set(suspects)


def test_revenue_follows_pareto(con):
    top_share, customers = con.execute(
        f"""
        with revenue as (
            select l.relation_id, sum(il.amount_excl_vat) as revenue
            from invoice_lines as il
            join invoices as i using (invoice_id)
            join linked_customers as l using (customer_id)
            where l.relation_id is not null and i.invoice_date > date '{END}' - interval 12 months
            group by all having sum(il.amount_excl_vat) > 0
        ),
        ranked as (
            select revenue, row_number() over (order by revenue desc) as rank,
                   count(*) over () as n
            from revenue
        )
        select sum(revenue) filter (where rank <= 0.2 * n) / sum(revenue), max(n) from ranked
        """
    ).fetchone()
    assert customers > 500
    assert top_share >= 0.60


def test_invoice_volume_is_seasonal(con):
    monthly = dict(
        con.execute(
            "select month(invoice_date), count(*) from invoices "
            "where invoice_date between date '2023-01-01' and date '2025-12-31' group by 1"
        ).fetchall()
    )
    summer = (monthly[7] + monthly[8]) / 2
    others = sum(v for m, v in monthly.items() if m not in (7, 8, 12)) / 9
    assert summer < 0.85 * others
    late, early = con.execute(
        "select count(*) filter (where day(invoice_date) >= 24) / 8, "
        "       count(*) filter (where day(invoice_date) < 24) / 23 "
        "from invoices where month(invoice_date) = 12"
    ).fetchone()
    assert late < 0.6 * early
    weekend = one(con, "select avg((dayofweek(invoice_date) in (0, 6))::int) from invoices")
    assert weekend < 0.03


def test_about_one_hundred_invoice_lines_per_relation(company):
    _, counts = company
    assert 70 <= counts["erp_invoice_lines"] / counts["crm_relations"] <= 140


def test_credit_notes_are_a_few_percent_and_negative(con):
    share = one(con, "select avg((invoice_type = 'credit_note')::int) from invoices")
    assert 0.03 <= share <= 0.05
    signs = con.execute(
        """
        select i.invoice_type, min(sign(l.amount_excl_vat)), max(sign(l.amount_excl_vat)),
               min(sign(l.quantity)), max(sign(l.quantity)),
               min(sign(l.cost_amount)), max(sign(l.cost_amount)), min(l.unit_price)
        from invoice_lines as l join invoices as i using (invoice_id) group by all
        """
    ).fetchall()
    for invoice_type, *sign_range, lowest_price in signs:
        expected = -1 if invoice_type == "credit_note" else 1
        assert sign_range == [expected] * 6, invoice_type
        assert lowest_price > 0


def test_line_amounts_follow_quantity_price_and_discount_with_a_margin(con):
    # Exact decimal arithmetic: amount x 100 = quantity x price x (100 - discount),
    # rounded half away from zero to whole cents.
    mismatches, ratio_low, ratio_high, discounted = con.execute(
        """
        select count(*) filter (where amount_excl_vat * 100
                                != round(quantity * unit_price * (100 - discount_pct), 0)),
               min(cost_amount / amount_excl_vat), max(cost_amount / amount_excl_vat),
               avg((discount_pct > 0)::int)
        from invoice_lines
        """
    ).fetchone()
    assert mismatches == 0
    assert ratio_low >= 0.55 and ratio_high <= 0.90
    assert 0.2 <= discounted <= 0.8


def test_payments_are_mostly_on_time_with_late_partial_and_open_invoices(con):
    assert (
        one(
            con,
            "select count(*) from invoices join customers using (customer_id) "
            "where due_date != invoice_date + payment_terms_days::integer",
        )
        == 0
    )
    assert one(con, "select count(distinct payment_terms_days) from customers") == 3
    status = con.execute(
        """
        with totals as (
            select invoice_id, sum(amount_excl_vat) as total from invoice_lines group by all
        ),
        paid as (
            select invoice_id, count(*) as payments, sum(amount) as paid,
                   max(paid_at)::date as last_paid, min(paid_at)::date as first_paid
            from payments group by all
        )
        select i.invoice_id, i.invoice_type, i.invoice_date, i.due_date, t.total,
               coalesce(p.payments, 0), coalesce(p.paid, 0), p.last_paid, p.first_paid
        from invoices as i join totals as t using (invoice_id)
        left join paid as p using (invoice_id)
        """
    ).fetchall()
    invoices = [row for row in status if row[1] == "invoice"]
    assert all(row[5] == 0 for row in status if row[1] == "credit_note"), "credit notes unpaid"
    assert all(row[6] <= row[4] for row in invoices), "never paid more than the total"
    assert all(row[8] is None or row[8] > row[2] for row in invoices), "paid after invoicing"
    once = sum(1 for row in invoices if row[5] == 1 and row[6] == row[4]) / len(invoices)
    late = sum(1 for row in invoices if row[7] and row[7] > row[3]) / len(invoices)
    partial = sum(1 for row in invoices if row[5] and row[6] < row[4]) / len(invoices)
    overdue_open = sum(1 for row in invoices if row[5] == 0 and row[3] < END) / len(invoices)
    assert once >= 0.8
    assert 0.15 <= late <= 0.6
    assert 0.01 <= partial <= 0.1
    assert 0.003 <= overdue_open <= 0.05


def test_a_group_of_customers_pays_habitually_late(con):
    lateness = [
        row[0]
        for row in con.execute(
            """
            select avg(greatest(date_diff('day', i.due_date, p.paid_at::date), 0))
            from payments as p join invoices as i using (invoice_id)
            group by i.customer_id having count(*) >= 3
            """
        ).fetchall()
    ]
    habitual = sum(1 for days in lateness if days > 30) / len(lateness)
    punctual = sum(1 for days in lateness if days <= 3) / len(lateness)
    assert 0.04 <= habitual <= 0.25
    assert punctual >= 0.4


def test_activities_cover_every_type_and_follow_the_account_manager(con):
    types = {
        row[0] for row in con.execute("select distinct activity_type from activities").fetchall()
    }
    assert types == set(ACTIVITY_TYPES)
    by_manager = one(
        con,
        "select avg((a.salesperson_id = r.account_manager_id)::int) from activities as a "
        "join relations as r using (relation_id) "
        "where a.activity_type = 'visit' and r.account_manager_id is not null",
    )
    assert by_manager >= 0.75
    without_contact = one(
        con,
        "select avg((contact_id is null)::int) from activities "
        "where activity_type = 'campaign_sent'",
    )
    assert 0.2 <= without_contact <= 0.8
    office_hours = one(
        con,
        "select avg((hour(occurred_at) between 8 and 17 and dayofweek(occurred_at) between 1 and 5)"
        "::int) from activities where activity_type in ('visit', 'meeting')",
    )
    assert office_hours >= 0.95


def test_larger_customers_are_visited_more_often(con):
    low, high = con.execute(
        f"""
        with revenue as (
            select l.relation_id, sum(il.amount_excl_vat) as revenue
            from invoice_lines as il join invoices as i using (invoice_id)
            join linked_customers as l using (customer_id)
            where l.relation_id is not null and i.invoice_date > date '{END}' - interval 12 months
            group by all
        ),
        visits as (
            select relation_id, count(*) as visits from activities
            where activity_type = 'visit' group by all
        ),
        quartiles as (
            select ntile(4) over (order by revenue) as quartile, coalesce(visits, 0) as visits
            from revenue left join visits using (relation_id)
        )
        select avg(visits) filter (where quartile = 1), avg(visits) filter (where quartile = 4)
        from quartiles
        """
    ).fetchone()
    assert high > 2 * low > 0


def test_opportunities_are_open_won_or_lost_with_consistent_dates(con):
    statuses = {
        row[0] for row in con.execute("select distinct status from opportunities").fetchall()
    }
    assert statuses == set(OPPORTUNITY_STATUSES)
    inconsistent = one(
        con,
        "select count(*) from opportunities where (status = 'open') != (closed_at is null) "
        "or closed_at < created_at",
    )
    assert inconsistent == 0
    kinds = relation_kinds(con)
    per_prospect = con.execute(
        "select relation_id, list(status) from opportunities group by all"
    ).fetchall()
    prospects = {r: s for r, s in per_prospect if kinds[r] == "prospect"}
    assert sum(1 for s in prospects.values() if "open" in s) > 0.2 * LARGE * 0.25
    assert sum(1 for s in prospects.values() if set(s) == {"lost"}) > 0.1 * LARGE * 0.25
    assert not any("won" in s for s in prospects.values())


def test_contact_persons_look_dutch_and_flemish(con):
    kinds = relation_kinds(con)
    counts = dict(con.execute("select relation_id, count(*) from contacts group by all").fetchall())
    for relation, kind in kinds.items():
        n = counts.get(relation, 0)
        if kind == "suspect":
            assert n <= 1
        else:
            assert 1 <= n <= 4, (relation, kind, n)
    rows = con.execute(
        "select first_name, last_name, email, phone, marketing_consent from contacts"
    ).fetchall()
    assert any(re.match(r"(van|de|van der|van den|ter) ", row[1]) for row in rows)
    emails = [row[2] for row in rows if row[2]]
    assert 0.8 <= len(emails) / len(rows) < 1
    assert all(re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*@[a-z0-9-]+\.(nl|be)", e) for e in emails)
    phones = [row[3] for row in rows if row[3]]
    assert all(re.fullmatch(r"\+3[12] \d{1,3} \d{5,8}", p) for p in phones)
    assert all(len(re.sub(r"\D", "", p)) == 11 or p.startswith("+32") for p in phones)
    assert {row[4] for row in rows} >= {True, False}


def test_erp_customers_link_by_id_by_kvk_only_or_not_at_all(con):
    invoiced = one(
        con,
        "select count(distinct relation_id) from linked_customers "
        "join invoices using (customer_id) where relation_id is not null",
    )
    per_relation = con.execute(
        "select max(n), count(*) from (select relation_id, count(*) as n from linked_customers "
        "where relation_id is not null group by all)"
    ).fetchone()
    assert per_relation == (1, invoiced), "one ERP customer per invoiced relation"
    total, kvk_only, orphans, orphan_invoiced = con.execute(
        """
        select count(*),
               avg((c.crm_relation_id is null and l.relation_id is not null)::int),
               count(*) filter (where l.relation_id is null),
               count(*) filter (where l.relation_id is null
                                and c.customer_id in (select customer_id from invoices))
        from customers as c join linked_customers as l using (customer_id)
        """
    ).fetchone()
    assert 0.05 <= kvk_only <= 0.15
    assert 1 <= orphans <= 0.03 * total and orphan_invoiced == orphans
    assert (
        one(
            con,
            "select count(*) from customers where crm_relation_id is null and kvk_number is null",
        )
        == 0
    ), "an unlinked ERP customer still has a KvK number to report"
