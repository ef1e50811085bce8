"""Loading GDELT exports by the thousand: into the store file by file (each its own transaction, so an
interrupted load keeps the files done), or straight to Parquet parts for data too large for one store.

Above both the store and the loader (:mod:`spillover.sources.gdelt` reads and normalises one export; the
store commits it), so that neither reaches up to the other.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from spillover._duck import scalar
from spillover.sources.gdelt import SOURCE, GDELTFormatError, expand_paths, stage_gdelt
from spillover.store import IngestReport, Store


def ingest_gdelt_file(store: Store, path: str | Path) -> IngestReport:
    """Load one export into the store: :meth:`Store.ingest` with the source fixed (idempotent, atomic)."""
    return store.ingest(path, source=SOURCE)


@dataclass
class GDELTLoadSummary:
    """What a multi-file load did: one report per file loaded, and the files refused (with why)."""

    reports: list[IngestReport]
    refused: dict[str, str]

    @property
    def events_added(self) -> int:
        return sum(r.events_added for r in self.reports)

    @property
    def rows_quarantined(self) -> int:
        return sum(r.rows_quarantined for r in self.reports)


def _file_progress(total: int, enabled: bool) -> tuple[Callable[[str, int], None], Callable[[], None]]:
    """(advance(file name, rows), close) for a rich progress bar over files (no-ops when disabled)."""
    if not enabled:
        return (lambda _name, _rows: None), (lambda: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("[bold]GDELT[/] {task.fields[file]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
    )
    task = bar.add_task("files", total=total, file="", rows=0)
    bar.start()
    rows_done = 0

    def advance(name: str, rows: int) -> None:
        nonlocal rows_done
        rows_done += rows
        bar.update(task, advance=1, file=name, rows=rows_done)

    return advance, bar.stop


def ingest_gdelt(
    store: Store,
    paths: str | Path | Iterable[str | Path],
    *,
    progress: bool = True,
    on_error: str = "raise",
) -> GDELTLoadSummary:
    """Load many GDELT export files into the store as one data set, file by file (never all in memory).

    Each file is its own transaction, so an interrupted load keeps the files done and a re-run skips them.
    ``on_error='raise'`` stops at the first malformed file (the store keeps the files before it);
    ``'skip'`` records it in ``refused`` and goes on.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    files = expand_paths(paths)
    advance, close = _file_progress(len(files), progress)
    reports: list[IngestReport] = []
    refused: dict[str, str] = {}
    try:
        for path in files:
            try:
                report = ingest_gdelt_file(store, path)
            except (GDELTFormatError, OSError, zipfile.BadZipFile) as exc:
                if on_error == "raise":
                    raise
                refused[str(path)] = str(exc)
                advance(path.name, 0)
                continue
            reports.append(report)
            advance(path.name, report.rows)
    finally:
        close()
    return GDELTLoadSummary(reports, refused)


def export_gdelt_parquet(
    paths: str | Path | Iterable[str | Path], directory: str | Path, *, progress: bool = True
) -> GDELTLoadSummary:
    """Normalise GDELT exports straight to Parquet parts (``events/``, ``event_actors/``, ``quarantine/``),
    one part per file, for data too large for one store: :func:`spillover.query.connect` (DuckDB) and
    :func:`spillover.query.register_parquet_in_spark` read the folder as they read a store export.

    The folder is declared co-partitioned (each file's events and actor rows in parts of the same name),
    so DuckDB aggregates it part by part.  Events repeated across files are not de-duplicated here: when
    files may overlap, load them into a store instead (its ingest skips events it already holds).
    """
    from spillover.query.engines import write_parts_marker
    from spillover.sources.stage import drop_staged
    from spillover.store import IngestReport

    out = Path(directory)
    for table in ("events", "event_actors", "quarantine"):
        (out / table).mkdir(parents=True, exist_ok=True)
    files = expand_paths(paths)
    advance, close = _file_progress(len(files), progress)
    con = duckdb.connect()
    reports: list[IngestReport] = []
    unique_names = True
    try:
        for path in files:
            staged = stage_gdelt(con, path)
            unique_names = unique_names and scalar(
                con,
                "SELECT count(*) = count(DISTINCT (event_id, name)) FROM _stage_actors",
            )
            part = path.name.split(".")[0]
            for table, sql in _export_queries().items():
                target = (out / table / f"{part}.parquet").as_posix()
                con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
            reports.append(
                IngestReport(
                    path=str(path),
                    file_id="",
                    status="exported",
                    source=SOURCE,
                    layout=staged.layout,
                    rows=staged.rows,
                    events_added=staged.events,
                    rows_quarantined=staged.quarantined_rows,
                )
            )
            drop_staged(con)
            advance(path.name, staged.rows)
    finally:
        close()
        con.close()
    # every file's events and actor rows go to parts of the same name: the folder is co-partitioned
    write_parts_marker(out, unique_names_per_event=bool(unique_names))
    return GDELTLoadSummary(reports, {})


def _export_queries() -> dict[str, str]:
    return {
        "events": "SELECT * FROM _stage_events",
        "event_actors": "SELECT event_id, role, ordinal, name, uncertain FROM _stage_actors",
        "quarantine": "SELECT row_number, field, value, reason FROM _stage_quarantine",
    }
