"""Loading many files: every good file is loaded, every bad one named with its reason, and a summary.

Each file is its own transaction (:meth:`spillover.store.Store.ingest`), so a bad file in a folder never
stops the good files after it, and an interrupted load keeps the files done.  A fault of the store itself
(locked, read-only, a full disk) stops the load: every file after it would fail the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spillover.errors import InputError, describe
from spillover.store import IngestReport, Store


@dataclass
class FileFailure:
    path: Path
    reason: str


@dataclass
class LoadSummary:
    """What a load of several files did."""

    reports: list[IngestReport] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def loaded_ids(self) -> list[str]:
        """The file ids of the files this load added (not those already in the store)."""
        return [r.file_id for r in self.reports if r.status == "ingested"]

    def line(self) -> str:
        """One line: files loaded, already there and failed; rows, events, quarantined and skipped rows."""
        loaded = [r for r in self.reports if r.status == "ingested"]
        known = len(self.reports) - len(loaded)
        events = sum(r.events_added for r in loaded)
        quarantined = sum(r.rows_quarantined for r in loaded)
        skipped = sum(r.rows_skipped for r in loaded)
        rows = sum(r.rows for r in loaded)
        return (
            f"{len(loaded):,} file(s) loaded ({rows:,} rows → {events:,} new events, {quarantined:,} rows "
            f"quarantined, {skipped:,} skipped), {known:,} already in the store, {len(self.failures):,} failed"
        )


def is_input_problem(exc: BaseException) -> bool:
    """A failure that belongs to one input file (bad, unreadable or missing): the load goes on.  Anything
    else (a store fault: locked, read-only, a full disk; or a bug) stops it, as every later file would
    fail the same way."""
    return isinstance(exc, InputError | FileNotFoundError | IsADirectoryError)


def load_files(
    store: Store,
    paths: Iterable[Path],
    *,
    on_file: Callable[[Path], Callable[[str], None]] | None = None,
    on_done: Callable[[Path, IngestReport | FileFailure], None] | None = None,
    keep: bool = True,
    **options: object,
) -> LoadSummary:
    """Ingest each file; bad files are noted with their one-line reason and the load goes on; a store
    fault is raised (the files before it stay loaded).  Then what a load keeps for the first command
    (:func:`spillover.loading.after.keep_after_load`), unless ``keep`` is false: a caller that loads more
    files right after (each with options of its own) keeps once, at its end."""
    summary = LoadSummary()
    for path in paths:
        step = on_file(path) if on_file else None
        try:
            report = store.ingest(path, on_step=step, **options)  # type: ignore[arg-type]
        except Exception as exc:
            if not is_input_problem(exc):
                raise
            known = describe(exc) or str(exc)
            failure = FileFailure(path, known if path.name in known else f"{path}: {known}")
            summary.failures.append(failure)
            if on_done:
                on_done(path, failure)
            continue
        summary.reports.append(report)
        if on_done:
            on_done(path, report)
    loaded = summary.loaded_ids()
    if loaded and keep:
        # the names the files added, resolved once here rather than by every first command after the load
        from spillover.loading.after import keep_after_load

        keep_after_load(store, loaded)
    return summary
