"""Writing the generated columns to files: CSV through the row matrix and a background
file sink, Parquet through pyarrow with the contract's types."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from orchestration.demo.columns import _Column
from orchestration.demo.words import _csv_quote, _CsvStyle
from orchestration.ingest.contract import RAW_SQL_TYPE, SourceTable

# Rows per CSV formatting block: the row matrix of a block stays in the CPU cache.
_CSV_BLOCK_ROWS = 8192


_ARROW_TYPES = {
    "id": pa.string(),
    "text": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.decimal128(18, 2),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}
assert set(_ARROW_TYPES) == set(RAW_SQL_TYPE), "every contract type needs an Arrow type"


class _FileSink:
    """Appends byte blocks to files from a background thread.

    The kernel's copy into the page cache (about a gigabyte per 10M invoice lines)
    releases the GIL, so it overlaps with formatting the next block. Blocks are written
    in the order they are queued, so the output does not depend on timing; the bounded
    queue keeps memory flat.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[BinaryIO, bytes] | None] = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="demo-data-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    item[0].write(item[1])
                except BaseException as error:  # handed to the producer
                    self._error = error

    def write(self, file: BinaryIO, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((file, data))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _CsvWriter:
    def __init__(self, path: Path, table: SourceTable, style: _CsvStyle, sink: _FileSink):
        self.table = table
        self.style = style
        self.sink = sink
        self.file = path.open("wb")
        header = [_csv_quote(name, style.delimiter) for name in table.column_names]
        self.file.write((style.delimiter.join(header) + "\n").encode())

    def write(self, columns: dict[str, _Column]) -> int:
        ordered = [columns[name] for name in self.table.column_names]
        suffixes = [self.style.delimiter] * (len(ordered) - 1) + ["\n"]
        n = len(ordered[0])
        for start in range(0, n, _CSV_BLOCK_ROWS):
            rows = slice(start, min(n, start + _CSV_BLOCK_ROWS))
            plans = [c.plan(rows, self.style, s) for c, s in zip(ordered, suffixes, strict=True)]
            matrix = np.empty((rows.stop - rows.start, sum(w for w, _ in plans)), np.uint32)
            at = 0
            for width, fill in plans:
                fill(matrix[:, at : at + width])
                at += width
            # Squeeze out the NUL padding. bytes.translate beats numpy's boolean
            # indexing here: the NULs sit at the same places row after row, so its
            # byte loop predicts well.
            self.sink.write(self.file, matrix.tobytes().translate(None, b"\0"))
        return n

    def close(self) -> None:
        self.file.close()


class _ParquetWriter:
    def __init__(self, path: Path, table: SourceTable):
        import pyarrow.parquet as pq  # only Parquet output needs it

        self.schema = pa.schema(
            [pa.field(c.name, _ARROW_TYPES[c.type], nullable=c.nullable) for c in table.columns]
        )
        # Dictionary pages pay off for repeated text (sectors, cities, types) but cost
        # more than they save on ids and amounts, which are nearly all distinct.
        text = [c.name for c in table.columns if c.type == "text"]
        self.writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", use_dictionary=text or False
        )

    def write(self, columns: dict[str, _Column]) -> int:
        arrays = [columns[f.name].to_arrow(f.type) for f in self.schema]
        batch = pa.Table.from_arrays(arrays, schema=self.schema)
        if batch.num_rows:
            self.writer.write_table(batch)
        return batch.num_rows

    def close(self) -> None:
        self.writer.close()
