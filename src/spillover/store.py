"""The event store: one embedded DuckDB file holding every source, plus Parquet export.

Tables (see :mod:`spillover.schema` for the event columns):

* ``files`` — one row per ingested file: its sha256 (the key that makes re-ingest a no-op), path, source,
  layout, encoding, row counts and the options it was loaded with;
* ``events`` — the normalised events of every source;
* ``event_actors`` — every actor name of every event, with its role and an ``uncertain`` flag;
* ``raw_rows`` — every row of every file, linked to its event (NULL when quarantined);

and beside the DuckDB file, a folder ``<store>.raw/`` with one Parquet file per ingested file
(``<file_id>.parquet``: ``row_number, c1 … cN``, the columns named by ``files.header``): the original
values of every row exactly as the file wrote them, so nothing a source says is ever lost.  Parquet is
columnar and compressed (GTD's 135 columns shrink ~30×) and DuckDB, Spark or pandas read it directly.
* ``quarantine`` — rows that were not loaded: file, row number, field, value and reason;
* ``skipped_rows`` — rows that are not events (an HXL hashtag row, an empty spreadsheet row): file, row
  number, reason and text; they are in ``raw_rows`` (unlinked) and the raw Parquet like every row;
* ``event_versions``, ``event_actor_versions``, ``event_stamps``, ``deleted_events`` — the superseded and
  deleted versions of events and when the source changed each (:mod:`spillover.versions`); ``events`` holds
  the current version only.  Pulls from the APIs keep their state in ``pulls`` and ``pull_pages``
  (:mod:`spillover.loading.pulls`) and commit each page like a file.

A file none of whose rows loads is refused (:class:`spillover.errors.NothingLoads`), not recorded; a
loaded file and everything it brought can be taken out again with :func:`remove_file`.

An ingest runs in one transaction: killed at any point (even ``kill -9``), DuckDB's write-ahead log
discards the unfinished transaction and the store is exactly as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd
import pyarrow as pa

from spillover._duck import has_table, scalar, transaction
from spillover.config import default_store_path
from spillover.errors import InputError, NothingLoads
from spillover.schema import EVENT_ID_DDL, events_table_ddl
from spillover.sources.base import Loader
from spillover.sources.layouts import Match
from spillover.sources.rawcopy import write_raw_table
from spillover.sources.reading import raw_columns, sha256_of
from spillover.sources.stage import Staged, drop_staged, stage_file, stage_table
from spillover.versions import (
    VERSION_TABLES,
    block_deleted,
    create_version_tables,
    drop_version_staging,
    record_stamps,
    supersede_edited,
)

SCHEMA_VERSION = 1
#: DuckDB's memory during an ingest (it spills to the store's temp folder beyond): without a bound it keeps
#: every page it touched, ~2.5 GB for a 1 GB CSV; with it, ~1.4 GB at the cost of ~3% more CPU time.
INGEST_MEMORY_LIMIT = "1GB"
#: Row-group merges ("vacuum") in the checkpoint that ends an ingest: none. DuckDB's parallel insert leaves
#: a partly filled row group or two per table; merging them rewrites (and compresses again) whole row groups
#: on one thread: 0.9 of 3.6 s wall for 300k ACLED rows, against 0.06 s without. The rows are the same.
INGEST_VACUUM_TASKS = 0

_DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS files (
        file_id VARCHAR PRIMARY KEY, path VARCHAR, name VARCHAR, bytes BIGINT, source VARCHAR, layout VARCHAR,
        layout_description VARCHAR, encoding VARCHAR, rows BIGINT, events_added BIGINT, events_known BIGINT,
        rows_quarantined BIGINT, absent_columns VARCHAR[], extra_columns VARCHAR[], header VARCHAR[],
        raw_file VARCHAR, options VARCHAR, ingested_at TIMESTAMP)""",
    events_table_ddl("events"),
    f"""CREATE TABLE IF NOT EXISTS event_actors (
        {EVENT_ID_DDL}, role VARCHAR, ordinal INTEGER, name VARCHAR, uncertain BOOLEAN)""",
    f"""CREATE TABLE IF NOT EXISTS raw_rows (file_id VARCHAR, row_number BIGINT, {EVENT_ID_DDL})""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        file_id VARCHAR, row_number BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS skipped_rows (
        file_id VARCHAR, row_number BIGINT, reason VARCHAR, value VARCHAR)""",
]

