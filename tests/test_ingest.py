"""Tests of ingestion with validation at the door (`orchestration.ingest`).

Every test writes its own small source files under `tmp_path` and loads them into a
real DuckDB file, then reads back what landed in `raw.*`. Most tests are about one file
and load it on its own (`check_parents=False`); the tests under "parents" load parents
first, as the Dagster assets do. The damaged-export corpus is in test_damaged_exports.py.
"""

from __future__ import annotations

import datetime as dt
import mmap
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import (
    LoadResult,
    MissingColumnError,
    ParentNotLoadedError,
    SourceFileError,
    ensure_raw_schema,
    find_optional_source_file,
    find_source_file,
    load_no_file,
    load_table,
)
from orchestration.ingest import files as ingest_module
from orchestration.ingest.contract import (
    ABSENCES,
    ACTIVITIES,
    CONTACTS,
    CUSTOMERS,
    INVOICE_LINES,
    INVOICES,
    RAW_SQL_TYPE,
    RELATIONS,
    SALESPEOPLE,
    SOURCE_TABLES,
    SourceTable,
)

LOADED_AT = dt.datetime(2026, 11, 23, 6, 0, 0)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("SET enable_progress_bar = false")
    yield connection
    connection.close()


def write_source(
    source_dir: Path,
    table: SourceTable,
    text: str,
    *,
    suffix: str = "csv",
    bom: bool = False,
    newline: str = "\n",
) -> Path:
    """Write `text` (lines separated by \\n) as the source file of `table`."""
    path = source_dir / table.system / f"{table.entity}.{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def load(con, table: SourceTable, path: Path, *, check_parents: bool = False) -> LoadResult:
    """Load and check the bookkeeping that must hold after every load."""
    result = load_table(con, table, path, loaded_at=LOADED_AT, check_parents=check_parents)
    assert result.source_file == str(path)
    assert_reconciled(con, table, result)
    return result


def assert_reconciled(con, table: SourceTable, result: LoadResult) -> None:
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    loaded = con.execute(f"SELECT count(*) FROM raw.{table.name}").fetchone()[0]
    rejected = con.execute(
        "SELECT count(*) FROM raw.ingest_rejects WHERE source_table = ?", [table.name]
    ).fetchone()[0]
    assert (loaded, rejected) == (result.rows_loaded, result.rows_rejected)
    assert sum(result.rejects_by_reason.values()) == result.rows_rejected
    reject_files = con.execute(
        "SELECT DISTINCT source_file FROM raw.ingest_rejects WHERE source_table = ?", [table.name]
    ).fetchall()
    assert reject_files == ([(result.source_file,)] if result.rows_rejected else [])
    run = con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, source_file, loaded_at "
        "FROM raw.ingest_runs WHERE source_table = ?",
        [table.name],
    ).fetchall()
    assert run == [
        (result.rows_read, result.rows_loaded, result.rows_rejected, result.source_file, LOADED_AT)
    ]


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def rejects(con, table: SourceTable) -> list[tuple]:
    """(line, column, raw value, reason) of every reject of `table`, by line."""
    return rows(
        con,
        "SELECT line_number, column_name, raw_value, reason FROM raw.ingest_rejects "
        "WHERE source_table = ? ORDER BY line_number",
        [table.name],
    )


# --------------------------------------------------------------------------- dialects

INVOICE_LINES_COMMA = """\
invoice_id,line_number,product_id,product_group,quantity,unit_price,discount_pct,amount_excl_vat,cost_amount
INV1,1,P1,Tools,2,"1,234.50",0,"2,469.00",1800.25
INV1,2,P2,Tools,-1.5,10.005,12.5,-15.01,
INV2,1,,,,,,0.1,
"""

INVOICE_LINES_SEMICOLON = """\
invoice_id;line_number;product_id;product_group;quantity;unit_price;discount_pct;amount_excl_vat;cost_amount
INV1;1;P1;Tools;2;1.234,50;0;2.469,00;1800,25
INV1;2;P2;Tools;-1,5;10,005;12,5;-15,01;
INV2;1;;;;;;0,1;
"""

EXPECTED_INVOICE_LINES = [
    ("INV1", 1, "P1", "Tools", Decimal("2.00"), Decimal("1234.50"), Decimal("0.00"),
     Decimal("2469.00"), Decimal("1800.25"), 2),
    ("INV1", 2, "P2", "Tools", Decimal("-1.50"), Decimal("10.01"), Decimal("12.50"),
     Decimal("-15.01"), None, 3),
    ("INV2", 1, None, None, None, None, None, Decimal("0.10"), None, 4),
]  # fmt: skip


def invoice_lines(con) -> list[tuple]:
    return rows(
        con,
        "SELECT * EXCLUDE (_source_file) FROM raw.erp_invoice_lines "
        "ORDER BY invoice_id, line_number",
    )


def test_both_csv_dialects_load_identical_typed_values(con, tmp_path):
    comma = write_source(tmp_path / "comma", INVOICE_LINES, INVOICE_LINES_COMMA)
    result = load(con, INVOICE_LINES, comma)
    assert (result.delimiter, result.decimal_separator) == (",", ".")
    from_comma = invoice_lines(con)

    semicolon = write_source(tmp_path / "semi", INVOICE_LINES, INVOICE_LINES_SEMICOLON)
    result = load(con, INVOICE_LINES, semicolon)
    assert (result.delimiter, result.decimal_separator) == (";", ",")
    from_semicolon = invoice_lines(con)

    assert from_comma == from_semicolon == EXPECTED_INVOICE_LINES
    assert result.rows_rejected == 0
    assert rows(con, "SELECT DISTINCT _source_file FROM raw.erp_invoice_lines") == [
        (str(semicolon),)
    ]


