"""`generate`: the whole demo company, chunk by chunk, into one file per source table."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from orchestration.demo.columns import _Column
from orchestration.demo.crm import _activities, _contacts, _opportunities
from orchestration.demo.erp import _erp
from orchestration.demo.relations import MAX_SCALE, _Counters, _relation_columns, _relations
from orchestration.demo.words import _STYLES
from orchestration.demo.world import _build_world, _World
from orchestration.demo.writers import _CsvWriter, _FileSink, _ParquetWriter
from orchestration.ingest.contract import SOURCE_TABLES

DEFAULT_SCALE = 5000
DEFAULT_SEED = 42
FILE_FORMATS = ("csv", "parquet")
DIALECTS = ("comma", "semicolon")

# Relations per chunk: large enough to amortise numpy call overhead, small enough that a
# chunk (about a million invoice lines) stays in a few hundred MB. Part of the output's
# identity: changing it changes the bytes for a given seed.
CHUNK_RELATIONS = 10_000


def _chunk(world: _World, index: int, counters: _Counters) -> dict[str, dict[str, _Column]]:
    """All rows hanging off relations [index * CHUNK_RELATIONS, ...), per raw table."""
    rng = world.rng(1 + index)
    first = index * CHUNK_RELATIONS
    rel = _relations(world, rng, first, min(CHUNK_RELATIONS, world.scale - first))
    relations = _relation_columns(world, rng, rel)
    contacts, contact_first, contact_count = _contacts(world, rng, rel, counters)
    ids = relations["relation_id"]
    activities = _activities(world, rng, rel, contact_first, contact_count, ids, counters)
    opportunities = _opportunities(world, rng, rel, ids, counters)
    customers, invoices, lines, payments = _erp(world, rng, rel, index == 0, counters)
    return {
        "crm_relations": relations,
        "crm_contacts": contacts,
        "crm_activities": activities,
        "crm_opportunities": opportunities,
        "erp_customers": customers,
        "erp_invoices": invoices,
        "erp_invoice_lines": lines,
        "erp_payments": payments,
    }


def generate(
    out_dir: str | Path,
    scale: int = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    end_date: dt.date | str | None = None,
    file_format: str = "csv",
    dialect: str = "comma",
) -> dict[str, int]:
    """Write the demo company's source files into `out_dir`; return rows per raw table.

    `scale` is the number of CRM relations; invoice lines come to about 100 per
    relation. Nothing is dated after `end_date` (default today); the history covers
    about four years before it. Equal arguments give byte-identical files. `dialect`
    only applies to CSV. Files of the other format for the same tables are removed, so
    the folder always holds exactly one file per source table.
    """
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, not {file_format!r}")
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE:,}, not {scale}")
    if end_date is None:
        end_date = dt.date.today()
    elif isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    if not dt.date(1990, 1, 1) <= end_date <= dt.date(2100, 12, 31):
        raise ValueError(f"end_date must lie between 1990 and 2100, not {end_date}")

    out = Path(out_dir)
    world = _build_world(scale, seed, end_date)
    counts = {table.name: 0 for table in SOURCE_TABLES}
    with contextlib.ExitStack() as stack:
        writers: dict[str, _CsvWriter | _ParquetWriter] = {}
        sink = _FileSink() if file_format == "csv" else None
        for table in SOURCE_TABLES:
            path = out / f"{table.relative_path}.{file_format}"
            path.parent.mkdir(parents=True, exist_ok=True)
            for other in FILE_FORMATS:
                if other != file_format:
                    (out / f"{table.relative_path}.{other}").unlink(missing_ok=True)
            if sink is None:
                writers[table.name] = _ParquetWriter(path, table)
            else:
                writers[table.name] = _CsvWriter(path, table, _STYLES[dialect], sink)
            stack.callback(writers[table.name].close)
        if sink is not None:
            stack.callback(sink.close)  # runs first: flush the queue before closing files
        counts["crm_salespeople"] += writers["crm_salespeople"].write(world.salespeople)
        counts["crm_absences"] += writers["crm_absences"].write(world.absences)
        counters = _Counters()
        for index in range(-(-scale // CHUNK_RELATIONS)):
            for name, columns in _chunk(world, index, counters).items():
                counts[name] += writers[name].write(columns)
    return counts
