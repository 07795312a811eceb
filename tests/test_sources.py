"""Real companies' exports: Excel workbooks and a source mapping (`mapping.yml`).

Unit tests of `orchestration.ingest.excel` and `orchestration.ingest.mapping` on small
files written here; the bad-input cases are in the damaged-export corpus, and the whole
demo export in both forms through the pipeline in test_real_exports.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from orchestration.ingest import (
    MappingError,
    SourceFileError,
    find_optional_source_file,
    find_source_file,
    load_source_mapping,
    load_table,
    read_mapping,
)
from orchestration.ingest.contract import ABSENCES, INVOICE_LINES, INVOICES, RELATIONS
from orchestration.ingest.excel import cell_text
from orchestration.ingest.mapping import MAPPING_ENV


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("", None),
        ("  R1 ", "  R1 "),
        (30123456.0, "30123456"),
        (0.1, "0.1"),
        (1e-05, "0.00001"),
        (-1234.5, "-1234.5"),
        (12, "12"),
        (True, "true"),
        (False, "false"),
        (dt.date(2026, 1, 5), "2026-01-05"),
        (dt.datetime(2026, 1, 5, 0, 0), "2026-01-05"),
        (dt.datetime(2026, 1, 5, 13, 30), "2026-01-05 13:30:00"),
    ],
)
def test_cells_become_the_text_a_csv_would_hold(cell, text):
    assert cell_text(cell) == text


def write_lines_csv_and_xlsx(folder: Path) -> tuple[Path, Path]:
    rows = [
        ("F1", 1, "P1", "Tools", 2, 10.5, 0, 21, 15.25),
        ("F1", 2, "P2", "Tools", -1, 0.1, 12.5, -0.1, None),
        ("F2", 1, None, None, None, None, None, 1234567.89, None),
    ]
    csv_path = folder / "lines.csv"
    csv_path.write_text(
        ",".join(INVOICE_LINES.column_names)
        + "\n"
        + "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows)
    )
    xlsx_path = folder / "lines.xlsx"
    workbook = xlsxwriter.Workbook(str(xlsx_path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, INVOICE_LINES.column_names)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, value)
    workbook.close()
    return csv_path, xlsx_path


def test_xlsx_and_csv_give_identical_values(con, tmp_path):
    csv_path, xlsx_path = write_lines_csv_and_xlsx(tmp_path)
    tables = []
    for path in (csv_path, xlsx_path):
        result = load_table(con, INVOICE_LINES, path, check_parents=False)
        assert (result.rows_loaded, result.rows_rejected) == (3, 0)
        tables.append(
            con.execute(
                "SELECT * EXCLUDE (_source_file) FROM raw.erp_invoice_lines ORDER BY _source_line"
            ).fetchall()
        )
    assert tables[0] == tables[1]
    runs = con.execute(
        "SELECT file_format, delimiter, encoding FROM raw.ingest_runs "
        "WHERE source_table = 'erp_invoice_lines'"
    ).fetchall()
    assert runs == [("xlsx", None, None)]


MAPPING = """\
# The ERP's invoices
tables:
  erp.invoices:
    file: Facturen.xlsx
    sheet: Blad1
    columns:
      invoice_id: Factuurnummer
      invoice_type: Soort
    values:
      invoice_type:
        Factuur: invoice
        Nee: credit_note
  crm.relations:
    columns: {relation_id: Relatienummer}