def test_raw_table_has_contract_columns_typed_in_contract_order(con, tmp_path):
    path = write_source(tmp_path, INVOICE_LINES, INVOICE_LINES_COMMA)
    load(con, INVOICE_LINES, path)
    columns = rows(
        con,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'erp_invoice_lines' "
        "ORDER BY ordinal_position",
    )
    expected = [
        (column.name, RAW_SQL_TYPE[column.type].replace(", ", ",").upper())
        for column in INVOICE_LINES.columns
    ] + [("_source_file", "VARCHAR"), ("_source_line", "BIGINT")]
    assert columns == expected


def test_decimal_comma_dialect_rejects_a_decimal_point(con, tmp_path):
    # In a semicolon file `12.5` is not a valid thousands grouping: ambiguous, so rejected.
    path = write_source(
        tmp_path,
        INVOICE_LINES,
        "invoice_id;line_number;product_id;product_group;quantity;unit_price;discount_pct;"
        "amount_excl_vat;cost_amount\n"
        "INV1;1;;;;;;12.5;\n"
        "INV1;2;;;;;;12.500;\n"
        "INV1;3;;;;;;1.2345,6;\n",
    )
    result = load(con, INVOICE_LINES, path)
    assert rejects(con, INVOICE_LINES) == [
        (2, "amount_excl_vat", "12.5", "not a number"),
        (4, "amount_excl_vat", "1.2345,6", "not a number"),
    ]
    assert rows(con, "SELECT line_number, amount_excl_vat FROM raw.erp_invoice_lines") == [
        (2, Decimal("12500.00"))
    ]
    assert result.rejects_by_reason == {"not a number": 2}


# --------------------------------------------------------------------------- file shapes

RELATIONS_HEADER = (
    "relation_id,name,kvk_number,sector,city,postcode,country,employees,account_manager_id,"
    "estimated_annual_spend,relationship_rating,created_at"
)


def test_bom_and_crlf(con, tmp_path):
    text = (
        RELATIONS_HEADER.replace(",", ";")
        + "\nR1;Bakkerij De Korf;12345678;Food;Utrecht;3511 AB;NL;12;S1;10.000,50;4;2024-03-01"
        + "\nR2;Brouwerij Het Anker;;;Mechelen;2800;BE;;;;;2025-01-31 08:30\n"
    )
    path = write_source(tmp_path, RELATIONS, text, bom=True, newline="\r\n")
    result = load(con, RELATIONS, path)
    assert (result.rows_loaded, result.rows_rejected, result.delimiter) == (2, 0, ";")
    assert rows(
        con,
        "SELECT relation_id, name, estimated_annual_spend, created_at, _source_line "
        "FROM raw.crm_relations ORDER BY relation_id",
    ) == [
        ("R1", "Bakkerij De Korf", Decimal("10000.50"), dt.datetime(2024, 3, 1), 2),
        ("R2", "Brouwerij Het Anker", None, dt.datetime(2025, 1, 31, 8, 30), 3),
    ]


def test_columns_in_another_order_with_extra_column(con, tmp_path):
    text = (
        " Occurred_At ;ACTIVITY_TYPE;Notes;activity_id;relation_id;contact_id;salesperson_id\n"
        "2026-05-04 09:00;visit;first visit;A1;R1;C1;S1\n"
        "2026-05-05T14:15:30.250;call;  ;\tA2\u00a0;R1; ;S1\n"
    )
    path = write_source(tmp_path, ACTIVITIES, text)
    result = load(con, ACTIVITIES, path)
    assert result.extra_columns == ("Notes",)
    assert rows(con, "SELECT extra_columns FROM raw.ingest_runs") == [("Notes",)]
    assert rows(con, "SELECT * EXCLUDE (_source_file) FROM raw.crm_activities ORDER BY 1") == [
        ("A1", "R1", "C1", "S1", "visit", dt.datetime(2026, 5, 4, 9, 0), 2),
        ("A2", "R1", None, "S1", "call", dt.datetime(2026, 5, 5, 14, 15, 30, 250000), 3),
    ]


def test_missing_column_raises_naming_file_and_column(con, tmp_path):
    header_without_created_at = RELATIONS_HEADER.rsplit(",", 1)[0]
    path = write_source(tmp_path, RELATIONS, header_without_created_at + "\n")
    with pytest.raises(MissingColumnError) as error:
        load_table(con, RELATIONS, path)
    message = str(error.value)
    assert str(path) in message
    assert "crm/relations.csv" in message
    assert "'created_at'" in message
    assert "relation_id" in message  # the columns it did find


