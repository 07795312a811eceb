"""One ingestion asset per source table: validate the export and load `raw.<table>`.

Asset keys are `[system, entity]` (e.g. `crm/relations`), the keys dagster-dbt gives the
dbt sources over the raw schema, so every staging model is downstream of its file. A
table whose rows belong to a parent (invoice lines to invoices) depends on the parent's
asset: its rows are checked against the parent as loaded in the same refresh. The source
mapping (`mapping.yml` in the source folder, or `PYRAMID_SOURCE_MAPPING`) is read by
every asset, so a mistake in it fails the run naming its line.

Each asset also writes what it found in its file (`orchestration.ingest.report`, the
report `make inspect` gives) to `<warehouse>.sources/<table>.json` beside the published
warehouse, also when the file stops the refresh: the Datakwaliteit page shows it.
"""

import dagster as dg

from orchestration.defs.resources import WarehouseResource
from orchestration.ingest import (
    SourceFileError,
    find_optional_source_file,
    find_source_file,
    load_no_file,
    load_source_mapping,
    load_table,
)
from orchestration.ingest.contract import SOURCE_TABLES, SOURCE_TABLES_BY_NAME, SourceTable
from orchestration.ingest.report import report_after_load, report_of_error, write_report
from orchestration.privacy.erasure import CONTACTS, apply_register


def _asset_key(table: SourceTable) -> dg.AssetKey:
    return dg.AssetKey([table.system, table.entity])


def build_ingestion_asset(table: SourceTable) -> dg.AssetsDefinition:
    parents = [SOURCE_TABLES_BY_NAME[parent] for _, parent, _ in table.parent_references]

    @dg.asset(
        key=_asset_key(table),
        deps=[_asset_key(parent) for parent in parents],
        group_name="raw",
        kinds={"duckdb", "csv"},
        description=f"{table.description} Loaded from {table.relative_path}.csv, .xlsx or "
        f".parquet (or the file mapping.yml names) into raw.{table.name}; invalid rows go "
        "to raw.ingest_rejects.",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        mapping, path = None, None
        try:
            mapping = load_source_mapping(settings.source_dir).for_table(table)
            path = find_optional_source_file(settings.source_dir, table, mapping)
            if path is None and table.optional:
                with warehouse.connect_build() as con:
                    result = load_no_file(con, table, settings.source_dir)
                    report = report_after_load(con, table, result, mapping)
                write_report(settings.warehouse, report, context.run.run_id)
                context.log.info(
                    f"{table.relative_path}: no file, so no rows (the file is optional)"
                )
                return dg.MaterializeResult(
                    metadata={"source_file": "none", "rows_read": 0, "dagster/row_count": 0}
                )
            path = find_source_file(settings.source_dir, table, mapping)
            with warehouse.connect_build() as con:
                result = load_table(con, table, path, mapping=mapping)
                report = report_after_load(con, table, result, mapping)
                # Erased contacts (audit.erasures) are erased again before dbt reads them.
                erased = apply_register(con) if table.name == CONTACTS.name else None
        except SourceFileError as error:
            write_report(settings.warehouse, report_of_error(table, error, path, mapping))
            raise
        write_report(settings.warehouse, report, context.run.run_id)
        if erased is not None and erased.rows_changed:
            context.log.info(f"erasure register applied: {erased.rows}")
        if result.rows_rejected:
            context.log.warning(
                f"{path}: {result.rows_rejected} of {result.rows_read} rows rejected "
                f"({result.rejects_by_reason}); see raw.ingest_rejects"
            )
        if result.extra_columns:
            context.log.info(f"{path}: extra columns ignored: {', '.join(result.extra_columns)}")
        return dg.MaterializeResult(
            metadata={
                "source_file": dg.MetadataValue.path(result.source_file),
                "file_format": result.file_format,
                "sheet": result.sheet or "n/a",
                "mapping": str(mapping.mapping_file) if mapping.mapping_file else "none",
                "encoding": result.encoding or "n/a",
                "loaded_at": dg.MetadataValue.timestamp(result.loaded_at),
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_rejected": result.rows_rejected,
                "rejects_by_reason": dg.MetadataValue.json(result.rejects_by_reason),
                "extra_columns": ", ".join(result.extra_columns) or "none",
                "dagster/row_count": result.rows_loaded,
            }
        )

    _ingest.__name__ = f"ingest_{table.name}"
    return _ingest


ingestion_assets = [build_ingestion_asset(table) for table in SOURCE_TABLES]