"""


def test_a_mapping_keeps_lines_and_text_as_written(tmp_path):
    path = tmp_path / "mapping.yml"
    path.write_text(MAPPING)
    mapping = read_mapping(path)
    invoices = mapping.for_table(INVOICES)
    assert (invoices.file, invoices.file_line, invoices.sheet, invoices.sheet_line) == (
        "Facturen.xlsx",
        4,
        "Blad1",
        5,
    )
    assert invoices.columns == {"invoice_id": ("Factuurnummer", 7), "invoice_type": ("Soort", 8)}
    # `Nee` stays a text (YAML 1.1 would read it as false); codes match in lower case.
    assert invoices.values["invoice_type"].codes == {"factuur": "invoice", "nee": "credit_note"}
    assert invoices.values["invoice_type"].line == 10
    assert invoices.header_of("customer_id") == "customer_id"
    assert mapping.for_table(RELATIONS).columns == {"relation_id": ("Relatienummer", 14)}
    assert mapping.for_table(ABSENCES).file is None  # not mapped: the contract's file


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("tabels:\n  crm.relations: {}\n", 1, "unknown key 'tabels'"),
        ("tables:\n  crm.relations:\n    kolommen: {}\n", 3, "unknown key 'kolommen'"),
        ("tables:\n  crm.relations:\n    file: relaties.txt\n", 3, "expected a .csv, .xlsx"),
        ("tables:\n  crm.relations:\n    file: r.csv\n    sheet: Blad1\n", 4, "only an .xlsx"),
        (
            "tables:\n  crm.relations:\n    columns:\n      name: Naam\n      city: naam\n",
            5,
            "header 'naam' is mapped to both 'name' and 'city'",
        ),
        ("tables:\n  crm.relations:\n    columns: [a, b]\n", 3, "expected 'name: value'"),
        ("tables:\n  crm.relations:\n    columns:\n      name: [\n", 5, "not valid YAML"),
    ],
)
def test_mapping_mistakes_name_the_line(tmp_path, text, line, fragment):
    path = tmp_path / "mapping.yml"
    path.write_text(text)
    with pytest.raises(MappingError) as error:
        read_mapping(path)
    assert f"{path}, line {line}" in str(error.value)
    assert fragment in str(error.value)


def test_the_mapping_in_force(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    assert load_source_mapping(source, environ={}).tables == {}
    (source / "mapping.yml").write_text("tables:\n  crm.relations:\n    file: r.csv\n")
    assert load_source_mapping(source, environ={}).path == source / "mapping.yml"
    elsewhere = tmp_path / "other.yml"
    elsewhere.write_text("tables:\n")
    assert load_source_mapping(source, environ={MAPPING_ENV: str(elsewhere)}).path == elsewhere
    with pytest.raises(MappingError, match="does not exist"):
        load_source_mapping(source, environ={MAPPING_ENV: str(tmp_path / "nope.yml")})


def test_files_are_found_by_contract_name_or_mapping(tmp_path):
    (tmp_path / "erp").mkdir()
    (tmp_path / "erp" / "invoices.XLSX").write_bytes(b"")
    assert find_source_file(tmp_path, INVOICES) == tmp_path / "erp" / "invoices.XLSX"
    (tmp_path / "erp" / "invoices.csv").write_text("")
    with pytest.raises(SourceFileError, match="more than one source file"):
        find_source_file(tmp_path, INVOICES)

    (tmp_path / "mapping.yml").write_text(
        "tables:\n  erp.invoices:\n    file: Export/FACTUREN.csv\n"
        "  crm.absences:\n    file: afwezig.csv\n"
    )
    (tmp_path / "Export").mkdir()
    (tmp_path / "Export" / "facturen.csv").write_text("")
    mapping = load_source_mapping(tmp_path, environ={})
    # Windows names are case-insensitive: the mapped file is found whatever its case.
    assert find_source_file(tmp_path, INVOICES, mapping.for_table(INVOICES)) == (
        tmp_path / "Export" / "facturen.csv"
    )
    # A file the mapping names must be there, also for an optional table.
    with pytest.raises(MappingError, match=r"mapping.yml, line 5: file 'afwezig.csv'"):
        find_optional_source_file(tmp_path, ABSENCES, mapping.for_table(ABSENCES))


def test_a_mapped_csv_loads_with_its_codes(con, tmp_path):
    path = tmp_path / "facturen.csv"
    path.write_text(
        "Factuurnummer;customer_id;invoice_date;due_date;Soort\n"
        "F1;D1;2026-01-05;;Factuur\n"
        "F2;D1;2026-01-06;;NEE\n"
        "F3;D1;2026-01-07;;invoice\n"
        "F4;D1;2026-01-08;;\n"
    )
    (tmp_path / "mapping.yml").write_text(MAPPING)
    mapping = read_mapping(tmp_path / "mapping.yml").for_table(INVOICES)
    result = load_table(con, INVOICES, path, check_parents=False, mapping=mapping)
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert con.execute(
        "SELECT invoice_id, invoice_type FROM raw.erp_invoices ORDER BY invoice_id"
    ).fetchall() == [("F1", "invoice"), ("F2", "credit_note"), ("F3", "invoice")]
    # An empty code is a missing value, as without a mapping.
    assert con.execute(
        "SELECT line_number, column_name, reason FROM raw.ingest_rejects"
    ).fetchall() == [(5, "invoice_type", "missing value")]