def test_header_only_file_loads_zero_rows_into_typed_table(con, tmp_path):
    path = write_source(
        tmp_path, INVOICES, "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
    )
    result = load(con, INVOICES, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (0, 0, 0)
    assert rows(
        con,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'erp_invoices' ORDER BY ordinal_position",
    ) == [
        ("invoice_id", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("invoice_date", "DATE"),
        ("due_date", "DATE"),
        ("invoice_type", "VARCHAR"),
        ("_source_file", "VARCHAR"),
        ("_source_line", "BIGINT"),
    ]


def test_empty_file_raises_naming_file(con, tmp_path):
    path = write_source(tmp_path, INVOICES, "")
    with pytest.raises(SourceFileError, match="empty") as error:
        load_table(con, INVOICES, path)
    assert str(path) in str(error.value)


def test_unrecognisable_header_raises(con, tmp_path):
    path = write_source(tmp_path, INVOICES, "a\tb\tc\n1\t2\t3\n")
    with pytest.raises(SourceFileError, match="unreadable header") as error:
        load_table(con, INVOICES, path)
    assert str(path) in str(error.value)


def test_parquet_loads_through_the_same_validation(con, tmp_path):
    path = tmp_path / "erp" / "invoices.parquet"
    path.parent.mkdir(parents=True)
    # Typed columns as pandas would write them (a date as a timestamp at midnight), in
    # another order, with an extra column and one unknown invoice_type.
    con.execute(
        f"""
        COPY (
            SELECT * FROM (VALUES
                ('credit_note', TIMESTAMP '2026-03-01 00:00:00', 'I1', 'C1', DATE '2026-03-31', 1),
                ('invoice', TIMESTAMP '2026-03-02 00:00:00', 'I2', 'C2', NULL, 2),
                ('quote', TIMESTAMP '2026-03-03 00:00:00', 'I3', 'C2', NULL, 3)
            ) AS t(invoice_type, invoice_date, invoice_id, customer_id, due_date, batch)
        ) TO '{path}' (FORMAT parquet)
        """
    )
    result = load(con, INVOICES, path)
    assert (result.file_format, result.delimiter, result.decimal_separator) == (
        "parquet",
        None,
        None,
    )
    assert result.extra_columns == ("batch",)
    assert rows(con, "SELECT * EXCLUDE (_source_file) FROM raw.erp_invoices ORDER BY 1") == [
        ("I1", "C1", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "credit_note", 1),
        ("I2", "C2", dt.date(2026, 3, 2), None, "invoice", 2),
    ]
    assert rejects(con, INVOICES) == [
        (
            3,
            "invoice_type",
            "quote",
            "unknown value 'quote' (expected one of invoice, credit_note)",
        )
    ]


def test_parquet_and_csv_give_identical_values(con, tmp_path):
    csv_path = write_source(tmp_path / "csv", INVOICE_LINES, INVOICE_LINES_COMMA)
    load(con, INVOICE_LINES, csv_path)
    parquet_path = tmp_path / "parquet" / "erp" / "invoice_lines.parquet"
    parquet_path.parent.mkdir(parents=True)
    # Amounts as float64 and line numbers as float64 (pandas with gaps): values survive.
    con.execute(
        f"""
        COPY (
            SELECT invoice_id, line_number::double AS line_number, product_id,
                   product_group, quantity::double AS quantity, unit_price,
                   discount_pct::double AS discount_pct, amount_excl_vat, cost_amount
            FROM raw.erp_invoice_lines ORDER BY _source_line
        ) TO '{parquet_path}' (FORMAT parquet)
        """
    )
    result = load(con, INVOICE_LINES, parquet_path)
    assert result.rows_loaded == 3
    assert invoice_lines(con) == [(*row[:-1], row[-1] - 1) for row in EXPECTED_INVOICE_LINES]


# --------------------------------------------------------------------------- rejects


def test_bad_dates_are_rejected_while_other_rows_load(con, tmp_path):
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2026-01-15,2026-02-14,invoice\n"
        "I2,C1,2026-02-31,,invoice\n"
        "I3,C2,31-12-2026,,invoice\n"
        "I4,C2,2026-04-01,2026-13-01,credit_note\n"
        "I5,C3,1899-12-31,,invoice\n"
        "I6,C3,2026-05-01,,invoice\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    result = load(con, INVOICES, path)
    assert rows(con, "SELECT invoice_id, _source_line FROM raw.erp_invoices ORDER BY 1") == [
        ("I1", 2),
        ("I6", 7),
    ]
    date_reason = "not an ISO date (YYYY-MM-DD)"
    assert rejects(con, INVOICES) == [
        (3, "invoice_date", "2026-02-31", date_reason),
        (4, "invoice_date", "31-12-2026", date_reason),
        (5, "due_date", "2026-13-01", date_reason),
        (6, "invoice_date", "1899-12-31", "implausible date"),
    ]
    assert rows(con, "SELECT DISTINCT source_file FROM raw.ingest_rejects") == [(str(path),)]
    assert result.rejects_by_reason == {date_reason: 3, "implausible date": 1}


def test_future_dated_invoice_is_loaded(con, tmp_path):
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2030-06-30,2030-07-30,invoice\n"
        "I2,C1,2101-01-01,,invoice\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    load(con, INVOICES, path)
    assert rows(con, "SELECT invoice_id, invoice_date FROM raw.erp_invoices") == [
        ("I1", dt.date(2030, 6, 30))
    ]
    assert rejects(con, INVOICES) == [(3, "invoice_date", "2101-01-01", "implausible date")]


def test_non_number_amount_is_rejected(con, tmp_path):
    text = INVOICE_LINES_COMMA + "INV3,1,,,,,,twelve euro,\nINV3,2,,,,,,-,\nINV3,3,,,,,,,\n"
    path = write_source(tmp_path, INVOICE_LINES, text)
    load(con, INVOICE_LINES, path)
    assert rejects(con, INVOICE_LINES) == [
        (5, "amount_excl_vat", "twelve euro", "not a number"),
        (6, "amount_excl_vat", "-", "not a number"),
        (7, "amount_excl_vat", None, "missing value"),
    ]
    assert invoice_lines(con) == EXPECTED_INVOICE_LINES


def test_duplicate_key_keeps_first_occurrence(con, tmp_path):
    text = (
        RELATIONS_HEADER
        + "\nR1,First,,,,,,,,,,2024-01-01"
        + "\nR2,Other,,,,,,,,,,2024-01-01"
        + "\nR1,Second,,,,,,,,,,2024-01-02"
        + "\n R1 ,Third,,,,,,,,,,2024-01-03\n"
    )
    path = write_source(tmp_path, RELATIONS, text)
    result = load(con, RELATIONS, path)
    assert rows(con, "SELECT relation_id, name FROM raw.crm_relations ORDER BY 1") == [
        ("R1", "First"),
        ("R2", "Other"),
    ]
    assert rejects(con, RELATIONS) == [
        (4, "relation_id", "R1", "duplicate key"),
        (5, "relation_id", "R1", "duplicate key"),
    ]
    assert result.rejects_by_reason == {"duplicate key": 2}


def test_composite_key_duplicates(con, tmp_path):
    text = INVOICE_LINES_COMMA + "INV1,2,P9,,,,,1,\nINV2,2,,,,,,5,\n"
    path = write_source(tmp_path, INVOICE_LINES, text)
    load(con, INVOICE_LINES, path)
    assert rejects(con, INVOICE_LINES) == [
        (5, "invoice_id, line_number", "INV1, 2", "duplicate key")
    ]
    assert rows(con, "SELECT count(*) FROM raw.erp_invoice_lines") == [(4,)]


def test_duplicate_of_a_rejected_row_is_loaded(con, tmp_path):
    # The first R1 is broken; the valid second one is the first that can be loaded.
    text = RELATIONS_HEADER + "\nR1,Broken,,,,,,,,,,not a date" + "\nR1,Valid,,,,,,,,,,2024-01-01\n"
    path = write_source(tmp_path, RELATIONS, text)
    load(con, RELATIONS, path)
    assert rows(con, "SELECT name, _source_line FROM raw.crm_relations") == [("Valid", 3)]
    assert rejects(con, RELATIONS) == [(2, "created_at", "not a date", "not an ISO timestamp")]


def test_unknown_activity_type_is_rejected(con, tmp_path):
    text = (
        "activity_id,relation_id,contact_id,salesperson_id,activity_type,occurred_at\n"
        "A1,R1,,,visit,2026-01-05\n"
        "A2,R1,,,Visit,2026-01-06\n"
        "A3,R1,,,phone,2026-01-07\n"
        "A4,R1,,, email_in ,2026-01-08\n"
        "A5,R1,,,,2026-01-09\n"
    )
    path = write_source(tmp_path, ACTIVITIES, text)
    result = load(con, ACTIVITIES, path)
    expected = (
        "(expected one of visit, call, meeting, seminar, trade_fair, web_form, campaign_sent, "
        "campaign_response, email_out, email_in)"
    )
    assert rejects(con, ACTIVITIES) == [
        (3, "activity_type", "Visit", f"unknown value 'Visit' {expected}"),
        (4, "activity_type", "phone", f"unknown value 'phone' {expected}"),
        (6, "activity_type", None, "missing value"),
    ]
    assert rows(con, "SELECT activity_id, activity_type FROM raw.crm_activities ORDER BY 1") == [
        ("A1", "visit"),
        ("A4", "email_in"),
    ]
    assert result.rejects_by_reason == {"unknown value": 2, "missing value": 1}


def test_out_of_range_rating_and_bad_integers_are_rejected(con, tmp_path):
    text = (
        RELATIONS_HEADER
        + "\nR1,A,,,,,,10,,,5,2024-01-01"
        + "\nR2,B,,,,,,,,,6,2024-01-01"
        + "\nR3,C,,,,,,,,,0,2024-01-01"
        + "\nR4,D,,,,,,-1,,,3,2024-01-01"
        + "\nR5,E,,,,,,12.0,,,3,2024-01-01"
        + "\nR6,F,,,,,,99999999999999999999,,,3,2024-01-01"
        + "\nR7,G,,,,,,,,-5,3,2024-01-01\n"
    )
    path = write_source(tmp_path, RELATIONS, text)
    load(con, RELATIONS, path)
    assert rows(
        con, "SELECT relation_id, employees, relationship_rating FROM raw.crm_relations"
    ) == [("R1", 10, 5)]
    assert rejects(con, RELATIONS) == [
        (3, "relationship_rating", "6", "out of range"),
        (4, "relationship_rating", "0", "out of range"),
        (5, "employees", "-1", "out of range"),
        (6, "employees", "12.0", "not an integer"),
        (7, "employees", "99999999999999999999", "out of range"),
        (8, "estimated_annual_spend", "-5", "out of range"),
    ]


def test_first_failing_column_in_contract_order_is_reported(con, tmp_path):
    # Both name (missing) and created_at (bad) fail: name comes first in the contract,
    # even though created_at comes first in this file.
    text = "created_at,relation_id,name," + ",".join(RELATIONS.column_names[2:-1]) + "\n"
    text += "yesterday,R1,,,,,,,,,,\n"
    path = write_source(tmp_path, RELATIONS, text)
    load(con, RELATIONS, path)
    assert rejects(con, RELATIONS) == [(2, "name", None, "missing value")]


def test_booleans_and_timestamps(con, tmp_path):
    text = (
        "contact_id,relation_id,first_name,last_name,email,phone,job_title,marketing_consent\n"
        "K1,R1,Anna,,,,,ja\n"
        "K2,R1,,,,,,NEE\n"
        "K3,R1,,,,,,True\n"
        "K4,R1,,,,,,0\n"
        "K5,R1,,,,,,\n"
        "K6,R1,,,,,,misschien\n"
    )
    path = write_source(tmp_path, CONTACTS, text)
    load(con, CONTACTS, path)
    assert rows(con, "SELECT contact_id, marketing_consent FROM raw.crm_contacts ORDER BY 1") == [
        ("K1", True),
        ("K2", False),
        ("K3", True),
        ("K4", False),
        ("K5", None),
    ]
    assert rejects(con, CONTACTS) == [(7, "marketing_consent", "misschien", "not a boolean")]

    text = (
        "activity_id,relation_id,contact_id,salesperson_id,activity_type,occurred_at\n"
        "A1,R1,,,visit,2026-01-05T24:00\n"
        "A2,R1,,,visit,2026-01-05 9:00\n"
        "A3,R1,,,visit,2026-01-05 23:59:59.999\n"
        "A4,R1,,,visit,9999-01-01\n"
    )
    path = write_source(tmp_path, ACTIVITIES, text)
    load(con, ACTIVITIES, path)
    assert rows(con, "SELECT activity_id, occurred_at FROM raw.crm_activities") == [
        ("A3", dt.datetime(2026, 1, 5, 23, 59, 59, 999000))
    ]
    assert rejects(con, ACTIVITIES) == [
        (2, "occurred_at", "2026-01-05T24:00", "not an ISO timestamp"),
        (3, "occurred_at", "2026-01-05 9:00", "not an ISO timestamp"),
        (5, "occurred_at", "9999-01-01", "implausible date"),
    ]


def test_values_duckdb_casts_leniently_are_judged_by_the_contract(con, tmp_path):
    # A number equal to its own cast back to text skips the format check
    # (validation._canonical_first); every other form DuckDB's casts would also accept
    # must still be judged by the strict format. So must the texts DuckDB itself writes
    # for odd dates and timestamps (infinity, BC), should dates ever take that path.
    text = (
        "invoice_id,line_number,product_id,product_group,quantity,unit_price,discount_pct,"
        "amount_excl_vat,cost_amount\n"
        "I1,1,,,,,,46.06,\n"  # canonical
        "I1,2,,,,,,-0.50,\n"  # canonical
        "I1,3,,,,,,46.1,\n"  # strict path, accepted
        "I1,+4,,,,,,7,\n"  # strict path, accepted (line 4)
        "I1,005,,,,,,+7.25,\n"  # strict path, accepted (line 5)
        "I1,6,,,,,,.5,\n"
        "I1,7,,,,,,5.,\n"
        "I1,8,,,,,,1e3,\n"
        "I1,9,,,,,,1_000,\n"
        "I1,1e1,,,,,,1.00,\n"
        "I1,0x10,,,,,,1.00,\n"
        "I1,1_1,,,,,,1.00,\n"
        "I1,13.0,,,,,,1.00,\n"
    )
    path = write_source(tmp_path, INVOICE_LINES, text)
    load(con, INVOICE_LINES, path)
    assert rows(
        con, "SELECT line_number, amount_excl_vat FROM raw.erp_invoice_lines ORDER BY 1"
    ) == [
        (1, Decimal("46.06")),
        (2, Decimal("-0.50")),
        (3, Decimal("46.10")),
        (4, Decimal("7.00")),
        (5, Decimal("7.25")),
    ]
    assert rejects(con, INVOICE_LINES) == [
        (7, "amount_excl_vat", ".5", "not a number"),
        (8, "amount_excl_vat", "5.", "not a number"),
        (9, "amount_excl_vat", "1e3", "not a number"),
        (10, "amount_excl_vat", "1_000", "not a number"),
        (11, "line_number", "1e1", "not an integer"),
        (12, "line_number", "0x10", "not an integer"),
        (13, "line_number", "1_1", "not an integer"),
        (14, "line_number", "13.0", "not an integer"),
    ]

    date_reason = "not an ISO date (YYYY-MM-DD)"
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2026-04-01,,invoice\n"
        "I2,C1,infinity,,invoice\n"
        "I3,C1,-infinity,,invoice\n"
        "I4,C1,0044-03-15 (BC),,invoice\n"
        "I5,C1,10000-01-01,,invoice\n"
        "I6,C1,2026-4-1,,invoice\n"
        "I7,C1,2026/04/01,,invoice\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    load(con, INVOICES, path)
    assert rows(con, "SELECT invoice_id FROM raw.erp_invoices") == [("I1",)]
    assert rejects(con, INVOICES) == [
        (line, "invoice_date", value, date_reason)
        for line, value in [
            (3, "infinity"),
            (4, "-infinity"),
            (5, "0044-03-15 (BC)"),
            (6, "10000-01-01"),
            (7, "2026-4-1"),
            (8, "2026/04/01"),
        ]
    ]

    text = (
        "activity_id,relation_id,contact_id,salesperson_id,activity_type,occurred_at\n"
        "A1,R1,,,visit,2026-01-05 10:00:00\n"
        "A2,R1,,,visit,infinity\n"
        "A3,R1,,,visit,2026-01-05 10:00:00 (BC)\n"
        "A4,R1,,,visit,10000-01-05 10:00:00\n"
        "A5,R1,,,visit,2026-01-05 10:00:00.5\n"
    )
    path = write_source(tmp_path, ACTIVITIES, text)
    load(con, ACTIVITIES, path)
    assert rows(con, "SELECT activity_id FROM raw.crm_activities ORDER BY 1") == [
        ("A1",),
        ("A5",),
    ]
    assert [reject[2:] for reject in rejects(con, ACTIVITIES)] == [
        ("infinity", "not an ISO timestamp"),
        ("2026-01-05 10:00:00 (BC)", "not an ISO timestamp"),
        ("10000-01-05 10:00:00", "not an ISO timestamp"),
    ]


def test_malformed_rows_are_rejected_with_their_line(con, tmp_path):
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2026-01-15,,invoice\n"
        "I2,C1,2026-01-16,,invoice,surplus\n"
        "I3,C1\n"
        "I4,C1,2026-01-18,,credit_note\n"
        "I5,C1,2026-01-19,,bogus\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    result = load(con, INVOICES, path)
    assert rows(con, "SELECT invoice_id, _source_line FROM raw.erp_invoices ORDER BY 1") == [
        ("I1", 2),
        ("I4", 5),
    ]
    found = rejects(con, INVOICES)
    assert [(line, column, value) for line, column, value, _ in found] == [
        (3, None, "I2,C1,2026-01-16,,invoice,surplus"),
        (4, None, "I3,C1"),
        (6, "invoice_type", "bogus"),
    ]
    assert found[0][3].startswith("malformed row: too many columns")
    assert found[1][3].startswith("malformed row: missing columns")
    assert result.rejects_by_reason == {"malformed row": 2, "unknown value": 1}


# --------------------------------------------------------------------------- parents


CUSTOMERS_CSV = "customer_id,name,kvk_number,crm_relation_id,payment_terms_days\nD1,A,,,\n"


def test_rows_without_their_parent_are_rejected_and_rejected_parents_cascade(con, tmp_path):
    load(con, CUSTOMERS, write_source(tmp_path, CUSTOMERS, CUSTOMERS_CSV))
    invoices = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "F1,D1,2026-01-15,,invoice\n"
        "F2,D1,2026-02-31,,invoice\n"  # rejected for its date: its lines lose their parent
        "F3,D9,2026-01-16,,invoice\n"
    )
    result = load(con, INVOICES, write_source(tmp_path, INVOICES, invoices), check_parents=True)
    assert rejects(con, INVOICES) == [
        (3, "invoice_date", "2026-02-31", "not an ISO date (YYYY-MM-DD)"),
        (4, "customer_id", "D9", "unknown customer_id: not in erp/customers"),
    ]
    assert result.rejects_by_reason == {
        "not an ISO date (YYYY-MM-DD)": 1,
        "unknown customer_id": 1,
    }
    lines = INVOICE_LINES_COMMA.replace("INV1", "F1").replace("INV2", "F2") + "F3,1,,,,,,1,\n"
    load(con, INVOICE_LINES, write_source(tmp_path, INVOICE_LINES, lines), check_parents=True)
    assert rejects(con, INVOICE_LINES) == [
        (4, "invoice_id", "F2", "unknown invoice_id: not in erp/invoices"),
        (5, "invoice_id", "F3", "unknown invoice_id: not in erp/invoices"),
    ]
    assert rows(con, "SELECT invoice_id, line_number FROM raw.erp_invoice_lines") == [
        ("F1", 1),
        ("F1", 2),
    ]


def test_a_duplicate_of_an_orphan_is_not_counted_twice(con, tmp_path):
    load(con, RELATIONS, write_source(tmp_path, RELATIONS, RELATIONS_HEADER + "\n"))
    text = (
        "contact_id,relation_id,first_name,last_name,email,phone,job_title,marketing_consent\n"
        "K1,R9,,,,,,\n"
        "K1,R9,,,,,,\n"
    )
    result = load(con, CONTACTS, write_source(tmp_path, CONTACTS, text), check_parents=True)
    assert (result.rows_loaded, result.rows_rejected) == (0, 2)
    assert {reason for *_, reason in rejects(con, CONTACTS)} == {
        "unknown relation_id: not in crm/relations"
    }


def test_loading_a_child_before_its_parent_raises(con, tmp_path):
    path = write_source(tmp_path, INVOICE_LINES, INVOICE_LINES_COMMA)
    with pytest.raises(ParentNotLoadedError, match="load erp/invoices first"):
        load_table(con, INVOICE_LINES, path)
    assert rows(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == [(0,)]


def test_ingestion_assets_depend_on_their_parents():
    from orchestration.defs.ingestion import ingestion_assets

    deps = {}
    for asset in ingestion_assets:
        (key,) = asset.keys
        deps[key.to_user_string()] = sorted(dep.to_user_string() for dep in asset.asset_deps[key])
    assert deps == {
        "crm/salespeople": [],
        "crm/absences": ["crm/salespeople"],
        "crm/relations": [],
        "crm/contacts": ["crm/relations"],
        "crm/activities": ["crm/relations"],
        "crm/opportunities": ["crm/relations"],
        "erp/customers": [],
        "erp/invoices": ["erp/customers"],
        "erp/invoice_lines": ["erp/invoices"],
        "erp/payments": ["erp/invoices"],
    }
    # Every parent comes before its children in the contract, the order of a plain loop.
    order = [table.name for table in SOURCE_TABLES]
    for table in SOURCE_TABLES:
        for _, parent, _ in table.parent_references:
            assert order.index(parent) < order.index(table.name)


# --------------------------------------------------------------------------- encodings


def test_windows_1252_is_read_with_its_own_euro_sign_and_quotes(con, tmp_path):
    name = "Bakkerij \u2018t Hoekje \u2013 \u20ac 5"  # curly quote, en dash, euro sign
    text = RELATIONS_HEADER + f"\nR1,{name},,,Li\u00e8ge,,,,,,,2024-01-01\n"
    path = write_source(tmp_path, RELATIONS, "")
    path.write_bytes(text.encode("cp1252"))
    result = load(con, RELATIONS, path)
    assert result.encoding == "windows-1252"
    assert rows(con, "SELECT name, city FROM raw.crm_relations") == [(name, "Li\u00e8ge")]
    assert rows(con, "SELECT encoding FROM raw.ingest_runs") == [("windows-1252",)]


def test_utf16_is_refused(con, tmp_path):
    path = write_source(tmp_path, RELATIONS, "")
    path.write_bytes((RELATIONS_HEADER + "\n").encode("utf-16"))
    with pytest.raises(SourceFileError, match="UTF-16") as error:
        load_table(con, RELATIONS, path)
    assert str(path) in str(error.value)


def test_ingest_runs_of_an_older_warehouse_gain_the_encoding_column(con, tmp_path):
    con.execute("CREATE SCHEMA raw")
    con.execute(
        "CREATE TABLE raw.ingest_runs (source_table varchar NOT NULL, source_file varchar "
        "NOT NULL, file_format varchar NOT NULL, delimiter varchar, decimal_separator "
        "varchar, rows_read bigint NOT NULL, rows_loaded bigint NOT NULL, rows_rejected "
        "bigint NOT NULL, extra_columns varchar, loaded_at timestamp NOT NULL)"
    )
    con.execute(
        "INSERT INTO raw.ingest_runs VALUES ('x', 'f', 'csv', ',', '.', 0, 0, 0, '', now())"
    )
    load(con, RELATIONS, write_source(tmp_path, RELATIONS, RELATIONS_HEADER + "\n"))
    assert rows(con, "SELECT source_table, encoding FROM raw.ingest_runs ORDER BY 1") == [
        ("crm_relations", "utf-8"),
        ("x", None),
    ]


# --------------------------------------------------------------------------- runs


def test_reloading_the_same_file_gives_identical_tables(con, tmp_path):
    text = (
        RELATIONS_HEADER
        + "\nR1,A,,,,,,,,,,2024-01-01"
        + "\nR1,B,,,,,,,,,,2024-01-01"
        + "\nR2,C,,,,,,,,,9,2024-01-01"
        + "\nR3,D,,,,,,,,,2,2024-01-01\n"
    )
    path = write_source(tmp_path, RELATIONS, text)
    first = load(con, RELATIONS, path)
    raw_first = rows(con, "SELECT * FROM raw.crm_relations ORDER BY _source_line")
    rejects_first = rows(con, "SELECT * FROM raw.ingest_rejects ORDER BY line_number")
    second = load(con, RELATIONS, path)
    assert rows(con, "SELECT * FROM raw.crm_relations ORDER BY _source_line") == raw_first
    assert rows(con, "SELECT * FROM raw.ingest_rejects ORDER BY line_number") == rejects_first
    assert len(rejects_first) == 2
    assert first == second
    assert rows(con, "SELECT count(*) FROM raw.ingest_runs") == [(1,)]


def test_reload_replaces_only_that_tables_rejects(con, tmp_path):
    bad_relation = RELATIONS_HEADER + "\nR1,,,,,,,,,,,2024-01-01\n"
    load(con, RELATIONS, write_source(tmp_path / "a", RELATIONS, bad_relation))
    bad_invoice = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\nI1,C1,2026-13-13,,invoice\n"
    )
    load(con, INVOICES, write_source(tmp_path / "a", INVOICES, bad_invoice))
    fixed = RELATIONS_HEADER + "\nR1,Fixed,,,,,,,,,,2024-01-01\n"
    load(con, RELATIONS, write_source(tmp_path / "b", RELATIONS, fixed))
    assert rows(con, "SELECT source_table, line_number FROM raw.ingest_rejects") == [
        ("erp_invoices", 2)
    ]
    assert rows(con, "SELECT source_table FROM raw.ingest_runs ORDER BY 1") == [
        ("crm_relations",),
        ("erp_invoices",),
    ]


def test_failed_load_leaves_previous_tables_intact(con, tmp_path):
    good = RELATIONS_HEADER + "\nR1,A,,,,,,,,,,2024-01-01\nR2,B,,,,,,,,,,2024-01-01\n"
    path = write_source(tmp_path, RELATIONS, good)
    load(con, RELATIONS, path)
    before = rows(con, "SELECT * FROM raw.crm_relations ORDER BY 1")
    runs_before = rows(con, "SELECT * FROM raw.ingest_runs")

    # An unclosed quote is found inside the transaction, after the file was read.
    path.write_text(RELATIONS_HEADER + '\nR1,"Café Liège,,,,,,,,,,2024-01-01\nR2,B\n')
    with pytest.raises(SourceFileError, match="not closed") as error:
        load_table(con, RELATIONS, path)
    assert str(path) in str(error.value)
    assert rows(con, "SELECT * FROM raw.crm_relations ORDER BY 1") == before
    assert rows(con, "SELECT * FROM raw.ingest_runs") == runs_before
    assert rows(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == [(0,)]


def test_unclosed_quote_fails_the_file_instead_of_swallowing_it(con, tmp_path):
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2026-01-15,,invoice\n"
        'I2,"C1,2026-01-16,,invoice\n'
        "I3,C1,2026-01-17,,invoice\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    with pytest.raises(SourceFileError, match="line 3 opens a quoted value") as error:
        load_table(con, INVOICES, path, check_parents=False)
    assert str(path) in str(error.value)


def test_mixed_line_endings_fail_the_file(con, tmp_path):
    text = (
        "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
        "I1,C1,2026-01-15,,invoice\r\n"
        "I2,C1,2026-01-16,,invoice\n"
    )
    path = write_source(tmp_path, INVOICES, text)
    with pytest.raises(SourceFileError, match="line endings") as error:
        load_table(con, INVOICES, path, check_parents=False)
    assert str(path) in str(error.value)


def test_aware_loaded_at_is_stored_as_utc(con, tmp_path):
    path = write_source(
        tmp_path, INVOICES, "invoice_id,customer_id,invoice_date,due_date,invoice_type\n"
    )
    amsterdam_winter = dt.timezone(dt.timedelta(hours=1))
    loaded_at = dt.datetime(2026, 11, 23, 7, 0, tzinfo=amsterdam_winter)
    result = load_table(con, INVOICES, path, loaded_at=loaded_at, check_parents=False)
    assert result.loaded_at == loaded_at
    assert rows(con, "SELECT loaded_at FROM raw.ingest_runs") == [
        (dt.datetime(2026, 11, 23, 6, 0),)
    ]


def test_ensure_raw_schema_is_idempotent(con):
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    assert rows(
        con,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1",
    ) == [
        ("audience_export_relations",),
        ("audience_exports",),
        ("decisions",),
        ("ingest_rejects",),
        ("ingest_runs",),
        ("public_holidays",),
    ]


# --------------------------------------------------------------------------- finding files


def test_find_source_file(tmp_path):
    write_source(tmp_path, RELATIONS, RELATIONS_HEADER + "\n", suffix="CSV")
    assert find_source_file(tmp_path, RELATIONS) == tmp_path / "crm" / "relations.CSV"

    with pytest.raises(SourceFileError, match=r"crm/contacts\.csv or crm/contacts\.parquet"):
        find_source_file(tmp_path, CONTACTS)

    write_source(tmp_path, RELATIONS, "", suffix="parquet")
    with pytest.raises(SourceFileError, match="more than one") as error:
        find_source_file(tmp_path, RELATIONS)
    assert "relations.CSV" in str(error.value)
    assert "relations.parquet" in str(error.value)


@pytest.mark.parametrize("ends_with_break", [True, False])
def test_line_count_across_mapped_windows(tmp_path, monkeypatch, ends_with_break):
    """Lines are counted window by window (a big export never maps whole into memory):
    lines crossing a window edge, and a quote only in the last window, still count."""
    monkeypatch.setattr(ingest_module, "_COUNT_WINDOW_BYTES", mmap.ALLOCATIONGRANULARITY)
    lines = [f"{i},{'x' * (i % 97)}" for i in range(1, 3000)]
    text = "\n".join(lines) + ("\n" if ends_with_break else "")
    path = tmp_path / "plain.csv"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 3 * mmap.ALLOCATIONGRANULARITY
    assert ingest_module._count_lines(path) == len(lines)
    assert ingest_module._count_lines(path, quoted_only=True) is None

    quoted = tmp_path / "quoted.csv"
    quoted.write_text(text + '"a\nb"', encoding="utf-8")
    expected = len(lines) + 1 + int(ends_with_break)
    assert ingest_module._count_lines(quoted, quoted_only=True) == expected


# --- optional columns and files (the visit plan's salespeople.country and crm/absences) ---


def test_a_column_that_may_be_left_out_is_read_as_empty(con, tmp_path):
    path = write_source(
        tmp_path,
        SALESPEOPLE,
        "salesperson_id,name,email,region,visits_per_week\nS1,Anna,,,10\nS2,Bram,,,8\n",
    )
    result = load(con, SALESPEOPLE, path)
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert rows(con, "SELECT salesperson_id, country FROM raw.crm_salespeople ORDER BY 1") == [
        ("S1", None),
        ("S2", None),
    ]


def test_a_column_that_may_be_left_out_is_checked_when_present(con, tmp_path):
    path = write_source(
        tmp_path,
        SALESPEOPLE,
        "salesperson_id,name,email,region,visits_per_week,country\n"
        "S1,Anna,,,10,BE\nS2,Bram,,,8,DE\nS3,Chris,,,9,\n",
    )
    result = load(con, SALESPEOPLE, path)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert rows(con, "SELECT line_number, column_name, raw_value FROM raw.ingest_rejects") == [
        (3, "country", "DE")
    ]


def test_absences_reject_an_end_before_the_start_and_an_unknown_salesperson(con, tmp_path):
    people = write_source(
        tmp_path, SALESPEOPLE, "salesperson_id,name,email,region,visits_per_week\nS1,A,,,10\n"
    )
    load(con, SALESPEOPLE, people)
    path = write_source(
        tmp_path,
        ABSENCES,
        "salesperson_id,date_from,date_to\n"
        "S1,2026-12-03,2026-12-07\n"
        "S1,2026-12-20,2026-12-19\n"
        "S9,2026-12-03,2026-12-03\n"
        "S1,2026-12-21,2026-12-21\n",
    )
    result = load(con, ABSENCES, path, check_parents=True)
    assert (result.rows_loaded, result.rows_rejected) == (2, 2)
    assert rows(
        con,
        "SELECT line_number, column_name, reason FROM raw.ingest_rejects "
        "WHERE source_table = 'crm_absences' ORDER BY 1",
    ) == [
        (3, "date_to", "before date_from"),
        (4, "salesperson_id", "unknown salesperson_id: not in crm/salespeople"),
    ]


def test_an_optional_file_that_is_not_there_loads_no_rows(con, tmp_path):
    assert find_optional_source_file(tmp_path, ABSENCES) is None
    with pytest.raises(SourceFileError, match="source file not found"):
        find_source_file(tmp_path, ABSENCES)
    result = load_no_file(con, ABSENCES, tmp_path, loaded_at=LOADED_AT)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (0, 0, 0)
    assert rows(con, "SELECT count(*) FROM raw.crm_absences") == [(0,)]
    assert rows(
        con,
        "SELECT file_format, rows_read FROM raw.ingest_runs WHERE source_table = 'crm_absences'",
    ) == [("none", 0)]
    with pytest.raises(SourceFileError, match="required"):
        load_no_file(con, RELATIONS, tmp_path)
