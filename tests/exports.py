"""The test demo export rewritten as real companies' exports are: Excel workbooks, and
Dutch file names, headers, codes and KvK numbers typed by hand (for test_real_exports).

Values are converted cell by cell by their contract type, as Excel would hold them: a
date as a date cell, an amount as a number cell, an id as text. A value that does not
parse (a deliberately bad one) is written as the text it was, so it is rejected as in
the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter
import yaml

from orchestration.ingest.contract import SOURCE_TABLES, Column, SourceTable
from orchestration.settings import REPO_ROOT

DUTCH_MAPPING = REPO_ROOT / "docs" / "examples" / "dutch-export" / "mapping.yml"


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def excel_value(column: Column, text: str, *, dates_as_text: bool = False):
    """The cell Excel would hold for `text` of `column` (None: an empty cell)."""
    if text == "":
        return None
    try:
        if column.type in ("integer", "decimal"):
            return float(text)
        if column.type == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if column.type in ("date", "timestamp") and not dates_as_text:
            return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    return text


def write_workbook(
    path: Path,
    table: SourceTable,
    header: list[str],
    rows: list[list],
    *,
    sheet: str = "Sheet1",
    title: str | None = None,
) -> None:
    """`rows` of cells (see `excel_value`) under `header` (and a title row above it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    time_format = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"})
    worksheet = workbook.add_worksheet(sheet)
    first = 0
    if title:
        worksheet.write_string(0, 0, title)
        first = 2  # a blank row between title and header
    worksheet.write_row(first, 0, header)
    for number, cells in enumerate(rows, start=first + 1):
        for position, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                is_date = value.time() == dt.time(0)
                worksheet.write_datetime(
                    number, position, value, date_format if is_date else time_format
                )
            elif isinstance(value, str):
                worksheet.write_string(number, position, value)
            else:
                worksheet.write(number, position, value)
    workbook.close()


def to_xlsx(source: Path, target: Path) -> None:
    """Every table of the CSV export `source` as `<table>.xlsx` under `target`, header on
    row 1, so Excel's row numbers are the CSV's line numbers. Activities keep their dates
    as text (ISO), every other table has date cells: both forms are read."""
    for table in SOURCE_TABLES:
        path = source / f"{table.relative_path}.csv"
        if not path.exists():
            continue
        header, rows = read_rows(path)
        columns = [table.column(name) for name in header]
        as_text = table.entity == "activities"
        cells = [
            [
                excel_value(column, text, dates_as_text=as_text)
                for column, text in zip(columns, row, strict=True)
            ]
            for row in rows
        ]
        write_workbook(target / f"{table.relative_path}.xlsx", table, header, cells)


def typed_kvk(number: str, row: int) -> str | float:
    """A KvK or KBO number as people type it, differently row by row."""
    if len(number) == 10:  # Belgian enterprise number
        dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"
        if row % 3 == 1 and number.startswith("0"):
            return dotted[1:]  # the leading zero dropped, as a spreadsheet does
        return (f"BE {dotted}", f"BE{number}", f"BE {dotted}")[row % 3]
    forms = (f"{number[:4]} {number[4:]}", ".".join(number[i : i + 2] for i in range(0, 8, 2)))
    return forms[row % 2]


def to_dutch(source: Path, target: Path, mapping_path: Path = DUTCH_MAPPING) -> None:
    """The CSV export `source` as the Dutch export the example mapping describes, plus
    that mapping as `target/mapping.yml`: its file names and formats (workbooks for the
    CRM, semicolon CSV with decimal commas for the ERP), headers and codes, and KvK
    numbers with spaces, dots and a BE prefix (in the CRM some as number cells, as
    Excel stores what looks like a number)."""
    mapping = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))["tables"]
    target.mkdir(parents=True, exist_ok=True)
    (target / "mapping.yml").write_text(mapping_path.read_text(encoding="utf-8"))
    for table in SOURCE_TABLES:
        path = source / f"{table.relative_path}.csv"
        if not path.exists():
            continue
        spec = mapping[f"{table.system}.{table.entity}"]
        header, rows = read_rows(path)
        columns = [table.column(name) for name in header]
        dutch_header = [spec.get("columns", {}).get(name, name) for name in header]
        codes = {
            column: {contract: dutch for dutch, contract in values.items()}
            for column, values in spec.get("values", {}).items()
        }
        converted = []
        for number, row in enumerate(rows):
            cells: list = []
            for column, text in zip(columns, row, strict=True):
                if column.name in codes:
                    text = codes[column.name].get(text, text)
                if column.name == "kvk_number" and text:
                    cells.append(typed_kvk(text, number + (table.system == "erp")))
                elif spec["file"].endswith(".xlsx"):
                    cells.append(excel_value(column, text))
                elif column.type == "decimal":
                    cells.append(text.replace(".", ","))
                else:
                    cells.append(text)
            converted.append(cells)
        out = target / spec["file"]
        if out.suffix == ".xlsx":
            if table.entity == "relations":
                # Excel stores a KvK number typed without separators as a number.
                kvk = header.index("kvk_number")
                for number, cells in enumerate(converted):
                    if number % 5 == 0 and rows[number][kvk] and len(rows[number][kvk]) == 8:
                        cells[kvk] = float(rows[number][kvk])
            write_workbook(
                out,
                table,
                dutch_header,
                converted,
                sheet=spec.get("sheet", "Blad1"),
                title=f"Export {out.stem}" if table.entity == "relations" else None,
            )
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(dutch_header)
                writer.writerows(converted)
