"""Command-line functions for pulls: ``spillover data pull acled|ucdp-ged|ucdp-candidate``, ``spillover data
pulls`` and ``spillover data history EVENT_ID``.

:func:`register` mounts them on a Typer app (the ``data`` group).  Errors are one line, never a
traceback; credentials are never printed (messages name the variables, never their values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from spillover.cli.options import StoreOpt

if (
    TYPE_CHECKING
):  # the pull machinery (httpx, DuckDB, pandas) is imported when a command runs, not for --help
    from spillover.loading.pulls import PullProgress, PullState

CountryOption = Annotated[
    list[str] | None, typer.Option("--country", "-c", help="Country name (repeat for several).")
]


def _api_error() -> type[Exception]:
    from spillover.sources.api.http import APIError

    return APIError


def _layout_error() -> type[Exception]:
    from spillover.sources.layouts import LayoutError

    return LayoutError


def _console() -> tuple[Console, Console]:
    return Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)


@contextmanager
def _progress(err: Console) -> Iterator[PullProgress]:
    """A rich progress bar over the pages of a pull (the total when the API says it); when stderr is a
    pipe or a file, one plain line per page instead; nothing with ``--quiet``."""
    from spillover.cli import output
    from spillover.loading.pulls import PullProgress

    if not err.is_terminal:
        if not output.progress_shown():
            yield PullProgress()
            return

        def plain_page(phase: str, page: int, records: int) -> None:
            output.progress_line(f"{phase}: page {page} ({records:,} records)")

        yield PullProgress(on_total=lambda phase, total: None, on_page=plain_page)
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def on_total(phase: str, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{phase}: pages", total=total)
            elif total is not None:
                bar.update(tasks[phase], total=total)

        def on_page(phase: str, page: int, records: int) -> None:
            on_total(phase, None)
            bar.advance(tasks[phase])
            bar.update(tasks[phase], description=f"{phase}: page {page} ({records:,} records)")

        yield PullProgress(on_total=on_total, on_page=on_page)


def _run(store_path: Path | None, pull: Callable[..., PullState]) -> None:
    from spillover.config import default_store_path
    from spillover.store import Store

    out, err = _console()
    try:
        with Store(store_path or default_store_path()) as store, _progress(err) as progress:
            state = pull(store, progress)
    except (_api_error(), _layout_error(), ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=1) from None
    _print_state(out, state)


def _print_state(out: Console, state: PullState) -> None:
    c = state.counts
    how = "resumed and finished" if state.resumed else "finished"
    since = ", changes only" if state.changed_since is not None else ""
    out.print(
        f"pull {state.pull_id} ({state.dataset}{since}) {how}: {state.pages_done:,} pages, {c['rows']:,} records → "
        f"{c['events_added']:,} new events, {c['events_updated']:,} edited (new versions), "
        f"{c['events_known'] - c['events_updated']:,} unchanged, {c['events_deleted']:,} deleted, "
        f"{c['rows_quarantined']:,} records quarantined",
        highlight=False,
    )


def pull_acled_command(
    country: CountryOption = None,
    region: Annotated[
        str | None, typer.Option(help="ACLED region, by name or code (e.g. 'Western Africa').")
    ] = None,
    since: Annotated[str | None, typer.Option(help="First event date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last event date, YYYY-MM-DD.")] = None,
    store: StoreOpt = None,
) -> None:
    """Pull ACLED events (OAuth: ACLED_EMAIL and ACLED_PASSWORD); a later pull fetches only changes."""
    from spillover.loading.pulls import pull_acled
    from spillover.sources.api.acled import ACLEDQuery

    try:
        query = ACLEDQuery(tuple(country or ()), region, _date(since, "--since"), _date(until, "--until"))
    except _api_error() as exc:
        _console()[1].print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    _run(store, lambda s, p: pull_acled(s, query, progress=p))


def _ucdp(dataset: str) -> Callable[..., None]:
    def command(
        version: Annotated[str, typer.Option(help="Dataset version: 25.1 (GED) or 25.0.10 (Candidate).")],
        country: CountryOption = None,
        store: StoreOpt = None,
    ) -> None:
        from spillover.loading.pulls import pull_ucdp
        from spillover.sources.api.ucdp import UCDPQuery, check_version

        try:
            query = UCDPQuery(check_version(dataset, version), tuple(country or ()))
            query.params()  # unknown country names are refused before any request
        except _api_error() as exc:
            _console()[1].print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(code=1) from None
        _run(store, lambda s, p: pull_ucdp(s, dataset, query, progress=p))

    command.__doc__ = (
        "Pull UCDP GED events of one release (UCDP_API_TOKEN)."
        if dataset == "ucdp-ged"
        else "Pull UCDP Candidate events of one monthly release (UCDP_API_TOKEN)."
    )
    return command


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _api_error()(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def pulls_command(store: StoreOpt = None) -> None:
    """The pulls made into the store, newest first, with what each added, edited and deleted."""
    from spillover.config import default_store_path
    from spillover.loading.pulls import pulls_table
    from spillover.store import Store

    out, err = _console()
    try:
        with Store(store or default_store_path()) as s:
            rows = pulls_table(s)
    except (OSError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    table = Table(title="pulls", title_justify="left")
    for col in (
        "pull",
        "dataset",
        "filters",
        "status",
        "started",
        "pages",
        "records",
        "new",
        "edited",
        "deleted",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["pull_id"]),
            str(r["dataset"]),
            str(r["filters"]),
            str(r["status"]),
            f"{r['started_at']:%Y-%m-%d %H:%M}",
            f"{r['pages_done']:,}",
            f"{r['rows']:,}",
            f"{r['events_added']:,}",
            f"{r['events_updated']:,}",
            f"{r['events_deleted']:,}",
        )
    out.print(table)


def history_command(
    event_id: Annotated[str, typer.Argument(help="An event id, e.g. acled:MLI4111.")],
    store: StoreOpt = None,
) -> None:
    """Every version of an event: when each was current, its source time, the file or page it came from."""
    from spillover.config import default_store_path
    from spillover.store import Store
    from spillover.versions import deletion_of, event_history

    out, err = _console()
    try:
        with Store(store or default_store_path(), read_only=True) as s:
            history = event_history(s.con, event_id)
            deleted = deletion_of(s.con, event_id)
    except (OSError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    if history.empty and deleted is None:
        err.print(
            f"[bold red]error:[/] no event {event_id} in the store (ids look like acled:MLI4111, ged:123)"
        )
        raise typer.Exit(code=1)
    table = Table(title=f"history of {event_id}", title_justify="left")
    cols = [
        "version",
        "status",
        "valid_from",
        "valid_to",
        "source_time",
        "file",
        "date_start",
        "location",
        "side_a",
        "side_b",
        "fatalities",
    ]
    for col in cols:
        table.add_column(col, overflow="fold")
    for _, row in history.iterrows():
        table.add_row(*[_cell(row[c]) for c in cols])
    out.print(table)
    if deleted is not None:
        when, pull = deleted
        out.print(f"deleted by its source on {when:%Y-%m-%d %H:%M} UTC" + (f" (pull {pull})" if pull else ""))


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")  # type: ignore[union-attr]
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


def register(data_app: typer.Typer) -> None:
    """Mount the pull commands on the ``data`` command group."""
    pull_app = typer.Typer(
        help="Pull events from the ACLED and UCDP APIs into the store.", no_args_is_help=True
    )
    pull_app.command("acled")(pull_acled_command)
    pull_app.command("ucdp-ged")(_ucdp("ucdp-ged"))
    pull_app.command("ucdp-candidate")(_ucdp("ucdp-candidate"))
    data_app.add_typer(pull_app, name="pull")
    data_app.command("pulls")(pulls_command)
    data_app.command("history")(history_command)
