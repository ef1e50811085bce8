"""Assessment reports made on request, off the request loop, and cached on disk.

A report takes seconds to minutes (every analysis, charts, a PDF), so ``POST`` only queues it: a worker
thread runs ``python -m spillover.web.reports`` as a child process (a fresh interpreter: nothing of the
server's threads or DuckDB connection is inherited, the server's event loop and GIL stay free, a crash or
a runaway report cannot take the server with it, and no ``if __name__ == "__main__"`` guard is needed in
whatever script started the server), and the page polls its status.  Finished reports live in
``report_dir/<store fingerprint>/<view>[/<since>_<until>]/<group id>.<format>``: a report is made once per
group, view (the report's ``Parameters.view``: "fused" by default, "all" or a source), period (``since`` /
``until``, as ``spillover assess --since --until``: every date by default), format and store content, and a
changed store gets fresh reports.

Report ids are ``<group id>[.<view>][.<since>_<until>].<format>``: the view is named unless it is the
default, the period when one is given (either date may be left out: ``aqim._2012-12-31.pdf``).  They are
checked against the registry's id pattern before any path is built from them, and every path is checked to
stay inside ``report_dir``: no request can name a file elsewhere.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spillover.period import InvalidPeriod, period_bounds
from spillover.selection import DEFAULT_VIEW

log = logging.getLogger(__name__)

REPORT_FORMATS: tuple[str, ...] = ("html", "pdf")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
#: A group id as the registry writes them (see spillover.actors.models.SLUG), then the format.
#: A report still running after this long is stopped.
REPORT_TIMEOUT_S = 30 * 60
REPORT_ID = re.compile(
    r"^(?P<group>[a-z0-9]+(?:-[a-zA-Z0-9]+)*)"
    r"(?:\.(?P<view>[a-z][a-z0-9_-]{0,39}))?"  # a view's name starts with a letter, a period never does
    r"(?:\.(?P<period>(?P<since>\d{4}-\d\d-\d\d)?_(?P<until>\d{4}-\d\d-\d\d)?))?"
    r"\.(?P<format>html|pdf)$"
)
#: The view a report counts in unless asked otherwise (as ``spillover assess``): each real event once.
DEFAULT_REPORT_VIEW = DEFAULT_VIEW


#: Reports waiting or being made, at most, in total and per client: a page that asks for hundreds of
#: reports gets 429 (Retry-After) instead of queueing work for hours behind one worker.
MAX_PENDING_TOTAL = 8
MAX_PENDING_PER_CLIENT = 2
#: Seconds a refused client is told to wait (about the time a report takes).
RETRY_AFTER_S = 30
#: The client (its address) of the request being served: set by the web app for each request.
current_client: ContextVar[str | None] = ContextVar("spillover_report_client", default=None)


class QueueFull(RuntimeError):
    """Too many reports pending (for this client, or in total): try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER_S) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ReportUnavailable(RuntimeError):
    """The report cannot be made in this installation (e.g. the report package is missing)."""


class InvalidReportId(ValueError):
    """A report id that is not ``<group id>[.<view>][.<since>_<until>].<html|pdf>``."""


class ReportKey(NamedTuple):
    """One report: what it counts (group, view, period) and its format; one file of the cache each."""

    group_id: str
    format: str
    view: str = DEFAULT_REPORT_VIEW
    since: str | None = None
    until: str | None = None

    @property
    def period(self) -> str | None:
        """``<since>_<until>`` (either may be empty), or None for every date."""
        return None if self.since is None and self.until is None else f"{self.since or ''}_{self.until or ''}"

    @property
    def report_id(self) -> str:
        """The id: the view named unless it is the default, the period when one is given."""
        parts = [self.group_id]
        if self.view != DEFAULT_REPORT_VIEW:
            parts.append(self.view)
        if self.period is not None:
            parts.append(self.period)
        return ".".join([*parts, self.format])


@dataclass
class ReportState:
    """Where one report stands: missing, queued/running, ready (with its file) or failed (with why)."""

    report_id: str
    group_id: str
    format: str
    status: str
    message: str
    path: Path | None = None
    started_at: float | None = None
    view: str = DEFAULT_REPORT_VIEW
    since: str | None = None
    until: str | None = None


