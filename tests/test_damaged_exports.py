"""The damaged-export corpus (`tests/damaged_exports/`): bad input, with nothing lost.

Every case in `cases.yml` is loaded through the real `load_table` into a real DuckDB
file, after the parent files in `_parents/`, and must give exactly the outcome declared
next to it: a clear error naming the file (and the line or column where there is one),
or the rest of the rows loaded with every rejected row recorded in `raw.ingest_rejects`
with its line, column, value and reason. For every case that loads, the run log must
reconcile: rows read = rows loaded + rows rejected.

A case may be an Excel workbook (written by a generator: `.xlsx` is binary) and may come
with a source mapping (`mapping`, the text of a `mapping.yml`); a mapping error must name
the mapping file and line, and the source file when one is involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
import yaml

from orchestration import ingest
from orchestration.ingest import load_table, read_mapping
from orchestration.ingest.contract import (
    CUSTOMERS,
    INVOICES,
    RELATIONS,
    SOURCE_TABLES_BY_NAME,
    SourceTable,
)

CORPUS = Path(__file__).parent / "damaged_exports"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))["cases"]
PARENTS = (RELATIONS, CUSTOMERS, INVOICES)

RELATIONS_HEADER = ",".join(RELATIONS.column_names)
TEN_MB = 10 * 1024 * 1024


# --------------------------------------------------------------------------- generated cases


def ten_mb_name(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """A 10 MB company name on line 3: rejected, and the rows around it load."""
    with path.open("w", encoding="utf-8") as file:
        file.write(RELATIONS_HEADER + "\n")
        file.write("R4,Bloemenhuis,,,,,NL,,,,,2026-01-01\n")
        file.write("R5," + "x" * TEN_MB + ",,,,,NL,,,,,2026-01-02\n")
        file.write("R6,Slagerij,,,,,NL,,,,,2026-01-03\n")


def ten_mb_notes(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """A 10 MB value in an extra column: its record is over DuckDB's default line limit."""
    with path.open("w", encoding="utf-8") as file:
        file.write(RELATIONS_HEADER + ",notes\n")
        file.write("R4,Bloemenhuis,,,,,NL,,,,,2026-01-01,\n")
        notes = "pasted e-mail, " * (TEN_MB // 15)  # quoted: it holds the delimiter
        file.write(f'R5,Kapsalon,,,,,NL,,,,,2026-01-02,"{notes}"\n')
        file.write("R6,Slagerij,,,,,NL,,,,,2026-01-03,\n")


MILLION = 1_000_000
BAD_ROW = 654_322  # on line 654,323: the header is line 1


def million_invoice_lines_one_bad(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """1,000,000 lines of invoice F1, one of which has text in its amount."""
    con.execute(
        f"""
        COPY (
            SELECT
                'F1' AS invoice_id, i AS line_number, 'P' || (i % 97) AS product_id,
                'Tools' AS product_group, (i % 7) - 1 AS quantity, '10.00' AS unit_price,
                '0' AS discount_pct,
                CASE WHEN i = {BAD_ROW} THEN 'n/a' ELSE ((i % 7) - 1) * 10 || '.00' END
                    AS amount_excl_vat,
                '8.00' AS cost_amount
            FROM range(1, {MILLION} + 1) AS r(i)
            ORDER BY i
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )


def write_xlsx(path: Path, rows: dict[int, list], sheet: str = "Sheet1") -> None:
    """A workbook whose `sheet` holds `rows` (Excel row number -> cells): datetime
    values become date cells, numbers number cells, None an empty cell."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    worksheet = workbook.add_worksheet(sheet)
    for row, cells in rows.items():
        for column, value in enumerate(cells):
            if isinstance(value, dt.datetime):
                worksheet.write_datetime(row - 1, column, value, date_format)
            elif isinstance(value, str):
                worksheet.write_string(row - 1, column, value)
            elif value is not None:
                worksheet.write(row - 1, column, value)
    workbook.close()


INVOICES_HEADER = ["invoice_id", "customer_id", "invoice_date", "due_date", "invoice_type"]


def xlsx_invoices(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Invoices in a workbook: the header on row 3 under a title, a blank row, dates as
    date cells and as text, numbers as invoice ids, a Dutch date typed as text."""
    write_xlsx(
        path,
        {
            1: ["Export facturen"],
            3: [*INVOICES_HEADER, "Opmerking"],
            4: [1001, "D1", dt.datetime(2026, 1, 5), "2026-02-04", "invoice"],
            5: ["F5", "D2", "2026-01-06", None, "credit_note", "note"],
            7: ["F6", "D1", "05-01-2026", None, "invoice"],
            8: ["F7", "D1", dt.datetime(2026, 1, 7, 10, 30), None, "invoice"],
            9: ["F8", "D3", dt.datetime(2026, 1, 8), None, "invoice"],
            10: [1001, "D2", dt.datetime(2026, 1, 9), None, "invoice"],
        },
    )


def xlsx_missing_column(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    write_xlsx(path, {1: ["invoice_id", "customer_id", "invoice_type"], 2: ["F9", "D1", "invoice"]})


def xlsx_not_a_workbook(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """A CSV saved under an .xlsx name."""
    path.write_text(",".join(INVOICES_HEADER) + "\nF9,D1,2026-01-05,,invoice\n")


def xlsx_empty_sheet(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    write_xlsx(path, {})


def xlsx_dutch_sheet(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """The invoices on a sheet called Blad1, after a first sheet of notes."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Toelichting").write_string(0, 0, "Export uit het ERP")
    sheet = workbook.add_worksheet("Blad1")
    sheet.write_row(0, 0, ["Factuurnr", "Debiteur", "Datum", "Vervaldatum", "Soort"])
    sheet.write_row(1, 0, ["F9", "D1", "2026-03-01", "", "Factuur"])
    sheet.write_row(2, 0, ["F10", "D2", "2026-03-02", "", " creditnota "])
    workbook.close()


GENERATORS: dict[str, Callable[[Path, duckdb.DuckDBPyConnection], None]] = {
    "ten_mb_name": ten_mb_name,
    "ten_mb_notes": ten_mb_notes,
    "million_invoice_lines_one_bad": million_invoice_lines_one_bad,
    "xlsx_invoices": xlsx_invoices,
    "xlsx_missing_column": xlsx_missing_column,
    "xlsx_not_a_workbook": xlsx_not_a_workbook,
    "xlsx_empty_sheet": xlsx_empty_sheet,
    "xlsx_dutch_sheet": xlsx_dutch_sheet,
}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def con(tmp_path: Path):
    """A warehouse holding the parents every case refers to, loaded as a refresh does."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("SET enable_progress_bar = false")
    for table in PARENTS:
        result = load_table(connection, table, CORPUS / "_parents" / f"{table.relative_path}.csv")
        assert result.rows_rejected == 0, table.name
    yield connection
    connection.close()


def expected_value(value):
    """A value from cases.yml; `{repeat: x, times: n}` stands for a long repeated text."""
    if isinstance(value, dict):
        return value["repeat"] * value["times"]
    return value


def case_id(case: dict) -> str:
    return case.get("file") or case["generate"]


def source_path(case: dict, tmp_path: Path, con: duckdb.DuckDBPyConnection) -> Path:
    if "file" in case:
        return CORPUS / case["file"]
    path = tmp_path / f"{case['generate']}.{case.get('format', 'csv')}"
    GENERATORS[case["generate"]](path, con)
    return path


def rejects(con, table: SourceTable) -> list[list]:
    return [
        list(row)
        for row in con.execute(
            "SELECT line_number, column_name, raw_value, reason FROM raw.ingest_rejects "
            "WHERE source_table = ? ORDER BY line_number",
            [table.name],
        ).fetchall()
    ]


# --------------------------------------------------------------------------- the corpus


def test_every_corpus_file_has_a_case_and_every_case_a_file():
    files = {path.name for path in CORPUS.glob("*.csv")}
    declared = [case["file"] for case in CASES if "file" in case]
    # A file may serve several cases (one export under different mappings).
    assert set(declared) == files
    assert {case["generate"] for case in CASES if "generate" in case} == set(GENERATORS)
    for case in CASES:
        assert case["table"] in SOURCE_TABLES_BY_NAME, case["name"]
        assert ("error" in case) != ("loaded" in case), case["name"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_damaged_export(case: dict, con, tmp_path: Path):
    table = SOURCE_TABLES_BY_NAME[case["table"]]
    path = source_path(case, tmp_path, con)
    tables_before = con.execute("SELECT count(*) FROM raw.ingest_runs").fetchone()
    mapping_file = tmp_path / "mapping.yml"
    if "mapping" in case:
        mapping_file.write_text(case["mapping"], encoding="utf-8")

    def load():
        # A mapping is read as the refresh reads it: before the file, once per table.
        mapping = read_mapping(mapping_file).for_table(table) if "mapping" in case else None
        return load_table(con, table, path, mapping=mapping)

    if "error" in case:
        error_type = getattr(ingest, case["error"]["type"])
        with pytest.raises(error_type) as error:
            load()
        message = str(error.value)
        if case["error"].get("names_file", True):
            assert str(path) in message
        if error_type is ingest.MappingError:
            assert f"{mapping_file}, line {case['error']['mapping_line']}" in message
        for fragment in case["error"]["message"]:
            assert fragment in message
        # Nothing of the failed load is left behind.
        assert con.execute("SELECT count(*) FROM raw.ingest_runs").fetchone() == tables_before
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (
            0,
        )
        return

    result = load()
    expected_rejects = [[expected_value(value) for value in row] for row in case["rejected"]]
    assert rejects(con, table) == expected_rejects
    assert result.rows_loaded == case["loaded"]
    assert result.rows_rejected == len(expected_rejects)

    # The run log reconciles, and agrees with the tables themselves.
    read, loaded, rejected, source_file = con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, source_file FROM raw.ingest_runs "
        "WHERE source_table = ?",
        [table.name],
    ).fetchone()
    assert read == loaded + rejected
    assert (read, loaded, rejected) == (
        case["loaded"] + len(expected_rejects),
        case["loaded"],
        len(expected_rejects),
    )
    assert con.execute(f"SELECT count(*) FROM raw.{table.name}").fetchone() == (loaded,)
    assert source_file == str(path)
    assert {
        row[0]
        for row in con.execute(
            "SELECT source_file FROM raw.ingest_rejects WHERE source_table = ?", [table.name]
        ).fetchall()
    } <= {str(path)}

    for column, value in case.get("run", {}).items():
        assert con.execute(
            f"SELECT {column} FROM raw.ingest_runs WHERE source_table = ?", [table.name]
        ).fetchone() == (value,), column

    if "rows" in case:
        columns = ", ".join(f"{column}::varchar" for column in case["rows"]["columns"])
        loaded_rows = con.execute(
            f"SELECT {columns} FROM raw.{table.name} ORDER BY _source_line"
        ).fetchall()
        assert [list(row) for row in loaded_rows] == case["rows"]["values"]

    for check in case.get("checks", []):
        assert con.execute(check).fetchone() == (True,), check
