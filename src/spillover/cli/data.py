"""``spillover data …``: get datasets and load them into the store; ``schema`` and ``cite``.

Loading is file by file, each its own transaction (an interrupted load keeps the files done and a re-run
skips them), with a progress bar over the files.  A file that does not exist stops the command before
anything is created (no empty store).
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spillover.cli import output
from spillover.cli.options import EXIT_INPUT, FormatOpt, InputError, StoreOpt, commands, format_of, store_path
from spillover.cli.output import Format, console, say
from spillover.cli.pulls import register as register_pulls

if TYPE_CHECKING:
    from spillover.loading.files import LoadSummary

app = commands("Get data and load it into the store.")
# data pull acled|ucdp-ged|ucdp-candidate, data pulls, data history (spillover.cli.pulls)
register_pulls(app)
#: Top-level reference commands (schema, cite).
top = commands()


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files named on the command line: files as given, glob patterns (quoted, so that thousands of GDELT
    files do not overflow the shell) and folders expanded to their files, sorted by name.  Every one
    must exist (:class:`InputError` naming the first that does not), so that nothing is created for a
    mistyped name."""
    out: list[Path] = []
    for path in paths:
        text = str(path)
        if not path.exists() and any(ch in text for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
            if not found:
                raise InputError(f"{text}: no file matches this pattern")
            out += found
        elif path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif not path.is_file():
            raise InputError(f"{text}: no such file")
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def ingest_with_progress(store: Path, paths: list[Path], **options: Any) -> LoadSummary:
    """Load the files one by one, with a progress bar over the files when there are several (on a terminal;
    piped, one plain line per step on stderr); a bad file is named with its reason as it fails and the load
    goes on (:func:`spillover.loading.files.load_files`)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from spillover.loading.files import FileFailure, load_files
    from spillover.store import Store

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        Store(store) as db,
        Progress(*columns, console=output.err, transient=True, disable=output.settings.quiet) as progress,
    ):
        overall = progress.add_task("files", total=len(paths)) if len(paths) > 1 else None
        tasks: dict[Path, Any] = {}

        plain = output.progress_shown() and not output.err.is_terminal  # piped: a line per step instead

        def on_file(path: Path) -> Callable[[str], None]:
            tasks[path] = task = progress.add_task(f"{path.name}: starting", total=None)
            if plain:
                output.progress_line(f"{path.name}: starting")
                return lambda msg: output.progress_line(f"{path.name}: {msg}")
            return lambda msg: progress.update(task, description=f"{path.name}: {msg}")

        def on_done(path: Path, outcome: object) -> None:
            progress.remove_task(tasks.pop(path))
            if overall is not None:
                progress.advance(overall)
            if isinstance(outcome, FileFailure):
                output.error(f"failed: {outcome.reason}")

        return load_files(db, paths, on_file=on_file, on_done=on_done, **options)


def _keep_after_load(store: Path, file_ids: list[str]) -> None:
    """What a load keeps for the first command (:func:`spillover.loading.after.keep_after_load`), for files
    loaded one by one with ``keep=False``; nothing when none was added.  Not after a store fault: the
    error is the store's, and the next load keeps what this one could not."""
    if not file_ids:
        return
    from spillover.loading.after import keep_after_load
    from spillover.store import Store

    with Store(store) as db, output.working("resolving the store's actor names…"):
        keep_after_load(db, file_ids)


def finish_load(summary: LoadSummary, files: int, chosen: Format) -> None:
    """The reports, a summary line when several files were given or one failed, exit 2 if any failed."""
    emit_reports([r.as_dict() for r in summary.reports], chosen)
    if files > 1 or summary.failures:
        output.note(output.escape(summary.line()))
    if summary.failures:
        raise typer.Exit(EXIT_INPUT)


def print_report(r: dict[str, Any], line: Any = say) -> None:
    """One file's ingest report: rows, new and known events, rows quarantined and why."""
    from rich.markup import escape

    name = escape(Path(str(r["path"])).name)
    if r["status"] != "ingested":
        line(f"[yellow]{name}[/]: {r['status']} (sha256 {str(r['file_id'])[:12]}…), nothing added")
        return
    line(
        f"[green]{name}[/]: {r['source']} · {escape(str(r['layout_description']))} · {r['rows']:,} rows → "
        f"{r['events_added']:,} new events, {r['events_known']:,} already in the store, "
        f"{r['rows_quarantined']:,} rows quarantined"
    )
    for reason, n in dict(r["quarantine_reasons"]).items():
        line(f"    quarantined {n:,} × {escape(str(reason))}")
    for reason, n in dict(r.get("skip_reasons") or {}).items():
        line(f"    skipped {n:,} × {escape(str(reason))}")
    if r["absent_columns"]:
        line(f"    recorded as unknown (absent columns): {len(r['absent_columns']):,}")


def emit_reports(reports: list[dict[str, Any]], chosen: Format) -> None:
    """The ingest reports: a line per file (on stderr when stdout carries JSON or CSV), and the data."""
    if chosen is not Format.table:
        for report in reports:
            print_report(report, output.note)
    if chosen is Format.json:
        output.write(output.json_text(reports))
    elif chosen is Format.csv:
        import pandas as pd

        output.write(output.csv_text(pd.DataFrame(reports)))
    else:
        for report in reports:
            print_report(report)


@app.command("add")
def add(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Event files (CSV, CSV.gz, XLSX; GDELT .export.CSV(.zip)), folders, or quoted glob patterns"
        ),
    ],
    source: Annotated[
        str | None, typer.Option(help="ged, gtd, acled, rand or gdelt", show_default="detected")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Country of every row, for files with no country column")
    ] = None,
    allow_extra_columns: Annotated[
        bool, typer.Option(help="Keep unknown extra columns in the raw row only")
    ] = False,
    store: StoreOpt = None,
    format: FormatOpt = None,
) -> None:
    """Load local event files into the store (idempotent: a file already loaded adds nothing).  Every good
    file of a folder or pattern is loaded; each bad one is named with its reason (exit code 2)."""
    files = expand_inputs(paths)
    provided = {"country": country} if country else {}
    summary = ingest_with_progress(
        store_path(store), files, source=source, allow_extra=allow_extra_columns, provided=provided
    )
    finish_load(summary, len(files), format_of(format))


