"""What the whole-file steps of the staging read of each row, computed block by block as a CSV is read.

The id checks (duplicate ids need every row), the actor names (from the distinct cells), the attribution
and the country codes read a few values of every row: its id, problems and update stamp, its actor cells and
its country (``_facts``).  Computing them needs DuckDB, and reading the CSV needs Arrow's serial parser:
both release the GIL, so each block's facts are computed while Arrow parses the next one (on two cores the
read then costs the longer of the two), and only the whole-file steps run after the read.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import pyarrow as pa

from spillover.sources.rawcopy import RawSink

#: The staged table of every row's facts (``_row``, ``_sid``, ``_problems``, ``_stamp``, ``country``,
#: ``_actor{i}``, ``_actor{i}_unc``), read by the id checks and the actor names.
FACTS = "_facts"


#: The normalised rows with only the values the facts need (``_n0`` narrowed to :data:`FACTS_FIELDS`): DuckDB
#: binds a view's every expression at each query, and GTD's ``_n0`` takes ~0.1 s to bind.
FACTS_ROWS = "_n0_facts"
#: The normalised values the facts read: the country, and the dates that the date range checks read.
FACTS_FIELDS = frozenset({"country", "date_start", "date_end"})


def facts_sql(actors: int) -> str:
    """SELECT of the facts over the normalised rows :data:`FACTS_ROWS` (``actors``: how many actor columns)."""
    cols = "".join(f", _actor{i}, _actor{i}_unc" for i in range(actors))
    return f"SELECT _row, _sid, _problems, _stamp, country{cols} FROM {FACTS_ROWS}"


#: Rows are gathered into chunks of about this many bytes before their facts are computed: DuckDB plans
#: the normalising SQL for each query (~0.1 s), too much to do for every 16 MB block.
CHUNK_BYTES = 64 << 20


class FactsSink(RawSink):
    """Appends the facts of the raw rows given to it to ``_facts``, a chunk at a time, in a thread of its
    own (at most one chunk computed while the next is gathered).  A chunk is read in place as ``_file``
    (the views ``_src`` and :data:`FACTS_ROWS` over it must exist).  Uses the connection: nothing else may until
    :meth:`close` or :meth:`abort` returns."""

    def __init__(self, con: duckdb.DuckDBPyConnection, actors: int) -> None:
        self._con = con
        self._sql = facts_sql(actors)
        self._created = False
        self._chunk: list[pa.RecordBatch | pa.Table] = []
        self._bytes = 0
        self._rows = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spillover-facts")
        self._pending: Future[None] | None = None
        # one DuckDB thread while Arrow parses on the other core (restored at close or abort)
        self._threads = con.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[index]
        con.execute("SET threads = 1")

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._chunk.append(batch)
        self._bytes += batch.nbytes
        self._rows += batch.num_rows
        if self._bytes >= CHUNK_BYTES:
            self._flush()

    def _flush(self) -> None:
        self._wait()
        chunk, self._chunk, self._bytes = self._chunk, [], 0
        if chunk:
            self._pending = self._pool.submit(self._compute, chunk)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def _compute(self, chunk: list[pa.RecordBatch | pa.Table]) -> None:
        rows = pa.Table.from_batches([b for part in chunk for b in _batches(part)])
        self._con.register("_file", rows)
        try:
            if self._created:
                self._con.execute(f"INSERT INTO {FACTS} {self._sql}")
            else:
                self._con.execute(f"CREATE OR REPLACE TEMP TABLE {FACTS} AS {self._sql}")
                self._created = True
        finally:
            self._con.unregister("_file")

    def close(self) -> None:
        try:
            self._flush()
            self._wait()
        finally:
            self._pool.shutdown(wait=True)
            self._restore_threads()

    def _restore_threads(self) -> None:
        with contextlib.suppress(duckdb.Error):  # a connection a failure invalidated cannot be set
            self._con.execute(f"SET threads = {int(self._threads)}")

    def abort(self) -> None:
        self._chunk, self._bytes = [], 0
        with contextlib.suppress(Exception):  # the chunk computed when the read failed: not needed
            self._wait()
        with contextlib.suppress(duckdb.Error):  # a connection a failure invalidated: nothing to drop
            self._con.execute(f"DROP TABLE IF EXISTS {FACTS}")
        self._created = False
        self._rows = 0
        self._restore_threads()

    @property
    def rows(self) -> int:
        return self._rows


def _batches(part: pa.RecordBatch | pa.Table) -> list[pa.RecordBatch]:
    return [part] if isinstance(part, pa.RecordBatch) else part.to_batches()


class TeeSink(RawSink):
    """Gives every batch to each of its sinks in turn (the raw Parquet copy, then the facts)."""

    def __init__(self, *sinks: RawSink) -> None:
        self.sinks = sinks

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        for sink in self.sinks:
            sink.write(batch)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()

    def abort(self) -> None:
        for sink in self.sinks:
            sink.abort()

    @property
    def rows(self) -> int:
        return self.sinks[0].rows
