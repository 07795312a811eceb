"""The damaged-export corpus (`tests/damaged_exports/`): bad input, with nothing lost.

Every case in `cases.yml` is loaded through the real `load_table` into a real DuckDB
file, after the parent files in `_parents/`, and must give exactly the outcome declared
next to it: a clear error naming the file (and the line or column where there is one),
or the rest of the rows loaded with every rejected row recorded in `raw.ingest_rejects`
with its line, column, value and reason. For every case that loads, the run log must
reconcile: rows read = rows loaded + rows rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration import ingest
from orchestration.ingest import load_table
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


GENERATORS: dict[str, Callable[[Path, duckdb.DuckDBPyConnection], None]] = {
    "ten_mb_name": ten_mb_name,
    "ten_mb_notes": ten_mb_notes,
    "million_invoice_lines_one_bad": million_invoice_lines_one_bad,
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
    path = tmp_path / f"{case['generate']}.csv"
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
    assert sorted(declared) == sorted(files)
    assert {case["generate"] for case in CASES if "generate" in case} == set(GENERATORS)
    for case in CASES:
        assert case["table"] in SOURCE_TABLES_BY_NAME, case["name"]
        assert ("error" in case) != ("loaded" in case), case["name"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_damaged_export(case: dict, con, tmp_path: Path):
    table = SOURCE_TABLES_BY_NAME[case["table"]]
    path = source_path(case, tmp_path, con)
    tables_before = con.execute("SELECT count(*) FROM raw.ingest_runs").fetchone()

    if "error" in case:
        error_type = getattr(ingest, case["error"]["type"])
        with pytest.raises(error_type) as error:
            load_table(con, table, path)
        message = str(error.value)
        assert str(path) in message
        for fragment in case["error"]["message"]:
            assert fragment in message
        # Nothing of the failed load is left behind.
        assert con.execute("SELECT count(*) FROM raw.ingest_runs").fetchone() == tables_before
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (
            0,
        )
        return

    result = load_table(con, table, path)
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