@app.command("remove")
def remove(
    file: Annotated[str, typer.Argument(help="The loaded file: its path, name or file id (see data files)")],
    store: StoreOpt = None,
) -> None:
    """Take a loaded file and everything it brought (events, actor names, raw rows, quarantined and skipped
    rows, fusion links) out of the store, in one transaction."""
    from spillover.store import Store, remove_file

    with Store(store_path(store)) as opened:
        removed = remove_file(opened, file)
    kept = (
        f", {removed.events_kept:,} events kept (another loaded file has them)" if removed.events_kept else ""
    )
    say(
        output.escape(
            f"removed {removed.name} ({removed.file_id[:12]}…): {removed.events:,} events{kept}, "
            f"{removed.raw_rows:,} raw rows, {removed.quarantined:,} quarantined rows, {removed.skipped:,} "
            f"skipped rows, {removed.links:,} fusion links"
        )
    )


@app.command("list")
def list_datasets(format: FormatOpt = None) -> None:
    """Datasets spillover knows, where they come from, and whether they can be downloaded."""
    import pandas as pd

    from spillover.config import local_data_dir
    from spillover.sources.catalogue import catalogue

    mirror = local_data_dir()
    frame = pd.DataFrame(
        [
            {
                "name": ds.name,
                "kind": ds.kind,
                "download": "yes" if ds.url else ("registration" if not ds.open else "manual"),
                "in mirror": "yes" if mirror and (mirror / ds.file).is_file() else "no",
                "licence": ds.licence,
            }
            for ds in catalogue().values()
        ]
    )
    _emit_frame(frame, format, "Datasets (spillover data fetch NAME)")