TABLES = ("files", "events", "event_actors", "raw_rows", "quarantine", "skipped_rows")


@dataclass
class IngestReport:
    """What one ingest did: enough to tell the user, and to check that every row is accounted for."""

    path: str
    file_id: str
    status: str  # 'ingested' | 'already ingested'
    source: str = ""
    layout: str = ""
    layout_description: str = ""
    encoding: str = ""
    rows: int = 0
    events_added: int = 0
    events_known: int = 0  # events of this file already in the store from another file of the same source
    events_updated: int = 0  # of those, events this file carries a newer version of (spillover.versions)
    rows_quarantined: int = 0
    absent_columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    #: Rows that are not events (HXL hashtag rows, empty spreadsheet rows), by reason.
    rows_skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Store:
    """A DuckDB file of events.  Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise FileNotFoundError(
                f"{self.path}: no store here yet. Fix: load data first with `spillover data add FILE` "
                f"(or point --store / SPILLOVER_STORE at an existing store)."
            )
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        self.con.execute("SET enable_progress_bar = false")  # the commands show their own progress
        if not read_only:
            self._create_schema()
            self._remove_unfinished_raw()

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _remove_unfinished_raw(self) -> None:
        """Remove the raw Parquet files an ingest killed while reading left under their temporary name.
        Only the process holding the store for writing (DuckDB's lock: this one) ingests into it."""
        if self.raw_dir.is_dir():
            for unfinished in self.raw_dir.glob("*.parquet.tmp"):
                unfinished.unlink(missing_ok=True)

    def _create_schema(self) -> None:
        for ddl in _DDL:
            self.con.execute(ddl)
        create_version_tables(self.con)
        self.con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [str(SCHEMA_VERSION)]
        )

    # -- ingest ------------------------------------------------------------------------------------
    @contextmanager
    def _ingest_settings(self) -> Iterator[None]:
        """DuckDB's memory limit set to :data:`INGEST_MEMORY_LIMIT` for the block, then reset (the store's
        connection otherwise runs with DuckDB's default, 80% of the RAM); and the ingest checkpointed at its
        end without merging row groups (:data:`INGEST_VACUUM_TASKS`)."""
        self.con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
        self.con.execute(f"SET max_vacuum_tasks = {INGEST_VACUUM_TASKS}")
        try:
            yield
            with contextlib.suppress(duckdb.TransactionException):  # another transaction open: at close
                self.con.execute("CHECKPOINT")
        finally:
            with contextlib.suppress(duckdb.Error):  # a connection a failure invalidated cannot be reset
                self.con.execute("RESET memory_limit")
                self.con.execute("RESET max_vacuum_tasks")

    def ingest(
        self,
        path: str | Path,
        *,
        source: str | None = None,
        allow_extra: bool = False,
        provided: Mapping[str, str] | None = None,
        on_step: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Load one file.  Idempotent (a file already loaded, by content hash, adds nothing) and atomic."""
        step = on_step or (lambda _msg: None)
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        step("hashing")
        # Only a file of the size of a loaded one can be that file: such a file is hashed first, so that a
        # file already loaded is not read at all; any other is hashed as it is read (one pass, not two).
        file_id = None
        if scalar(self.con, "SELECT count(*) FROM files WHERE bytes = ?", [path.stat().st_size]):
            file_id = sha256_of(path)
            if self._has_file(file_id):
                return IngestReport(path=str(path), file_id=file_id, status="already ingested")
        step("reading and normalising")
        with self._ingest_settings():
            return self._ingest_file(path, file_id, source, allow_extra, provided, step)

    def _has_file(self, file_id: str) -> bool:
        return bool(scalar(self.con, "SELECT count(*) FROM files WHERE file_id = ?", [file_id]))

    def _ingest_file(
        self,
        path: Path,
        file_id: str | None,
        source: str | None,
        allow_extra: bool,
        provided: Mapping[str, str] | None,
        step: Callable[[str], None],
    ) -> IngestReport:
        # A CSV's raw rows are written to the raw Parquet file as it is read (under a temporary name) and
        # staged from there; renamed just before the commit. If the ingest dies before the commit, the file
        # is an orphan no table points to, removed when the store is next opened for writing.
        reading = self.raw_dir / f"reading-{uuid.uuid4().hex}.parquet.tmp"
        try:
            staged = stage_file(
                self.con, path, source=source, allow_extra=allow_extra, provided=provided, raw_path=reading
            )
        except BaseException:
            reading.unlink(missing_ok=True)
            raise
        if file_id is None:  # hashed as it was read (a CSV), else now
            file_id = staged.sha256 or sha256_of(path)
            if self._has_file(file_id):  # not expected: no loaded file had its size
                drop_staged(self.con)
                reading.unlink(missing_ok=True)
                return IngestReport(path=str(path), file_id=file_id, status="already ingested")
        if staged.events == 0 and staged.rows > staged.skipped:
            reasons = self._staged_reasons()
            drop_staged(self.con)
            reading.unlink(missing_ok=True)
            raise NothingLoads(
                f"{path}: none of its {staged.rows:,} rows loads, so the file is refused and not recorded "
                f"(the store is unchanged). Most frequent reasons: {reasons}"
            )
        step("keeping the raw rows and committing")
        # Rows kept in memory (spreadsheets, GDELT) are written in a background thread while DuckDB moves the
        # staged tables, finished before the commit. (Leaving the ``with`` waits for the writer, also when
        # the commit fails.)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spillover-raw") as pool:
            raw_written = pool.submit(self._write_raw, file_id, staged) if staged.raw_path is None else None
            return self._commit(path, file_id, staged, raw_written, source, allow_extra, provided)

    def ingest_rows(
        self,
        table: pa.Table,
        header: Sequence[str],
        *,
        loader: Loader,
        match: Match,
        file_id: str,
        origin: tuple[str, str, int],
        stamp: int | None = None,
        in_transaction: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Load rows that do not come from a local file (a page of an API, ``c1 … cN`` and ``_row`` as text)
        through the same staging, validation, quarantine and commit as a file.  ``file_id`` identifies the
        rows (a hash of the page), ``origin`` is ``(location, name, bytes)``; ``stamp`` is the time of change
        given to events whose rows do not say one (:mod:`spillover.versions`).  Idempotent and atomic."""
        location, name, _size = origin
        if scalar(self.con, "SELECT count(*) FROM files WHERE file_id = ?", [file_id]):
            return IngestReport(path=location, file_id=file_id, status="already ingested")
        with self._ingest_settings():
            return self._ingest_rows(table, header, loader, match, file_id, origin, stamp, in_transaction)

    def _ingest_rows(
        self,
        table: pa.Table,
        header: Sequence[str],
        loader: Loader,
        match: Match,
        file_id: str,
        origin: tuple[str, str, int],
        stamp: int | None,
        in_transaction: Callable[[IngestReport], None] | None,
    ) -> IngestReport:
        _location, name, _size = origin
        staged = stage_table(
            self.con, table, header, loader=loader, match=match, path=Path(name), encoding="utf-8"
        )
        if stamp is not None:  # the time of the pull, for sources whose records do not say when they changed
            self.con.execute("UPDATE _stage_stamps SET stamp = ? WHERE stamp IS NULL", [stamp])
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spillover-raw") as pool:
            raw_written = pool.submit(self._write_raw, file_id, staged)
            return self._commit(
                Path(name),
                file_id,
                staged,
                raw_written,
                loader.source,
                False,
                None,
                origin=origin,
                in_transaction=in_transaction,
            )

    def _commit(
        self,
        path: Path,
        file_id: str,
        staged: Staged,
        raw_written: Future[Path] | None,
        source: str | None,
        allow_extra: bool,
        provided: Mapping[str, str] | None,
        *,
        origin: tuple[str, str, int] | None = None,
        in_transaction: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """The ingest's transaction: the staged tables, then (once the raw Parquet is written) the file.

        ``origin`` is ``(location, name, bytes)`` of rows that do not come from a local file (an API page);
        ``in_transaction`` runs just before the commit (a pull records its progress atomically with the page).
        """
        try:
            with transaction(self.con):
                known, updated = self._commit_staged(file_id, staged)
                report = IngestReport(
                    path=str(path),
                    file_id=file_id,
                    status="ingested",
                    source=staged.source,
                    layout=staged.layout,
                    layout_description=staged.layout_description,
                    encoding=staged.encoding,
                    rows=staged.rows,
                    events_added=staged.events - known,
                    events_known=known,
                    events_updated=updated,
                    rows_quarantined=staged.quarantined_rows,
                    absent_columns=staged.absent_columns,
                    extra_columns=staged.extra_columns,
                    quarantine_reasons=self._quarantine_reasons(file_id),
                    rows_skipped=staged.skipped,
                    skip_reasons=self._skip_reasons(file_id),
                )
                raw_file = self._finish_raw(file_id, staged, raw_written)
                location, name, size = origin or (str(path.resolve()), path.name, path.stat().st_size)
                self.con.execute(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        file_id,
                        location,
                        name,
                        size,
                        staged.source,
                        staged.layout,
                        staged.layout_description,
                        staged.encoding,
                        staged.rows,
                        report.events_added,
                        known,
                        staged.quarantined_rows,
                        list(staged.absent_columns),
                        list(staged.extra_columns),
                        list(staged.header),
                        raw_file.name,
                        json.dumps(
                            {"source": source, "allow_extra": allow_extra, "provided": dict(provided or {})}
                        ),
                        datetime.now(UTC).replace(tzinfo=None),
                    ],
                )
                if in_transaction is not None:
                    in_transaction(report)
        except BaseException:
            self._discard_raw(file_id, raw_written)
            if staged.raw_path is not None:
                staged.raw_path.unlink(missing_ok=True)
            raise
        finally:
            with contextlib.suppress(duckdb.Error):
                drop_staged(self.con)
                drop_version_staging(self.con)
        return report

    def _finish_raw(self, file_id: str, staged: Staged, raw_written: Future[Path] | None) -> Path:
        """The raw Parquet file under its final name: the one written while reading, renamed (nothing
        reads it any more), or the background writer's, waited for (raises if it could not be written)."""
        if raw_written is not None:
            return raw_written.result()
        assert staged.raw_path is not None
        target = self._raw_target(file_id)
        os.replace(staged.raw_path, target)
        return target

    def _discard_raw(self, file_id: str, raw_written: Future[Path] | None) -> None:
        """After a failed commit: remove the raw Parquet this ingest wrote (no table points to it, and on
        a full disk it would keep the disk full)."""
        target = self._raw_target(file_id)
        target.with_suffix(".parquet.tmp").unlink(missing_ok=True)
        if raw_written is not None:
            try:
                raw_written.result()
            except BaseException:  # noqa: BLE001 - the writer's own failure already removed its partial file
                return
        target.unlink(missing_ok=True)

    def _raw_target(self, file_id: str) -> Path:
        return self.raw_dir / f"{file_id}.parquet"

    def _staged_reasons(self, limit: int = 3) -> str:
        rows = self.con.execute(
            f"""SELECT field || ': ' || reason, count(*), min(row_number) FROM _stage_quarantine
                GROUP BY 1 ORDER BY 2 DESC LIMIT {limit}"""
        ).fetchall()
        return "; ".join(f"{why} ({n:,} rows, first row {first})" for why, n, first in rows) or "none given"

    @property
    def raw_dir(self) -> Path:
        """Folder of the raw-row Parquet files: ``<store>.raw`` beside the DuckDB file."""
        return self.path.with_name(self.path.stem + ".raw")

    def _write_raw(self, file_id: str, staged: Staged) -> Path:
        """The raw rows kept in memory (``staged.table``) as the file's raw Parquet."""
        assert staged.table is not None
        return write_raw_table(staged.table, self._raw_target(file_id))

    def _commit_staged(self, file_id: str, staged: Staged) -> tuple[int, int]:
        """Move the staged tables into the store; returns how many events were already there (or were
        deleted by their source) and how many of those this file carries a newer version of."""
        block_deleted(self.con)
        self.con.execute("""
            CREATE OR REPLACE TEMP TABLE _known AS
            SELECT s.event_id FROM _stage_event_ids s SEMI JOIN events e ON s.event_id = e.event_id
            UNION ALL SELECT event_id FROM _stage_blocked
        """)
        known = scalar(self.con, "SELECT count(*) FROM _known")
        updated = supersede_edited(self.con, file_id, staged.monadic)
        self.con.execute(
            """
            INSERT INTO events SELECT * REPLACE (? AS file_id) FROM _stage_events
            WHERE event_id NOT IN (SELECT event_id FROM _known)
        """,
            [file_id],
        )
        self.con.execute("""
            INSERT INTO event_actors SELECT event_id, role, ordinal, name, uncertain FROM _stage_actors
            WHERE event_id NOT IN (SELECT event_id FROM _known)
        """)
        self.con.execute("INSERT INTO raw_rows SELECT ?, row_number, event_id FROM _stage_raw", [file_id])
        self.con.execute(
            "INSERT INTO quarantine SELECT ?, row_number, field, value, reason FROM _stage_quarantine",
            [file_id],
        )
        record_stamps(self.con)
        self.con.execute(
            "INSERT INTO skipped_rows SELECT ?, row_number, reason, value FROM _stage_skipped", [file_id]
        )
        self.con.execute("DROP TABLE _known")
        return int(known), updated

    def _quarantine_reasons(self, file_id: str) -> dict[str, int]:
        rows = self.con.execute(
            "SELECT field || ': ' || reason, count(*) FROM quarantine WHERE file_id = ? GROUP BY 1 ORDER BY 2 DESC",
            [file_id],
        ).fetchall()
        return {k: int(v) for k, v in rows}

    def _skip_reasons(self, file_id: str) -> dict[str, int]:
        rows = self.con.execute(
            "SELECT reason, count(*) FROM skipped_rows WHERE file_id = ? GROUP BY 1 ORDER BY 2 DESC",
            [file_id],
        ).fetchall()
        return {k: int(v) for k, v in rows}

    # -- reading -----------------------------------------------------------------------------------
    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        """Run SQL against the store and return a DataFrame."""
        return self.con.execute(sql, params or []).fetchdf()

    @contextmanager
    def registered(self, **frames: pd.DataFrame) -> Iterator[Store]:
        """The frames visible to SQL under the given names for the block's duration (then unregistered)."""
        for name, frame in frames.items():
            self.con.register(name, frame)
        try:
            yield self
        finally:
            for name in frames:
                self.con.unregister(name)

    def coverage_by_file(self) -> pd.DataFrame:
        """Per file and country: the file's source and name, the first and last event date of any actor
        and the number of events (what a source covers, where and when: the base of every coverage rule)."""
        frame = self.query(
            """
            SELECT e.file_id, f.name AS file, f.source, e.country_iso3,
                   min(e.date_start) AS first, max(e.date_end) AS last, count(*) AS events
            FROM events e JOIN files f USING (file_id)
            GROUP BY ALL ORDER BY f.source, e.country_iso3, first
            """
        )
        frame["first"] = pd.to_datetime(frame["first"])
        frame["last"] = pd.to_datetime(frame["last"])
        return frame

    def fingerprint(self) -> str:
        """A short hash of what the store holds (its files): results computed on the store can be kept
        under it and are stale as soon as a file is added or removed."""
        import hashlib

        ids = scalar(self.con, "SELECT coalesce(string_agg(file_id, ',' ORDER BY file_id), '') FROM files")
        return hashlib.sha256(f"{SCHEMA_VERSION}|{ids}".encode()).hexdigest()[:16]

    def files(self) -> pd.DataFrame:
        return self.query("SELECT * EXCLUDE (absent_columns, extra_columns) FROM files ORDER BY ingested_at")

    def counts(self) -> dict[str, int]:
        return {t: int(scalar(self.con, f"SELECT count(*) FROM {t}")) for t in TABLES}

    def raw_row(self, event_id: str) -> list[dict[str, str]]:
        """The original row(s) an event was loaded from, as the source wrote them (header → value)."""
        located = self.con.execute(
            "SELECT file_id, row_number FROM raw_rows WHERE event_id = ? ORDER BY file_id, row_number",
            [event_id],
        ).fetchall()
        return [self.raw_rows(file_id, [n])[n] for file_id, n in located]

    def raw_rows(self, file_id: str, row_numbers: list[int]) -> dict[int, dict[str, str]]:
        """Original rows of one file by row number (1-based), as header → value."""
        header, raw_file = self.con.execute(
            "SELECT header, raw_file FROM files WHERE file_id = ?", [file_id]
        ).fetchall()[0]
        rows = self.con.execute(
            f"SELECT row_number, {raw_columns(len(header))} FROM read_parquet(?) "
            "WHERE row_number IN (SELECT unnest(?))",
            [str(self.raw_dir / raw_file), row_numbers],
        ).fetchall()
        return {int(r[0]): dict(zip(header, r[1:], strict=True)) for r in rows}

    def quarantined(self, file_id: str | None = None) -> pd.DataFrame:
        where = "WHERE q.file_id = ?" if file_id else ""
        return self.query(
            f"SELECT f.name AS file, q.row_number, q.field, q.value, q.reason FROM quarantine q "
            f"JOIN files f USING (file_id) {where} ORDER BY f.name, q.row_number",
            [file_id] if file_id else [],
        )

    def export_parquet(self, directory: str | Path) -> list[Path]:
        """Write every table as a Parquet file (for Spark, R, pandas, …)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES + VERSION_TABLES:
            target = out / f"{table}.parquet"
            self.con.execute(f"COPY {table} TO '{target.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
            written.append(target)
        if self.raw_dir.is_dir():
            (out / "raw").mkdir(exist_ok=True)
            for raw in sorted(self.raw_dir.glob("*.parquet")):
                written.append(Path(shutil.copy2(raw, out / "raw" / raw.name)))
        return written


# -- removing a file -------------------------------------------------------------------------------------


@dataclass
class RemovedFile:
    """What :func:`remove_file` took out of the store."""

    file_id: str
    name: str
    events: int  # events the file brought (and no other loaded file has)
    events_kept: int  # events another loaded file also has: kept, now attributed to that file
    raw_rows: int
    quarantined: int
    skipped: int
    links: int


def find_file(store: Store, file_or_id: str | Path) -> tuple[str, str]:
    """(file_id, name) of a loaded file named by its path (by content hash, else by the path it was loaded
    from), its name, or its file id or an unambiguous prefix of it (at least 6 characters)."""
    text = str(file_or_id)
    candidates: list[tuple[str, str]] = []
    path = Path(text)
    if path.is_file():
        candidates = store.con.execute(
            "SELECT file_id, name FROM files WHERE file_id = ?", [sha256_of(path)]
        ).fetchall()
    if not candidates:
        candidates = store.con.execute(
            "SELECT file_id, name FROM files WHERE path = ? OR name = ? OR (length(?) >= 6 AND starts_with(file_id, ?))",
            [str(path.resolve()) if text else text, text, text, text.lower()],
        ).fetchall()
    if not candidates:
        raise FileNotFoundError(
            f"{text}: no loaded file has this path, name or file id (see `spillover data files`)"
        )
    if len(candidates) > 1:
        listed = ", ".join(f"{name} ({fid[:12]})" for fid, name in candidates[:5])
        raise InputError(f"{text}: names {len(candidates)} loaded files ({listed}); give the file id")
    return candidates[0]


def remove_file(store: Store, file_or_id: str | Path) -> RemovedFile:
    """Take a loaded file and everything it brought out of the store, in one transaction: its events (an
    event another loaded file also has stays, attributed to that file), their actor names and fusion links,
    its raw rows, quarantined and skipped rows, its ``files`` row, then its raw Parquet file."""
    file_id, name = find_file(store, file_or_id)
    con = store.con
    links_exist = has_table(con, "event_links")
    try:
        with transaction(con):
            # events of this file that another file also brought: re-attributed to that file's first row
            con.execute(
                """CREATE OR REPLACE TEMP TABLE _rehome AS
                   SELECT r.event_id, arg_min(r.file_id, (f.ingested_at, r.row_number)) AS file_id,
                          arg_min(r.row_number, (f.ingested_at, r.row_number)) AS row_number
                   FROM raw_rows r JOIN files f USING (file_id)
                   WHERE r.file_id <> ? AND r.event_id IN (SELECT event_id FROM events WHERE file_id = ?)
                   GROUP BY r.event_id""",
                [file_id, file_id],
            )
            kept = scalar(con, "SELECT count(*) FROM _rehome")
            con.execute(
                """UPDATE events SET file_id = h.file_id, row_number = h.row_number
                   FROM _rehome h WHERE events.event_id = h.event_id"""
            )
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _gone AS SELECT event_id FROM events WHERE file_id = ?",
                [file_id],
            )
            events = scalar(con, "SELECT count(*) FROM _gone")
            links = 0
            if links_exist:
                links = scalar(
                    con,
                    "SELECT count(*) FROM event_links WHERE event_id_a IN (SELECT event_id FROM _gone) "
                    "OR event_id_b IN (SELECT event_id FROM _gone)",
                )
                con.execute(
                    "DELETE FROM event_links WHERE event_id_a IN (SELECT event_id FROM _gone) "
                    "OR event_id_b IN (SELECT event_id FROM _gone)"
                )
            con.execute("DELETE FROM event_actors WHERE event_id IN (SELECT event_id FROM _gone)")
            con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _gone)")
            counts = {}
            for table in ("raw_rows", "quarantine", "skipped_rows"):
                counts[table] = scalar(con, f"SELECT count(*) FROM {table} WHERE file_id = ?", [file_id])
                con.execute(f"DELETE FROM {table} WHERE file_id = ?", [file_id])
            raw_file = scalar(con, "SELECT raw_file FROM files WHERE file_id = ?", [file_id])
            con.execute("DELETE FROM files WHERE file_id = ?", [file_id])
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("DROP TABLE IF EXISTS _rehome")
            con.execute("DROP TABLE IF EXISTS _gone")
    # after the commit: a crash here leaves an orphan Parquet file no table points to (the next ingest of
    # the file rewrites it), never a table pointing to a missing file
    if raw_file:
        (store.raw_dir / str(raw_file)).unlink(missing_ok=True)
    return RemovedFile(
        file_id=file_id,
        name=name,
        events=int(events),
        events_kept=int(kept),
        raw_rows=int(counts["raw_rows"]),
        quarantined=int(counts["quarantine"]),
        skipped=int(counts["skipped_rows"]),
        links=int(links),
    )
