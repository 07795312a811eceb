"""The source contract is one thing: code, dbt sources and user documentation agree."""

from __future__ import annotations

import re

import yaml

from orchestration.ingest.contract import SOURCE_TABLES
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT


def documented_tables() -> dict[str, list[tuple[str, str, str]]]:
    """`docs/sources.md` parsed: file -> [(column, type, required)] in document order."""
    tables: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in (REPO_ROOT / "docs" / "sources.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `(\w+/\w+)\.csv`", line)
        if heading:
            current = tables.setdefault(heading.group(1), [])
        row = re.match(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", line)
        if row and current is not None:
            current.append(row.groups())
    return tables


def test_docs_describe_the_contract_exactly():
    expected = {
        table.relative_path: [
            (column.name, column.type, "no" if column.nullable else "yes")
            for column in table.columns
        ]
        for table in SOURCE_TABLES
    }
    assert documented_tables() == expected


def test_dbt_sources_declare_every_contract_column():
    declared = {}
    for system in ("crm", "erp"):
        path = DBT_PROJECT_DIR / "models" / "staging" / system / f"_{system}__sources.yml"
        (source,) = yaml.safe_load(path.read_text())["sources"]
        assert source["schema"] == "raw"
        for table in source["tables"]:
            declared[table["identifier"]] = [column["name"] for column in table["columns"]]
    expected = {
        table.name: [*table.column_names, "_source_file", "_source_line"] for table in SOURCE_TABLES
    }
    assert declared == expected
