"""Where the raw rows of a file go as they are read: a Parquet file (the store's raw copy) or memory.

The store keeps every row exactly as the file wrote it in ``<store>.raw/<file_id>.parquet``
(``c1 … cN, row_number``).  A CSV is read block by block and each block is written there at once, so
the whole file is never held in memory; the staging SQL then reads the rows back from that Parquet file
(a columnar read: each pass decodes only the columns it needs).  Without a store (staging alone, the
GDELT export), the blocks are collected into an Arrow table instead.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pyarrow.parquet as pq

#: The raw rows' number column: ``_row`` while staging, ``row_number`` in the store's Parquet file.
ROW = "_row"
STORED_ROW = "row_number"
#: Compression of the raw Parquet copy. Measured on 500k ACLED rows (the whole ingest, 2 runs each on the
#: loaded 2-core machine): zstd 14.0/15.2 CPU s and 36 MB, lz4 15.6/13.0 s and 59 MB, snappy 16.0/14.0 s
#: and 59 MB: no difference the noise does not hide, so the smallest copy.
RAW_COMPRESSION = "zstd"
#: Rows encoded per step of the Parquet writer: a whole block (Arrow's default, 1,024, makes a data page every
#: ~1 MB and checks its size after each step).  ACLED 2M, writing alone: 2.55 → 2.35 CPU s, 145 → 126 MB.
RAW_WRITE_BATCH = 1 << 16
#: A column is dictionary-encoded in the raw copy unless more than this share of the first block's values
#: are distinct (ids, long free text): their dictionary only costs (Arrow fills it up to 1 MB a row group
#: before it falls back to plain values).  ACLED 2M, writing alone, with RAW_WRITE_BATCH: 2.35 → 2.1 CPU s,
#: 126 → 112 MB.
RAW_DICTIONARY_MAX_DISTINCT = 0.5
#: Largest dictionary page of a column chunk: a column given a dictionary keeps it for the whole row group (a
#: block of the CSV reader, 16 MB of the file, so its dictionary is never larger). Arrow's default, 1 MB, makes a
#: column whose distinct values outgrow it (descriptions that repeat) fall back to plain values midway, which
#: then are compressed whole. ACLED 2M (generated: its descriptions repeat), writing alone: 1.9 → 1.65 CPU s,
#: 112 → 77 MB; a file whose descriptions are unique gives them no dictionary and is not changed.
RAW_DICTIONARY_PAGE_LIMIT = 16 << 20


def _stored(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_name(STORED_ROW) if f.name == ROW else f for f in schema])


def _dictionary_columns(batch: pa.RecordBatch | pa.Table) -> list[str]:
    """The text columns of the first block whose values repeat enough to pay for a dictionary
    (:data:`RAW_DICTIONARY_MAX_DISTINCT`), by their stored names."""
    limit = RAW_DICTIONARY_MAX_DISTINCT * batch.num_rows
    return [
        name
        for name, column in zip(batch.schema.names, batch.columns, strict=True)
        if name != ROW and pa.types.is_string(column.type) and pc.count_distinct(column).as_py() <= limit
    ]


class RawSink:
    """Receives the raw rows (``c1 … cN`` and ``_row``, every value text) batch by batch."""

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """All rows written (the file is complete)."""

    def abort(self) -> None:
        """Forget what was written (a failed or restarted read)."""

    @property
    def rows(self) -> int:
        raise NotImplementedError


class TableSink(RawSink):
    """Collects the rows in memory; :meth:`table` gives them as one Arrow table."""

    def __init__(self) -> None:
        self._parts: list[pa.Table] = []

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._parts.append(batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch]))

    def abort(self) -> None:
        self._parts.clear()

    @property
    def rows(self) -> int:
        return sum(p.num_rows for p in self._parts)

    def table(self, names: list[str]) -> pa.Table:
        if not self._parts:
            return pa.table({**{n: pa.array([], pa.string()) for n in names}, ROW: pa.array([], pa.int64())})
        return pa.concat_tables(self._parts)


class ParquetSink(RawSink):
    """Writes the rows to a Parquet file as they come (zstd; min/max statistics only for ``row_number``,
    which look-ups of raw rows filter on: writing them for the text columns costs ~20%; a dictionary only
    for the columns whose values repeat in the first block, kept for the whole row group).  A failure or
    :meth:`abort` removes the partial file (a full disk must not stay full)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer: pq.ParquetWriter | None = None
        self._rows = 0

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        try:
            if self._writer is None:
                import pyarrow.parquet as pq  # here: importing it (with pyarrow.fs, ssl) costs every command ~0.06 s

                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._writer = pq.ParquetWriter(
                    self.path,
                    _stored(batch.schema),
                    compression=RAW_COMPRESSION,
                    write_statistics=[STORED_ROW],
                    use_dictionary=_dictionary_columns(batch),
                    dictionary_pagesize_limit=RAW_DICTIONARY_PAGE_LIMIT,
                    write_batch_size=RAW_WRITE_BATCH,
                )
            renamed = batch.rename_columns([STORED_ROW if c == ROW else c for c in batch.schema.names])
            if isinstance(renamed, pa.RecordBatch):
                self._writer.write_batch(renamed)
            else:
                self._writer.write_table(renamed)
            self._rows += batch.num_rows
        except BaseException:
            self.abort()
            raise

    def close(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):  # the file is removed below whatever happened
                self._writer.close()
            self._writer = None
        self.path.unlink(missing_ok=True)
        self._rows = 0

    @property
    def rows(self) -> int:
        return self._rows


class BackgroundWriter:
    """Writes the batches given to it into ``sink`` in a thread of its own, one batch at a time, so that
    the next block of a file is parsed while the last one is compressed (both release the GIL: on two
    cores the read takes the longer of the two, not their sum).  At most one batch waits to be written.

    Use as a context manager: leaving the block waits for the last write; a write's failure is raised by
    the next :meth:`write` or on leaving (unless the block itself raised)."""

    def __init__(self, sink: RawSink) -> None:
        self.sink = sink
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spillover-rawcopy")
        self._pending: Future[None] | None = None

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._wait()
        self._pending = self._pool.submit(self.sink.write, batch)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self._wait()
            elif self._pending is not None:  # the block's own error is the one raised
                self._pending.exception()
        finally:
            self._pool.shutdown(wait=True)


def write_raw_table(table: pa.Table, target: Path) -> Path:
    """The raw rows of an Arrow table (``c1 … cN`` and ``_row``) as the store's Parquet file ``target``,
    written under a temporary name and renamed (never a partial file under the final name)."""
    tmp = target.with_suffix(".parquet.tmp")
    sink = ParquetSink(tmp)
    sink.write(table)
    sink.close()
    os.replace(tmp, target)
    return target
