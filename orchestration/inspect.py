"""`make inspect`: a dry run over the source folder that writes nothing.

    python -m orchestration.inspect [--source-dir DIR] [--mapping FILE] [--format table|json]

Every table of the contract is found (by the contract's name or the source mapping's),
read and checked exactly as a refresh does (`orchestration.ingest.load_table`), but into
an in-memory DuckDB: no warehouse, no rejects table, no file is created or changed (a
Windows-1252 file is transcoded through a temporary copy in the system's temp folder,
removed afterwards, as in a refresh). Per table it reports the file found, its rows, how
it was read (delimiter, decimal separator, encoding, dates), the columns mapped, required
columns missing, unknown columns, values outside the contract's code lists and a sample
of the rows that would be rejected (`orchestration.ingest.report`).

Exit code 0 when a refresh would get past every file, 1 when one would stop it (a
missing file or required column, a mapping error, an unreadable file), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest import (
    SourceFileError,
    find_optional_source_file,
    find_source_file,
    load_no_file,
    load_source_mapping,
    load_table,
)
from orchestration.ingest.contract import SOURCE_TABLES, SOURCE_TABLES_BY_NAME
from orchestration.ingest.mapping import MAPPING_ENV, NO_MAPPING
from orchestration.ingest.report import TableReport, report_after_load, report_of_error
from orchestration.settings import DATA_DIR


@dataclass
class SourceReport:
    source_dir: str
    mapping: str | None
    mapping_error: str | None
    tables: list[TableReport]

    @property
    def ok(self) -> bool:
        return self.mapping_error is None and all(table.ok for table in self.tables)

    def as_dict(self) -> dict:
        return {
            "source_dir": self.source_dir,
            "mapping": self.mapping,
            "mapping_error": self.mapping_error,
            "refresh_would_succeed": self.ok,
            "tables": [table.as_dict() for table in self.tables],
        }


def inspect_sources(source_dir: Path, environ: dict[str, str] | None = None) -> SourceReport:
    """Check every source file of `source_dir` as a refresh would, writing nothing."""
    source_dir = Path(source_dir)
    try:
        mapping = load_source_mapping(source_dir, environ)
        mapping_error = None
    except SourceFileError as error:
        mapping, mapping_error = NO_MAPPING, str(error)
    scratch = Path(tempfile.mkdtemp(prefix="pyramid-inspect-"))
    con = duckdb.connect(":memory:")
    try:
        # An in-memory database spills to '.tmp' in the working directory by default.
        con.execute(f"SET temp_directory = '{scratch}'")
        con.execute("SET enable_progress_bar = false")
        reports = [_inspect_table(con, source_dir, table, mapping) for table in SOURCE_TABLES]
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return SourceReport(
        str(source_dir), str(mapping.path) if mapping.path else None, mapping_error, reports
    )


def _inspect_table(con, source_dir: Path, table, mapping) -> TableReport:
    table_mapping = mapping.for_table(table)
    path = None
    try:
        path = find_optional_source_file(source_dir, table, table_mapping)
        if path is None and table.optional:
            result = load_no_file(con, table, source_dir)
            return report_after_load(con, table, result, table_mapping)
        if path is None:
            find_source_file(source_dir, table, table_mapping)  # the refresh's message
        # Children are checked against their parents as loaded here; a parent that could
        # not be loaded leaves them checked on their own (as far as a refresh would get).
        parents = [parent for _, parent, _ in table.parent_references]
        loaded = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
            ).fetchall()
        }
        check_parents = all(parent in loaded for parent in parents)
        result = load_table(con, table, path, check_parents=check_parents, mapping=table_mapping)
        report = report_after_load(con, table, result, table_mapping)
        if not check_parents:
            missing = ", ".join(
                SOURCE_TABLES_BY_NAME[p].relative_path for p in parents if p not in loaded
            )
            report.note = f"not checked against {missing}, which could not be read"
        return report
    except Exception as error:
        return report_of_error(table, error, path, table_mapping)


# ---- output


def format_table(report: SourceReport) -> str:
    lines = [f"Source folder: {report.source_dir}"]
    lines.append(f"Mapping: {report.mapping or 'none (the contract names)'}")
    if report.mapping_error:
        lines.append(f"  ERROR {report.mapping_error}")
    for table in report.tables:
        lines.append("")
        status = "ok" if table.ok else "FAILS THE REFRESH"
        lines.append(f"{table.table}  [{status}]")
        lines.append(f"  file: {table.file or '-'}")
        if table.error:
            lines.append(f"  ERROR {table.error}")
        if table.rows_read is not None:
            lines.append(
                f"  rows: {table.rows_read} read, {table.rows_loaded} would load, "
                f"{table.rows_rejected} would be rejected"
            )
        read_as = [
            f"{name} {value!r}" if name == "delimiter" else f"{name} {value}"
            for name, value in (
                ("format", table.file_format),
                ("sheet", table.sheet),
                ("delimiter", table.delimiter),
                ("decimal separator", table.decimal_separator),
                ("encoding", table.encoding),
            )
            if value
        ]
        if read_as:
            lines.append(f"  read as: {', '.join(read_as)}")
        if table.date_format:
            lines.append(f"  dates: {table.date_format}")
        if table.columns_mapped:
            mapped = ", ".join(f"{c} <- {h!r}" for c, h in table.columns_mapped.items())
            lines.append(f"  columns mapped: {mapped}")
        if table.missing_columns:
            lines.append(f"  required columns missing: {', '.join(table.missing_columns)}")
        if table.unknown_columns:
            lines.append(f"  unknown columns (ignored): {', '.join(table.unknown_columns)}")
        for value in table.unknown_values:
            lines.append(
                f"  value not in the code list of {value['column']}: {value['value']!r} "
                f"({value['rows']} rows)"
            )
        if table.rejected_sample:
            lines.append("  rows that would be rejected (first ones):")
            for row in table.rejected_sample:
                lines.append(
                    f"    line {row['line']}: {row['column'] or '-'} = {row['value']!r}: "
                    f"{row['reason']}"
                )
        if table.note:
            lines.append(f"  note: {table.note}")
    lines.append("")
    lines.append(
        "A refresh would succeed."
        if report.ok
        else "A refresh would FAIL: fix the errors above and run make inspect again."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.inspect",
        description="Check the source folder as a refresh would, writing nothing.",
    )
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=None,
        help="the folder with the exports (default: PYRAMID_SOURCE_DIR, else data/demo)",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        default=None,
        help=f"a mapping file (default: {MAPPING_ENV}, else mapping.yml in the source folder)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    source_dir = args.source_dir or Path(os.environ.get("PYRAMID_SOURCE_DIR") or DATA_DIR / "demo")
    if not source_dir.is_dir():
        print(f"source folder not found: {source_dir}", file=sys.stderr)
        return 2
    environ = dict(os.environ)
    if args.mapping is not None:
        environ[MAPPING_ENV] = str(args.mapping)
    report = inspect_sources(source_dir, environ)
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        print(format_table(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
