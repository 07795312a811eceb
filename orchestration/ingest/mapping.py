"""The source mapping: a company's own file names, sheet names, column headers and codes,
mapped to the contract's, in one YAML file instead of a conversion script.

`mapping.yml` in the source folder (or the file `PYRAMID_SOURCE_MAPPING` names):

    tables:
      crm.relations:
        file: Relaties.xlsx          # relative to the source folder; .csv or .xlsx
        sheet: Blad1                 # xlsx only; default the first sheet
        columns:                     # contract column: header in the file
          relation_id: Relatienummer
      erp.invoices:
        file: facturen.csv
        columns: {invoice_type: Factuurtype}
        values:                      # contract column: {value in the file: contract value}
          invoice_type: {Factuur: invoice, Creditnota: credit_note}

Columns not mapped keep their contract name; a table not mapped keeps its contract file.
Every mistake in the mapping is a `MappingError` naming the mapping file and the line.
The file is read with `yaml.compose`, which keeps each value's line and its text exactly
as written (`Nee` stays the text `Nee`, `01` stays `01`), rather than `safe_load`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orchestration.ingest.contract import SOURCE_TABLES, SourceTable
from orchestration.ingest.errors import MappingError
from orchestration.sql import sql_str

MAPPING_FILE_NAME = "mapping.yml"
MAPPING_ENV = "PYRAMID_SOURCE_MAPPING"
_TABLE_KEYS = ("file", "sheet", "columns", "values")
# The characters trimmed around a file value before it is looked up (as in validation).
_WHITESPACE = " \t\r\n\u00a0"


@dataclass(frozen=True)
class ValueMapping:
    """The codes of one column: file value (lower case, trimmed) -> contract value."""

    column: str
    codes: dict[str, str]
    line: int


@dataclass(frozen=True)
class TableMapping:
    """How one contract table is found and read; empty when the table is not mapped."""

    table: SourceTable
    mapping_file: Path | None = None
    line: int | None = None
    file: str | None = None
    file_line: int | None = None
    sheet: str | None = None
    sheet_line: int | None = None
    # contract column -> (header in the file, line in the mapping)
    columns: dict[str, tuple[str, int]] = field(default_factory=dict)
    values: dict[str, ValueMapping] = field(default_factory=dict)

    def where(self, line: int | None) -> str:
        """`mapping.yml, line 7` for messages."""
        if self.mapping_file is None:
            return "the source mapping"
        return f"{self.mapping_file}, line {line}" if line else str(self.mapping_file)

    def header_of(self, column: str) -> str:
        """The header the file has for contract `column` (its own name when not mapped)."""
        mapped = self.columns.get(column)
        return mapped[0] if mapped else column

    def value_sql(self, column: str, expression: str) -> str:
        """SQL turning the file's `expression` into the contract value of `column`.

        A value the mapping does not list passes unchanged, so validation sees it (and
        `unmapped_values_sql` finds it). Matched trimmed and case-insensitively.
        """
        values = self.values.get(column)
        if values is None or not values.codes:
            return expression
        looked_up = f"lower(trim({expression}, {sql_str(_WHITESPACE)}))"
        branches = " ".join(
            f"WHEN {sql_str(file_value)} THEN {sql_str(contract_value)}"
            for file_value, contract_value in values.codes.items()
        )
        return f"CASE {looked_up} {branches} ELSE {expression} END"


@dataclass(frozen=True)
class SourceMapping:
    path: Path | None
    tables: dict[str, TableMapping]

    def for_table(self, table: SourceTable) -> TableMapping:
        return self.tables.get(table.name) or TableMapping(table, self.path)


NO_MAPPING = SourceMapping(None, {})


def mapping_path(source_dir: Path, environ: dict[str, str] | None = None) -> Path | None:
    """The mapping file in force: `PYRAMID_SOURCE_MAPPING`, else `mapping.yml` in the
    source folder if it is there, else None (the contract's own names)."""
    environ = os.environ if environ is None else environ
    configured = environ.get(MAPPING_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise MappingError(f"{MAPPING_ENV}={configured}: the mapping file does not exist")
        return path.resolve()
    default = Path(source_dir) / MAPPING_FILE_NAME
    return default if default.is_file() else None


def load_source_mapping(source_dir: Path, environ: dict[str, str] | None = None) -> SourceMapping:
    """The mapping in force for `source_dir` (see `mapping_path`), checked."""
    path = mapping_path(source_dir, environ)
    return NO_MAPPING if path is None else read_mapping(path)


def read_mapping(path: Path) -> SourceMapping:
    """Parse and check a mapping file; every mistake raises `MappingError` with its line."""
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise MappingError(f"{path}{line}: not valid YAML: {problem}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: cannot be read: {error}") from error
    if root is None:
        return SourceMapping(path, {})
    top = _mapping_node(path, root, "the mapping file")
    tables_node = None
    for key, value in top:
        if key.value != "tables":
            raise MappingError(
                f"{path}, line {_line(key)}: unknown key {key.value!r}; expected 'tables'"
            )
        tables_node = value
    if tables_node is None or _is_null(tables_node):
        return SourceMapping(path, {})
    by_dotted = {f"{table.system}.{table.entity}": table for table in SOURCE_TABLES}
    tables: dict[str, TableMapping] = {}
    for key, value in _mapping_node(path, tables_node, "tables"):
        table = by_dotted.get(key.value)
        if table is None:
            known = ", ".join(by_dotted)
            raise MappingError(
                f"{path}, line {_line(key)}: unknown table {key.value!r}; "
                f"the contract's tables are {known}"
            )
        if table.name in tables:
            raise MappingError(f"{path}, line {_line(key)}: table {key.value!r} mapped twice")
        tables[table.name] = _table_mapping(path, table, key, value)
    return SourceMapping(path, tables)


def _table_mapping(path: Path, table: SourceTable, key: yaml.Node, node: yaml.Node) -> TableMapping:
    where = f"{table.system}.{table.entity}"
    fields: dict[str, yaml.Node] = {}
    for field_key, value in _mapping_node(path, node, where):
        if field_key.value not in _TABLE_KEYS:
            raise MappingError(
                f"{path}, line {_line(field_key)}: unknown key {field_key.value!r} under "
                f"{where}; expected one of {', '.join(_TABLE_KEYS)}"
            )
        fields[field_key.value] = value
    file = _scalar(path, fields["file"], f"{where}.file") if "file" in fields else None
    sheet = _scalar(path, fields["sheet"], f"{where}.sheet") if "sheet" in fields else None
    if file is not None:
        suffix = Path(file).suffix.lower()
        if suffix not in (".csv", ".xlsx", ".parquet"):
            raise MappingError(
                f"{path}, line {_line(fields['file'])}: {where}.file {file!r}: expected a "
                ".csv, .xlsx or .parquet file"
            )
        if sheet is not None and suffix != ".xlsx":
            raise MappingError(
                f"{path}, line {_line(fields['sheet'])}: {where}.sheet: only an .xlsx file "
                f"has sheets, and {file!r} is not one"
            )

    columns: dict[str, tuple[str, int]] = {}
    headers: dict[str, str] = {}
    if "columns" in fields and not _is_null(fields["columns"]):
        for column_key, value in _mapping_node(path, fields["columns"], f"{where}.columns"):
            column = _contract_column(path, table, column_key, where)
            header = _scalar(path, value, f"{where}.columns.{column}")
            if not header.strip():
                raise MappingError(
                    f"{path}, line {_line(value)}: {where}.columns.{column}: empty header"
                )
            normalised = header.strip().lower()
            if normalised in headers:
                raise MappingError(
                    f"{path}, line {_line(value)}: header {header!r} is mapped to both "
                    f"{headers[normalised]!r} and {column!r}"
                )
            headers[normalised] = column
            columns[column] = (header, _line(column_key))

    values: dict[str, ValueMapping] = {}
    if "values" in fields and not _is_null(fields["values"]):
        for column_key, codes_node in _mapping_node(path, fields["values"], f"{where}.values"):
            column = _contract_column(path, table, column_key, where)
            accepted = table.column(column).accepted_values
            codes: dict[str, str] = {}
            for file_value, contract_value in _mapping_node(
                path, codes_node, f"{where}.values.{column}"
            ):
                text = _scalar(path, file_value, f"{where}.values.{column}").strip().lower()
                target = _scalar(path, contract_value, f"{where}.values.{column}.{text}")
                if accepted is not None and target not in accepted:
                    raise MappingError(
                        f"{path}, line {_line(contract_value)}: {where}.values.{column}: "
                        f"{file_value.value!r} maps to {target!r}, which is not a value of "
                        f"{column} (expected one of {', '.join(accepted)})"
                    )
                if text in codes and codes[text] != target:
                    raise MappingError(
                        f"{path}, line {_line(file_value)}: {where}.values.{column}: "
                        f"{file_value.value!r} is mapped twice, to {codes[text]!r} and {target!r}"
                    )
                codes[text] = target
            values[column] = ValueMapping(column, codes, _line(column_key))

    return TableMapping(
        table=table,
        mapping_file=path,
        line=_line(key),
        file=file,
        file_line=_line(fields["file"]) if "file" in fields else None,
        sheet=sheet,
        sheet_line=_line(fields["sheet"]) if "sheet" in fields else None,
        columns=columns,
        values=values,
    )


def _contract_column(path: Path, table: SourceTable, key: yaml.Node, where: str) -> str:
    name = key.value if isinstance(key, yaml.ScalarNode) else None
    if name not in table.column_names:
        raise MappingError(
            f"{path}, line {_line(key)}: {where}: unknown column {name!r}; the contract "
            f"columns of {where} are {', '.join(table.column_names)}"
        )
    return name


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _mapping_node(path: Path, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise MappingError(
            f"{path}, line {_line(node)}: {what}: expected 'name: value' entries, "
            f"not {_describe(node)}"
        )
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise MappingError(f"{path}, line {_line(key)}: {what}: a key must be plain text")
    return list(node.value)


def _scalar(path: Path, node: yaml.Node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or _is_null(node):
        raise MappingError(
            f"{path}, line {_line(node)}: {what}: expected a text, not {_describe(node)}"
        )
    return node.value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if _is_null(node):
        return "nothing"
    return repr(node.value)