@app.command("fetch")
def fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Dataset names (see spillover data list)")] = None,
    all_events: Annotated[
        bool, typer.Option("--all-events", help="Every event dataset of the catalogue")
    ] = False,
    load: Annotated[bool, typer.Option(help="Also load event datasets into the store")] = True,
    store: StoreOpt = None,
) -> None:
    """Get datasets, checked against their pinned sha256 (from the local mirror in SPILLOVER_DATA_DIR or
    spillover.toml's data_dir, else downloaded).  With several datasets, every one that can be fetched is,
    and those that cannot (registration-only data) are listed at the end with what to do."""
    from spillover.sources.catalogue import FetchError, catalogue, dataset
    from spillover.sources.catalogue import fetch as fetch_dataset

    chosen = list(
        dict.fromkeys(
            [
                *(names or []),
                *([d.name for d in catalogue().values() if d.kind == "events"] if all_events else []),
            ]
        )
    )
    if not chosen:
        raise InputError("name a dataset, or pass --all-events (see spillover data list)")
    unknown = []
    for name in chosen:
        try:
            dataset(name)
        except FetchError as exc:
            unknown.append(str(exc))
    if unknown:
        raise InputError("; ".join(unknown))
    missing: list[str] = []
    loaded: list[str] = []  # kept for once every dataset is in, not after each one
    try:
        for name in chosen:
            ds = dataset(name)
            try:
                path = fetch_dataset(name, progress=not output.settings.quiet)
            except FetchError as exc:
                missing.append(str(exc))
                continue
            say(f"[green]{name}[/]: {path} (sha256 verified)")
            if load and ds.kind == "events":
                opts = ds.load_options
                summary = ingest_with_progress(
                    store_path(store), [path], keep=False,
                    allow_extra=bool(opts.get("allow_extra", False)), provided=dict(opts.get("provided", {})),
                )  # fmt: skip
                loaded += summary.loaded_ids()
                finish_load(summary, 1, Format.table)
    except typer.Exit:  # a dataset failed to load: what the others added is kept all the same
        _keep_after_load(store_path(store), loaded)
        raise
    _keep_after_load(store_path(store), loaded)
    if missing:
        output.error(f"{len(missing)} of {len(chosen)} datasets need to be got by hand:")
        for reason in missing:
            output.err.print(f"  • {output.escape(reason)}")
        raise typer.Exit(2)


@app.command("files")
def files(store: StoreOpt = None, format: FormatOpt = None) -> None:
    """Files loaded into the store, with their row accounting."""
    from spillover.store import Store

    with Store(store_path(store), read_only=True) as db:
        frame = db.files()
    columns = [
        "name",
        "source",
        "layout",
        "rows",
        "events_added",
        "events_known",
        "rows_quarantined",
        "file_id",
    ]
    if format_of(format) is Format.table:
        frame["file_id"] = frame["file_id"].str[:12]
    _emit_frame(frame[[c for c in columns if c in frame]], format, "Loaded files")


@app.command("quarantine")
def quarantine(
    limit: Annotated[int, typer.Option(help="Rows to show in the table (csv and json give every row)")] = 50,
    store: StoreOpt = None,
    format: FormatOpt = None,
) -> None:
    """Rows that were not loaded, with file, row number, field and reason."""
    from spillover.store import Store

    with Store(store_path(store), read_only=True) as db:
        frame = db.quarantined()
    _emit_frame(frame, format, f"Quarantined rows ({len(frame):,})", limit=limit)


@app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the Parquet tables into")],
    store: StoreOpt = None,
) -> None:
    """Write every table of the store as Parquet."""
    from spillover.store import Store

    with Store(store_path(store), read_only=True) as db:
        for path in db.export_parquet(directory):
            say(str(path))


def _emit_frame(frame: Any, format: Format | None, title: str, limit: int | None = None) -> None:
    """A plain table: rows as JSON records, CSV, or a titled table."""
    chosen = format_of(format)
    if chosen is Format.json:
        from spillover.results import records

        output.write(output.json_text(records(frame)))
    elif chosen is Format.csv:
        output.write(output.csv_text(frame))
    else:
        output.show(frame, title, limit=limit)


# -- reference -------------------------------------------------------------------------------------------
@top.command("schema")
def schema() -> None:
    """The event schema every source is normalised into."""
    from rich.markdown import Markdown

    from spillover.schema import schema_markdown

    console.print(Markdown(schema_markdown()))


@top.command("cite")
def cite() -> None:
    """How to cite the datasets spillover reads (cite them in your work)."""
    from spillover.sources import LOADERS
    from spillover.sources.catalogue import catalogue

    for loader in LOADERS.values():
        say(f"[bold]{loader.source}[/]: {output.escape(loader.citation)}")
    seen = set()
    for ds in catalogue().values():
        if ds.licence not in seen:
            seen.add(ds.licence)
            say(f"[dim]{ds.name}[/]: {output.escape(ds.licence)}")