def parse_report_id(report_id: str) -> ReportKey:
    """The report a report id names; :class:`InvalidReportId` for anything else (``..``, slashes, an
    impossible or inverted date …).  The view is not checked against the store here (the caller does)."""
    match = REPORT_ID.fullmatch(report_id)
    if match is None or match["period"] == "_":
        raise InvalidReportId(
            f"invalid report id {report_id[:80]!r}: expected '<group id>.<html|pdf>', with the view "
            "('<group id>.<view>.<html|pdf>') and the period ('<group id>.<since>_<until>.<html|pdf>', dates "
            "YYYY-MM-DD, either may be left out) when they are not the defaults"
        )
    key = ReportKey(match["group"], match["format"], match["view"] or DEFAULT_REPORT_VIEW)
    return key._replace(**checked_period(match["since"], match["until"], report_id))


def checked_period(since: str | None, until: str | None, where: str) -> dict[str, str | None]:
    """``since``/``until`` as ISO days, checked as every period is (:func:`period_bounds`)."""
    try:
        first, last = period_bounds(since, until)
    except InvalidPeriod as exc:
        raise InvalidReportId(f"invalid report period in {where[:80]!r}: {exc}") from exc
    return {"since": first, "until": last}


def store_fingerprint(store_path: Path) -> str:
    """Short hash of the store file's identity and state: reports of a changed store are made anew."""
    stat = store_path.stat()
    key = f"{store_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class ReportJobs:
    """Queue, track and cache assessment reports of one store."""

    def __init__(
        self,
        store_path: str | Path,
        report_dir: str | Path,
        *,
        max_workers: int = 1,
        max_pending: int = MAX_PENDING_TOTAL,
        max_pending_per_client: int = MAX_PENDING_PER_CLIENT,
    ) -> None:
        self.store_path = Path(store_path)
        self.report_dir = Path(report_dir).resolve()
        self.report_dir.mkdir(parents=True, exist_ok=True)
        self._fingerprint = store_fingerprint(self.store_path)
        self._jobs: dict[ReportKey, tuple[Future[str], float]] = {}
        self._clients: dict[ReportKey, str | None] = {}
        self.max_pending = max_pending
        self.max_pending_per_client = max_pending_per_client
        self._children: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.RLock()  # start() holds it across state() and the submission
        self._max_workers = max_workers
        self._executor: ThreadPoolExecutor | None = None  # made on first use, again after shutdown()

    # -- paths --------------------------------------------------------------------------------------
    def target(self, key: ReportKey) -> Path:
        """The cached report's path, proven to lie inside ``report_dir``."""
        parse_report_id(key.report_id)
        folder = self.report_dir / self._fingerprint / key.view
        path = (folder / (key.period or "") / f"{key.group_id}.{key.format}").resolve()
        if not path.is_relative_to(self.report_dir):
            raise InvalidReportId(f"report path for {key.group_id!r} leaves the report folder")
        return path

    # -- jobs ---------------------------------------------------------------------------------------
    def state(self, key: ReportKey) -> ReportState:
        """Where the report stands (the group counted in the key's view over its period)."""
        group_id, fmt, view, since, until = key
        target = self.target(key)
        with self._lock:
            job = self._jobs.get(key)

        def state(
            status: str, message: str, path: Path | None = None, started: float | None = None
        ) -> ReportState:
            return ReportState(
                key.report_id, group_id, fmt, status, message, path, started, view, since, until
            )

        dates = f", {since or 'first'} to {until or 'last'}" if key.period else ""
        in_view = f" ({view} view{dates})"
        if target.is_file():
            return state("ready", f"The report{in_view} is ready to download.", target)
        if job is None:
            return state("missing", f"No report{in_view} made yet.")
        future, started = job
        if not future.done():
            status = "running" if future.running() else "queued"
            waited = f"{time.time() - started:.0f} s so far"
            return state(status, f"The report{in_view} is being made ({waited}).", None, started)
        error = future.exception()
        why = f"The report failed: {error}" if error else "The report finished but its file is missing."
        return state("failed", why, None, started)

    def start(self, key: ReportKey) -> ReportState:
        """Queue the report unless it is ready or already on its way; returns its state.  Two requests at
        the same moment start one job."""
        with self._lock:
            current = self.state(key)
            if current.status in ("ready", "queued", "running"):
                return current  # an identical pending job: merged into it
            self._check_room(current_client.get())
            target = self.target(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._max_workers, thread_name_prefix="spillover-report")
            future = self._executor.submit(self._run_child, key, target)
            self._jobs[key] = (future, time.time())
            self._clients[key] = current_client.get()
        return self.state(key)

    def pending(self, client: str | None = None) -> int:
        """Reports queued or being made (of one client, when given)."""
        with self._lock:
            return sum(
                1
                for key, (future, _) in self._jobs.items()
                if not future.done() and (client is None or self._clients.get(key) == client)
            )

    def _check_room(self, client: str | None) -> None:
        """Raise :class:`QueueFull` when the queue, or this client's share of it, is full."""
        if self.pending() >= self.max_pending:
            raise QueueFull(f"{self.max_pending} reports are already being made; try again later")
        if client is not None and self.pending(client) >= self.max_pending_per_client:
            raise QueueFull(
                f"you already have {self.max_pending_per_client} reports being made; try again once one is ready"
            )

    def _run_child(self, key: ReportKey, target: Path) -> str:
        """Make the report in a child interpreter (runs in a worker thread); its last stderr line is the
        reason given when it fails."""
        command = [
            sys.executable,
            "-m",
            "spillover.web.reports",
            str(self.store_path),
            key.report_id,
            str(target),
        ]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with self._lock:
            self._children.add(child)
        try:
            _, stderr = child.communicate(timeout=REPORT_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            child.kill()
            child.communicate()
            raise ReportUnavailable(f"the report took more than {REPORT_TIMEOUT_S // 60} minutes") from exc
        finally:
            with self._lock:
                self._children.discard(child)
        if child.returncode != 0:
            lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            raise ReportUnavailable(
                lines[-1] if lines else f"the report process exited with {child.returncode}"
            )
        return str(target)

    def shutdown(self) -> None:
        """Stop queued reports and the ones being made (their partial files are in temporary folders)."""
        with self._lock:
            children = list(self._children)
            executor, self._executor = self._executor, None
        for child in children:
            child.terminate()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


# -- the work itself (runs in the child process) ------------------------------------------------------


def build_report(store_path: str, report_id: str, target: str) -> str:
    """Make the report ``report_id`` names in one file at ``target`` (atomically) and return its path."""
    out = Path(target)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".report-") as work:
        made = _assess(Path(store_path), parse_report_id(report_id), Path(work))
        os.replace(made, out)
    return str(out)


