"""The ``spillover`` command line.  Every command is a thin layer over a function of the package."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from spillover.cli_engine import EngineOpt, ParquetOpt, SparkMasterOpt, wants_engine
from spillover.cli_options import StoreOpt
from spillover.config import default_store_path

if TYPE_CHECKING:
    from spillover.loading import LoadSummary

app = typer.Typer(
    help="spillover: evidence-backed assessments of armed groups from public conflict-event data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
data_app = typer.Typer(help="Get data and load it into the store.", no_args_is_help=True)
app.add_typer(data_app, name="data")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _store_path(store: Path | None) -> Path:
    return store if store is not None else default_store_path()


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code=1)


def _table(title: str, frame, columns: list[str] | None = None, limit: int | None = None) -> Table:  # noqa: ANN001
    table = Table(title=title, title_justify="left")
    cols = columns or list(frame.columns)
    for c in cols:
        table.add_column(
            c,
            justify="right" if str(frame[c].dtype).startswith(("int", "float")) else "left",
            overflow="fold",
        )
    for _, row in (frame.head(limit) if limit else frame).iterrows():
        table.add_row(*[_fmt(row[c]) for c in cols])
    return table


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return "" if value is None else str(value)


# --- data --------------------------------------------------------------------------------------------


def _ingest_with_progress(store_path: Path, paths: list[Path], **options: object) -> LoadSummary:
    """Load the files one by one (each its own transaction, so an interrupted load keeps the files done
    and a re-run skips them), with a progress bar over the files when there are several; a bad file is
    named with its reason and the load goes on (:func:`spillover.loading.load_files`)."""
    from rich.progress import BarColumn, MofNCompleteColumn

    from spillover.loading import FileFailure, load_files
    from spillover.store import Store

    with (
        Store(store_path) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress,
    ):
        overall = progress.add_task("files", total=len(paths)) if len(paths) > 1 else None
        tasks: dict[Path, int] = {}

        def on_file(path: Path) -> Callable[[str], None]:
            tasks[path] = task = progress.add_task(f"{path.name}: starting", total=None)
            return lambda msg: progress.update(task, description=f"{path.name}: {msg}")

        def on_done(path: Path, outcome: object) -> None:
            progress.remove_task(tasks.pop(path))
            if overall is not None:
                progress.advance(overall)
            if isinstance(outcome, FileFailure):
                err.print(f"failed: {outcome.reason}", soft_wrap=True, markup=False, style="bold red")
            else:
                _print_report(outcome.as_dict())  # type: ignore[attr-defined]

        return load_files(store, paths, on_file=on_file, on_done=on_done, **options)


def _print_report(r: dict[str, object]) -> None:
    name = Path(str(r["path"])).name
    if r["status"] != "ingested":
        console.print(f"[yellow]{name}[/]: {r['status']} (sha256 {str(r['file_id'])[:12]}…), nothing added")
        return
    console.print(
        f"[green]{name}[/]: {r['source']} · {r['layout_description']} · {r['rows']:,} rows → "
        f"{r['events_added']:,} new events, {r['events_known']:,} already in the store, "
        f"{r['rows_quarantined']:,} rows quarantined"
    )
    for reason, n in dict(r["quarantine_reasons"]).items():  # type: ignore[call-overload]
        console.print(f"    quarantined {n:,} × {reason}", markup=False)
    for reason, n in dict(r.get("skip_reasons") or {}).items():  # type: ignore[call-overload]
        console.print(f"    skipped {n:,} × {reason}", markup=False)
    if r["absent_columns"]:
        console.print(f"    recorded as unknown (absent columns): {len(r['absent_columns']):,}")  # type: ignore[arg-type]


@data_app.command("add")
def data_add(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Event files (CSV, CSV.gz, XLSX; GDELT .export.CSV(.zip)), folders, or quoted glob patterns"
        ),
    ],
    source: Annotated[
        str | None, typer.Option(help="ged, gtd, acled, rand or gdelt [default: detected]")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Country of every row, for files with no country column")
    ] = None,
    allow_extra_columns: Annotated[
        bool, typer.Option(help="Keep unknown extra columns in the raw row only")
    ] = False,
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ingest reports as JSON")] = False,
) -> None:
    """Load local event files into the store (idempotent: a file already loaded adds nothing).  Every good
    file of a folder or pattern is loaded; each bad one is named with its reason (exit code 1)."""
    from spillover.loading import expand_inputs

    provided = {"country": country} if country else {}
    files = expand_inputs(paths)
    summary = _ingest_with_progress(
        _store_path(store), files, source=source, allow_extra=allow_extra_columns, provided=provided
    )
    if as_json:
        console.print_json(json.dumps([r.as_dict() for r in summary.reports], default=str))
    if len(files) > 1 or summary.failures:
        (err if summary.failures else console).print(summary.line(), markup=False)
    if summary.failures:
        raise typer.Exit(code=1)


@data_app.command("remove")
def data_remove(
    file: Annotated[
        str, typer.Argument(help="The loaded file: its path, name or file id (see `data files`)")
    ],
    store: StoreOpt = None,
) -> None:
    """Take a loaded file and everything it brought (events, actor names, raw rows, quarantined rows, fusion
    links) out of the store, in one transaction."""
    from spillover.store import Store, remove_file

    with Store(_store_path(store)) as opened:
        removed = remove_file(opened, file)
    kept = (
        f", {removed.events_kept:,} events kept (another loaded file has them)" if removed.events_kept else ""
    )
    console.print(
        f"removed {removed.name} ({removed.file_id[:12]}…): {removed.events:,} events{kept}, "
        f"{removed.raw_rows:,} raw rows, {removed.quarantined:,} quarantined rows, {removed.skipped:,} skipped "
        f"rows, {removed.links:,} fusion links",
        markup=False,
    )


@data_app.command("list")
def data_list() -> None:
    """Datasets spillover knows, where they come from, and whether they can be downloaded."""
    from spillover.config import local_data_dir
    from spillover.sources.catalogue import catalogue

    mirror = local_data_dir()
    table = Table(title="Datasets (spillover data fetch NAME)", title_justify="left")
    for col in ("name", "kind", "download", "in mirror", "licence"):
        table.add_column(col)
    for ds in catalogue().values():
        download = "yes" if ds.url else ("registration" if not ds.open else "manual")
        here = "yes" if mirror and (mirror / ds.file).is_file() else "-"
        table.add_row(ds.name, ds.kind, download, here, ds.licence[:60])
    console.print(table)


@data_app.command("fetch")
def data_fetch(
    names: Annotated[
        list[str] | None, typer.Argument(help="Dataset names (see `spillover data list`)")
    ] = None,
    all_events: Annotated[
        bool, typer.Option("--all-events", help="Every event dataset of the catalogue")
    ] = False,
    load: Annotated[bool, typer.Option(help="Also load event datasets into the store")] = True,
    store: StoreOpt = None,
) -> None:
    """Get datasets, checked against their pinned sha256 (local mirror in $SPILLOVER_DATA_DIR, else download)."""
    from spillover.sources.catalogue import FetchError, catalogue, dataset, fetch

    chosen = list(names or [])
    if all_events:
        chosen += [d.name for d in catalogue().values() if d.kind == "events"]
    if not chosen:
        raise _fail("name a dataset, or pass --all-events (see `spillover data list`)")
    try:
        for name in chosen:
            ds = dataset(name)
            path = fetch(name)
            console.print(f"[green]{name}[/]: {path} (sha256 verified)")
            if load and ds.kind == "events":
                opts = ds.load_options
                loaded = _ingest_with_progress(
                    _store_path(store),
                    [path],
                    allow_extra=bool(opts.get("allow_extra", False)),
                    provided=dict(opts.get("provided", {})),
                )
                if loaded.failures:
                    raise typer.Exit(code=1)
    except FetchError as exc:
        raise _fail(str(exc)) from exc


@data_app.command("files")
def data_files(store: StoreOpt = None) -> None:
    """Files loaded into the store, with their row accounting."""
    from spillover.store import Store

    with Store(_store_path(store), read_only=True) as s:
        frame = s.files()
    frame["file_id"] = frame["file_id"].str[:12]
    console.print(
        _table(
            "Loaded files",
            frame,
            [
                "name",
                "source",
                "layout",
                "rows",
                "events_added",
                "events_known",
                "rows_quarantined",
                "file_id",
            ],
        )
    )


@data_app.command("quarantine")
def data_quarantine(
    limit: Annotated[int, typer.Option(help="Rows to show")] = 50,
    store: StoreOpt = None,
) -> None:
    """Rows that were not loaded, with file, row number, field and reason."""
    from spillover.store import Store

    with Store(_store_path(store), read_only=True) as s:
        frame = s.quarantined()
    console.print(_table(f"Quarantined rows ({len(frame):,})", frame, limit=limit))


@data_app.command("export")
def data_export(directory: Path, store: StoreOpt = None) -> None:
    """Write every table of the store as Parquet."""
    from spillover.store import Store

    with Store(_store_path(store), read_only=True) as s:
        for path in s.export_parquet(directory):
            console.print(str(path))


# --- analysis ----------------------------------------------------------------------------------------


@app.command("profile")
def profile_cmd(
    group: Annotated[
        str, typer.Argument(help="Group name, alias or registry id; other text matches raw actor names")
    ],
    with_predecessors: Annotated[
        bool, typer.Option(help="Include the group's predecessors (registry lineage)")
    ] = False,
    raw_names: Annotated[
        bool, typer.Option(help="Match raw actor names by substring, bypassing the registry")
    ] = False,
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON")] = False,
    engine: EngineOpt = None,
    parquet: ParquetOpt = None,
    spark_master: SparkMasterOpt = "local[*]",
) -> None:
    """A group's activity: events and fatalities by year and country, first/last event per country, tactics.

    With --engine/--parquet the aggregation runs on DuckDB or Spark (spillover.query); every stored row
    counts and ``event_ids`` keeps the earliest evidence ids only."""
    from spillover import measures
    from spillover.analysis.profile import raw_name_profile
    from spillover.selection import UnknownGroup, UnknownView, select
    from spillover.store import Store

    include = ("predecessors",) if with_predecessors else ()
    try:
        if wants_engine(engine, parquet):
            from spillover.analysis.engine import profile_on
            from spillover.query import open_engine

            con = open_engine(engine, store=_store_path(store), parquet=parquet, spark_master=spark_master)
            with console.status(f"profiling {group} on {engine or 'duckdb'}…"):
                p = profile_on(con, group, include=include, raw_names=raw_names)
        else:
            with Store(_store_path(store), read_only=True) as s, console.status(f"profiling {group}…"):
                known = not raw_names and _known_group(group)
                p = (
                    measures.profile(select(s, group, include=include))
                    if known
                    else raw_name_profile(s, group)
                )
    except (UnknownGroup, UnknownView, FileNotFoundError, ValueError, ImportError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        payload = {
            k: getattr(p, k).to_dict(orient="records")
            for k in ("by_year", "by_country", "tactics", "matched_names", "by_source")
        }
        console.print_json(
            json.dumps(
                {"group": p.group, "events": p.events, "fatalities": p.fatalities, **payload}, default=str
            )
        )
        return
    console.print(f"[bold]{p.group}[/]: {p.events:,} events, {p.fatalities:,.0f} fatalities")
    console.print(_table("Matched actor names", p.matched_names, limit=15))
    console.print(_table("By source", p.by_source))
    console.print(_table("By year", p.by_year))
    console.print(_table("By country", p.by_country))
    console.print(_table("Tactics", p.tactics, ["tactic", "events", "share", "fatalities"]))


def _known_group(group: str) -> bool:
    """Whether the registry knows ``group`` (else ``profile`` matches raw actor names)."""
    from spillover.selection import UnknownGroup, resolve_group

    try:
        resolve_group(group)
    except UnknownGroup:
        return False
    return True


def _mount_commands() -> None:
    """Commands that live beside the code they drive (analysis, actors, instability)."""
    from spillover.actors import cli as actors_cli
    from spillover.actors.cli import app as actors_app
    from spillover.analysis import cli as analysis_cli
    from spillover.fusion.cli import sources as fusion_sources
    from spillover.instability import cli as instability_cli
    from spillover.web.cli import serve as web_serve

    app.add_typer(
        actors_app, name="actors", help="The actor registry: aliases, lineage, resolution coverage."
    )
    for name in ("expansion", "tactics", "autonomy", "theatres"):
        app.command(name)(getattr(analysis_cli, name))
    app.command("instability")(instability_cli.instability)
    app.command("lineage")(actors_cli.lineage)
    app.command("sources")(fusion_sources)
    app.command("serve")(web_serve)
    from spillover.report import cli as report_cli

    app.command("assess")(report_cli.assess_command)
    app.command("check")(report_cli.check_command)


_mount_commands()


# --- reference ---------------------------------------------------------------------------------------


@app.command("schema")
def schema_cmd() -> None:
    """The event schema every source is normalised into."""
    from rich.markdown import Markdown

    from spillover.schema import schema_markdown

    console.print(Markdown(schema_markdown()))


@app.command("cite")
def cite_cmd() -> None:
    """How to cite the datasets spillover reads (cite them in your work)."""
    from spillover.sources import LOADERS
    from spillover.sources.catalogue import catalogue

    for loader in LOADERS.values():
        console.print(f"[bold]{loader.source}[/]: {loader.citation}")
    seen = set()
    for ds in catalogue().values():
        if ds.licence not in seen:
            seen.add(ds.licence)
            console.print(f"[dim]{ds.name}[/]: {ds.licence}")


def main() -> None:  # pragma: no cover - console script entry
    """The console script: the app inside the error boundary (one line per failure, never a traceback)."""
    from spillover.errors import main_guarded

    main_guarded(app)


if __name__ == "__main__":  # pragma: no cover
    main()
