"""Pulls: API pages into the store through the same staging as files, resumable, incremental.

Each page becomes the Arrow table a file loader produces (``c1 … cN`` as text, ``_row``), is checked
against the pinned layout of its source (an unknown or missing field refuses the page, listing the
difference) and is committed by :meth:`spillover.store.Store.ingest_rows` like a file: validated,
quarantined, idempotent (a page is identified by the hash of its records) and atomic.  The pull's state
(``pulls``: phase, next page, cursor, counters; ``pull_pages``: each page committed) is written in the
same transaction as the page, so a pull interrupted at any point resumes at the first page not committed
(run the same command again).

A later ACLED pull with the same filters asks only for what changed since the last one (ACLED's
``timestamp`` filter: events added or edited since the newest change seen), then for the deletions since
the previous pull (the deleted endpoint); edits become versions and deletions leave ``events``
(:mod:`spillover.versions`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from spillover._duck import scalar, transaction
from spillover.sources.api.acled import PAGE_SIZE as ACLED_PAGE_SIZE
from spillover.sources.api.acled import ACLEDClient, ACLEDQuery, Page, deletion_rows
from spillover.sources.api.http import APIError
from spillover.sources.api.ucdp import PAGE_SIZE as UCDP_PAGE_SIZE
from spillover.sources.api.ucdp import UCDPClient, UCDPQuery
from spillover.sources.layouts import LayoutError, Match
from spillover.sources.reading import raw_column
from spillover.versions import apply_deletions

if TYPE_CHECKING:
    from spillover.store import IngestReport, Store

_DDL = [
    """CREATE TABLE IF NOT EXISTS pulls (
        pull_id INTEGER PRIMARY KEY, dataset VARCHAR, params VARCHAR, status VARCHAR, phase VARCHAR,
        started_at TIMESTAMP, finished_at TIMESTAMP, next_page INTEGER, pages_done INTEGER, total_pages INTEGER,
        cursor VARCHAR, changed_since BIGINT, deleted_since BIGINT, max_stamp BIGINT, rows BIGINT,
        events_added BIGINT, events_updated BIGINT, events_known BIGINT, events_deleted BIGINT,
        rows_quarantined BIGINT, message VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS pull_pages (
        pull_id INTEGER, phase VARCHAR, page INTEGER, file_id VARCHAR, records INTEGER, committed_at TIMESTAMP)""",
]


class EmptyResult(APIError):
    """The filters matched nothing."""


def create_pull_tables(store: Store) -> None:
    for ddl in _DDL:
        store.con.execute(ddl)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class PullState:
    """A row of ``pulls``."""

    pull_id: int
    dataset: str
    params: str
    status: str
    phase: str
    next_page: int
    pages_done: int = 0
    total_pages: int | None = None
    changed_since: int | None = None
    deleted_since: int | None = None
    max_stamp: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    resumed: bool = False


_COUNTS = ("rows", "events_added", "events_updated", "events_known", "events_deleted", "rows_quarantined")


def _state(store: Store, pull_id: int, *, resumed: bool = False) -> PullState:
    row = store.con.execute(
        f"""SELECT pull_id, dataset, params, status, phase, next_page, pages_done, total_pages, changed_since,
                   deleted_since, max_stamp, {", ".join(_COUNTS)} FROM pulls WHERE pull_id = ?""",
        [pull_id],
    ).fetchone()
    assert row is not None
    counts = dict(zip(_COUNTS, (int(v or 0) for v in row[11:]), strict=True))
    return PullState(*row[:11], counts=counts, resumed=resumed)  # type: ignore[arg-type]


def start_or_resume(
    store: Store, dataset: str, params: dict[str, object], first_page: int, *, incremental: bool
) -> PullState:
    """The unfinished pull of this dataset with these filters (to resume), else a new one.

    A new ACLED pull whose filters were pulled completely before asks only for changes since then."""
    create_pull_tables(store)
    key = json.dumps(params, sort_keys=True)
    unfinished = store.con.execute(
        "SELECT max(pull_id) FROM pulls WHERE dataset = ? AND params = ? AND status = 'running'",
        [dataset, key],
    ).fetchone()[0]
    if unfinished is not None:
        return _state(store, int(unfinished), resumed=True)
    changed_since = None
    if incremental:
        changed_since = scalar(
            store.con,
            "SELECT max(max_stamp) FROM pulls WHERE dataset = ? AND params = ? AND status = 'complete'",
            [dataset, key],
        )
    pull_id = int(scalar(store.con, "SELECT coalesce(max(pull_id), 0) + 1 FROM pulls"))
    store.con.execute(
        f"""INSERT INTO pulls (pull_id, dataset, params, status, phase, started_at, next_page, pages_done,
                               changed_since, {", ".join(_COUNTS)})
            VALUES (?, ?, ?, 'running', 'events', ?, ?, 0, ?, {", ".join("0" for _ in _COUNTS)})""",
        [pull_id, dataset, key, _now(), first_page, changed_since],
    )
    return _state(store, pull_id)


def records_table(records: list[dict[str, object]], columns: tuple[str, ...]) -> pa.Table:
    """The records as a file loader would read them: ``c1 … cN`` in the layout's order, every value as the
    text the API wrote (JSON numbers and booleans spelt as in JSON, null as empty), and ``_row``."""
    arrays = {
        raw_column(i): pa.array([_text(r.get(col)) for r in records], pa.string())
        for i, col in enumerate(columns, start=1)
    }
    arrays["_row"] = pa.array(range(1, len(records) + 1), pa.int64())
    return pa.table(arrays)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def pinned_match(source: str, layout_name: str, records: list[dict[str, object]], where: str) -> Match:
    """The pinned layout every record of a page must have exactly; anything else is refused with the
    fields missing and the fields unknown (an API that renamed ``data_id`` to ``event_id_cnty`` says so)."""
    from spillover.sources import LOADERS

    layout = next(x for x in LOADERS[source].layouts if x.name == layout_name)
    pinned = set(layout.columns)
    for record in records:
        keys = set(record)
        if keys != pinned:
            missing = sorted(pinned - keys)
            unknown = sorted(keys - pinned)
            raise LayoutError(
                f"{where}: the records' fields are not the pinned {layout.name} layout ({layout.description}): "
                + "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"unknown {', '.join(unknown)}" if unknown else "",
                    )
                    if part
                )
                + ". Nothing of this page was loaded; the API has changed its fields: update spillover (its "
                "layouts are pinned and tested), then run the pull again to resume"
            )
    return Match(layout=layout, absent=(), extra=())


def page_id(dataset: str, records: list[dict[str, object]]) -> str:
    """A page's identity: the hash of its records (the same records again are the same page)."""
    text = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{dataset}\n{text}".encode()).hexdigest()


@dataclass
class PullProgress:
    """Callbacks for the command line's progress bar (all optional)."""

    on_total: Callable[[str, int | None], None] = lambda phase, total: None
    on_page: Callable[[str, int, int], None] = lambda phase, page, records: None


def _commit_page(
    store: Store,
    state: PullState,
    page: Page,
    *,
    source: str,
    layout: str,
    stamp: int | None,
    stamp_field: str | None,
) -> None:
    """Stage and commit one page of events, and the pull's progress with it (one transaction)."""
    from spillover.sources import LOADERS

    where = f"{state.dataset} page {page.number}"
    match = pinned_match(source, layout, page.records, where)
    received = len(page.records)
    if stamp_field:
        page = _without_stored_versions(store, page, source, stamp_field)
    file_id = page_id(state.dataset, page.records)
    page_max = None
    if stamp_field:
        stamps = [
            int(float(str(r[stamp_field]))) for r in page.records if str(r.get(stamp_field) or "").strip()
        ]
        page_max = max(stamps, default=None)
    size = len(json.dumps(page.records, ensure_ascii=False).encode())
    origin = (
        f"{state.dataset} pull {state.pull_id} page {page.number}",
        f"{where} (pull {state.pull_id})",
        size,
    )

    def progress(report: IngestReport | None) -> None:
        add = {
            "rows": received,
            "events_added": report.events_added if report else 0,
            "events_updated": report.events_updated if report else 0,
            # records left out as versions already stored, or a whole page loaded before, are known
            "events_known": (report.events_known if report else len(page.records))
            + received
            - len(page.records),
            "rows_quarantined": report.rows_quarantined if report else 0,
        }
        store.con.execute(
            f"""UPDATE pulls SET next_page = ?, pages_done = pages_done + 1, total_pages = ?, cursor = ?,
                   max_stamp = greatest(max_stamp, ?), {", ".join(f"{k} = {k} + ?" for k in add)}
                WHERE pull_id = ?""",
            [page.number + 1, page.total_pages, page.next_cursor, page_max, *add.values(), state.pull_id],
        )
        store.con.execute(
            "INSERT INTO pull_pages VALUES (?, 'events', ?, ?, ?, ?)",
            [state.pull_id, page.number, file_id, len(page.records), _now()],
        )

    if not page.records:  # every record is a version already stored: only the progress to record
        with transaction(store.con):
            progress(None)
        return
    report = store.ingest_rows(
        records_table(page.records, match.layout.columns),
        match.layout.columns,
        loader=LOADERS[source],
        match=match,
        file_id=file_id,
        origin=origin,
        stamp=stamp,
        in_transaction=progress,
    )
    if report.status != "ingested":  # the same records were loaded before: only the progress to record
        with transaction(store.con):
            progress(None)


def _without_stored_versions(store: Store, page: Page, source: str, stamp_field: str) -> Page:
    """The page without the records whose version is already stored (same event, same time of change):
    an update asks for changes at or after the newest one seen, so it gets those again."""
    from spillover.sources import LOADERS

    id_field = LOADERS[source].id_columns[0]
    keys = [(f"{source}:{r.get(id_field)}", str(r.get(stamp_field) or "")) for r in page.records]
    stored = {
        (event_id, str(stamp))
        for event_id, stamp in store.con.execute(
            "SELECT event_id, stamp FROM event_stamps WHERE event_id IN (SELECT unnest(?))",
            [[k for k, _ in keys]],
        ).fetchall()
    }
    kept = [r for r, key in zip(page.records, keys, strict=True) if key not in stored]
    return Page(page.number, kept, page.total_pages, page.total_count, page.next_cursor, page.last)


def _finish(
    store: Store, state: PullState, status: str = "complete", message: str | None = None
) -> PullState:
    store.con.execute(
        "UPDATE pulls SET status = ?, phase = 'done', finished_at = ?, message = ? WHERE pull_id = ?",
        [status, _now(), message, state.pull_id],
    )
    if status == "complete":
        # the names the pull added, resolved once here rather than by every first command after it
        from spillover.loading.after import keep_after_load

        keep_after_load(store)
    return _state(store, state.pull_id, resumed=state.resumed)


def _run_events(
    store: Store,
    state: PullState,
    pages: Iterator[Page],
    *,
    source: str,
    layout: str,
    stamp: int | None,
    stamp_field: str | None,
    progress: PullProgress,
) -> bool:
    """Commit the pages; False when the very first page of a full pull is empty (nothing matched)."""
    for page in pages:
        if page.total_pages is not None or page.number == state.next_page:
            progress.on_total("events", page.total_pages)
        if not page.records and state.pages_done == 0 and not state.resumed and state.changed_since is None:
            return False
        if page.records:
            _commit_page(
                store, state, page, source=source, layout=layout, stamp=stamp, stamp_field=stamp_field
            )
        state.pages_done += 1
        progress.on_page("events", page.number, len(page.records))
    return True


def pull_acled(
    store: Store,
    query: ACLEDQuery,
    *,
    client: ACLEDClient | None = None,
    progress: PullProgress | None = None,
    page_size: int = ACLED_PAGE_SIZE,
) -> PullState:
    """Pull ACLED events matching ``query`` (resuming an interrupted pull; only changes after a complete
    one), then the deletions since the previous ACLED pull."""
    progress = progress or PullProgress()
    client = client or ACLEDClient()
    params = {"filters": query.key(), "description": query.describe()}
    state = start_or_resume(store, "acled", params, 1, incremental=True)
    try:
        if state.phase == "events":
            found = _run_events(
                store,
                state,
                client.events(
                    query, start_page=state.next_page, changed_since=state.changed_since, limit=page_size
                ),
                source="acled",
                layout="acled-2023",
                stamp=None,
                stamp_field="timestamp",
                progress=progress,
            )
            if not found:
                _finish(store, state, "empty", f"no ACLED events match {query.describe()}")
                raise EmptyResult(
                    f"ACLED returned no events for {query.describe()}: the filter matched nothing (check the "
                    "spelling of the country as ACLED writes it, e.g. 'Democratic Republic of Congo', the "
                    "region, and the dates)"
                )
            _enter_deletions(store, state)
            state = _state(store, state.pull_id, resumed=state.resumed)
        if state.phase == "deletions" and state.deleted_since is not None:
            _run_deletions(store, state, client, progress)
    finally:
        client.close()
    return _finish(store, _state(store, state.pull_id, resumed=state.resumed))


def _enter_deletions(store: Store, state: PullState) -> None:
    """Move the pull to its deletions phase, since the previous complete ACLED pull started (or, on a
    first pull, since the oldest change of the ACLED events stored before it); none to ask for when the
    store held no ACLED events before this pull."""
    previous = scalar(
        store.con,
        "SELECT epoch(max(started_at))::BIGINT FROM pulls WHERE dataset = 'acled' AND status = 'complete'",
    )
    if previous is None:
        previous = scalar(
            store.con,
            """SELECT min(es.stamp) FROM event_stamps es JOIN events e USING (event_id)
               WHERE e.source = 'acled' AND e.file_id NOT IN (
                   SELECT file_id FROM pull_pages WHERE pull_id = ?)""",
            [state.pull_id],
        )
    store.con.execute(
        "UPDATE pulls SET phase = 'deletions', next_page = 1, deleted_since = ? WHERE pull_id = ?",
        [previous, state.pull_id],
    )


def _run_deletions(store: Store, state: PullState, client: ACLEDClient, progress: PullProgress) -> None:
    for page in client.deletions(int(state.deleted_since or 0), start_page=state.next_page):
        progress.on_total("deletions", page.total_pages)
        rows = deletion_rows(page.records)

        def commit(page: Page = page, rows: list[tuple[str, int]] = rows) -> None:
            removed = apply_deletions(store.con, "acled", rows, state.pull_id) if rows else 0
            store.con.execute(
                """UPDATE pulls SET next_page = ?, pages_done = pages_done + 1,
                          events_deleted = events_deleted + ? WHERE pull_id = ?""",
                [page.number + 1, removed, state.pull_id],
            )
            store.con.execute(
                "INSERT INTO pull_pages VALUES (?, 'deletions', ?, NULL, ?, ?)",
                [state.pull_id, page.number, len(rows), _now()],
            )

        with transaction(store.con):
            commit()
        progress.on_page("deletions", page.number, len(rows))


def pull_ucdp(
    store: Store,
    dataset: str,
    query: UCDPQuery,
    *,
    client: UCDPClient | None = None,
    progress: PullProgress | None = None,
    page_size: int = UCDP_PAGE_SIZE,
) -> PullState:
    """Pull GED (``ucdp-ged``) or Candidate (``ucdp-candidate``) events of one version, resuming an
    interrupted pull.  GED records carry no time of change: each event is stamped with the pull's start,
    so an event a later pull finds changed becomes a new version."""
    progress = progress or PullProgress()
    client = client or UCDPClient()
    params = {"filters": sorted(query.countries), "version": query.version, "description": query.describe()}
    state = start_or_resume(store, dataset, params, 0, incremental=False)
    started = scalar(
        store.con, "SELECT epoch(started_at)::BIGINT FROM pulls WHERE pull_id = ?", [state.pull_id]
    )
    try:
        found = _run_events(
            store,
            state,
            client.events(query, start_page=state.next_page, page_size=page_size),
            source="ged",
            layout="ged-49",
            stamp=int(started or time.time()),
            stamp_field=None,
            progress=progress,
        )
    finally:
        client.close()
    if not found:
        _finish(store, state, "empty", f"no {dataset} events match {query.describe()}")
        raise EmptyResult(
            f"UCDP returned no {dataset} events for {query.describe()}: the filter matched nothing (is the "
            "country in this release, and the version right?)"
        )
    return _finish(store, _state(store, state.pull_id, resumed=state.resumed))


def pulls_table(store: Store) -> list[dict[str, object]]:
    """Every pull, newest first (for ``spillover data pulls``)."""
    create_pull_tables(store)
    frame = store.query(
        f"""SELECT pull_id, dataset, json_extract_string(params, '$.description') AS filters, status,
                   started_at, finished_at, pages_done, {", ".join(_COUNTS)}
            FROM pulls ORDER BY pull_id DESC"""
    )
    return frame.to_dict("records")