def _assess(store_path: Path, key: ReportKey, work: Path) -> Path:
    """The assessment (:func:`spillover.report.assess`) of the group counted in the key's view over its
    period, made in ``work``."""
    from spillover.measures import Parameters
    from spillover.report import assess

    result = assess(
        store_path, key.group_id, since=key.since, until=key.until, out_dir=work, formats=(key.format,),
        params=Parameters(view=key.view), show_progress=False,
    )  # fmt: skip
    return _made_file(result, work, key.format)


def _made_file(result: Any, work: Path, fmt: str) -> Path:
    """The ``fmt`` file :func:`assess` reports it wrote (``Assessment.html`` / ``.pdf``), kept in ``work``."""
    made = getattr(result, fmt, None)
    path = Path(made) if isinstance(made, str | os.PathLike) else None
    if path is None or not path.is_file():
        raise ReportUnavailable(f"the report package made no .{fmt} file")
    if not path.resolve().is_relative_to(work.resolve()):
        path = Path(shutil.copy2(path, work / path.name))
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m spillover.web.reports STORE REPORT_ID TARGET``: what a report worker runs."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m spillover.web.reports STORE REPORT_ID TARGET", file=sys.stderr)
        return 2
    try:
        build_report(*args)
    except Exception as exc:  # noqa: BLE001 - the server shows this line as the reason
        logging.basicConfig()
        log.exception("report failed")
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
