"""Ingestion with validation at the door: source files into the `raw` schema.

Every source table of the contract (`orchestration.ingest.contract`) arrives as one CSV,
Excel (`.xlsx`) or Parquet file, under the contract's name or the one the source mapping
(`mapping.yml`, `orchestration.ingest.mapping`) gives it, with the mapping's headers and
codes. `load_table` reads it with DuckDB, checks every value against the
contract and writes three things:

* `raw.<table>`: the rows that passed, typed by `RAW_SQL_TYPE`, in contract order, plus
  `_source_file` and `_source_line`;
* `raw.ingest_rejects`: one row per record that did not pass, with file, line, column,
  the offending value and the reason, so a user can fix the export;
* `raw.ingest_runs`: one row per table with the counts of the last load.

Nothing is dropped silently: every record read is either loaded or rejected, and the
load fails if those counts do not add up. File-level problems (missing file or column,
empty file, a delimiter other than ',' or ';', a file mixing encodings) raise
`SourceFileError` and leave the previous tables intact.

A file that is not UTF-8 is read as Windows-1252 (what older Excel and ERP exports
write), and a record that refers to a parent the parent's file did not deliver (an
invoice line of an unknown invoice) is rejected; see `load_table`.

All work on rows happens in SQL inside DuckDB (there is no Python loop over rows), so
the same code loads a demo file and an export of tens of millions of rows. The package knows
nothing about Dagster: an asset per table calls `find_source_file` and `load_table`.

A load, module by module: `mapping` reads the company's mapping; `files` finds the file;
`csv_dialect` reads a CSV header (encoding, delimiter) and `columns` maps its names to the
contract's (a Parquet file goes straight to `columns`; `excel` turns a sheet into rows of
text first); `encoding` copies a Windows-1252 file to UTF-8; `loader` reads
the file into temporary tables, where the SQL of `validation` types and checks every
value, and numbers, judges and writes the records; `load` runs those steps in one
transaction into the tables of `schema`. A new file format is a reader in `loader` that
ends in the same validation SQL.
"""

from orchestration.ingest.errors import (
    MappingError,
    MissingColumnError,
    ParentNotLoadedError,
    ReconciliationError,
    SourceFileError,
)
from orchestration.ingest.files import find_optional_source_file, find_source_file
from orchestration.ingest.load import LoadResult, load_no_file, load_table
from orchestration.ingest.mapping import (
    NO_MAPPING,
    SourceMapping,
    TableMapping,
    load_source_mapping,
    read_mapping,
)
from orchestration.ingest.schema import RAW_SCHEMA, ensure_raw_schema

__all__ = [
    "NO_MAPPING",
    "RAW_SCHEMA",
    "LoadResult",
    "MappingError",
    "MissingColumnError",
    "ParentNotLoadedError",
    "ReconciliationError",
    "SourceFileError",
    "SourceMapping",
    "TableMapping",
    "ensure_raw_schema",
    "find_optional_source_file",
    "find_source_file",
    "load_no_file",
    "load_source_mapping",
    "load_table",
    "read_mapping",
]
