"""``spillover actors …``: the registry from the terminal.  The lead mounts ``app`` on the main CLI.

Every command is a thin layer over a function of :mod:`spillover.actors`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from spillover.actors.coverage import coverage as coverage_table
from spillover.actors.coverage import unresolved_names
from spillover.actors.graph import export_lineage, lineage_tree_text
from spillover.actors.registry import Registry, RegistryError, check_file, load_registry
from spillover.actors.resolver import Resolver
from spillover.cli_options import StoreOpt

app = typer.Typer(
    help="Actor registry: aliases across datasets, dated lineage, coverage.", no_args_is_help=True
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

COVERAGE_SQL = """
SELECT source, name, count(DISTINCT event_id) AS events, sum(fatalities) AS fatalities
FROM event_actors JOIN events USING (event_id)
WHERE role IN ('perpetrator', 'side_a', 'side_b')
GROUP BY ALL
"""

RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option("--registry", "-r", help="A user registry YAML layered over the shipped one (repeatable)."),
]
UcdpOpt = Annotated[
    Path | None,
    typer.Option(
        "--ucdp-actors", help="UCDP actor list CSV [default: in $SPILLOVER_DATA_DIR, skipped if absent]"
    ),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


def _registry(extra: list[Path] | None, ucdp_actors: Path | None) -> Registry:
    try:
        return load_registry(ucdp_actors=ucdp_actors, extra=extra or [])
    except RegistryError as exc:
        raise _fail(str(exc)) from exc


def _group_id(resolver: Resolver, name: str) -> str:
    """An id from whatever the user typed, or a clear error with suggestions."""
    try:
        return resolver.lookup(name)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from exc


def _table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*["" if pd.isna(v) else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row])
    return table


@app.command()
def coverage(
    store: StoreOpt = None,
    top: Annotated[int, typer.Option(help="Unresolved names to list per source")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Share of each source's named-perpetrator events and fatalities the registry resolves."""
    import duckdb

    from spillover.config import default_store_path

    store = store or default_store_path()
    if not store.is_file():
        raise _fail(f"no store at {store}")
    with duckdb.connect(str(store), read_only=True) as con:
        names = con.execute(COVERAGE_SQL).df()
    resolver = Resolver(_registry(registry, ucdp_actors))
    table = coverage_table(names, resolver, top=top)
    missing = unresolved_names(names, resolver, top=top)
    if as_json:
        console.print_json(
            json.dumps(
                {"coverage": table.to_dict("records"), "unresolved": missing.to_dict("records")}, default=str
            )
        )
        return
    shown = table[
        [
            "source",
            "names",
            "events_named",
            "events_unknown",
            "events_generic",
            "events_resolved",
            "share_events_resolved",
            "share_fatalities_resolved",
        ]
    ]
    console.print(_table("Registry coverage of named perpetrators", shown))
    console.print(_table("Largest unresolved names", missing[["source", "name", "events", "outcome"]]))


@app.command()
def lineage(
    group: Annotated[str, typer.Argument(help="Group id or any of its names")],
    out: Annotated[
        Path | None, typer.Option(help="Write SVG, PNG, GraphML and JSON into this folder")
    ] = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Predecessors, successors, memberships and components of a group, with dates."""
    reg = _registry(registry, ucdp_actors)
    gid = _group_id(Resolver(reg), group)
    console.print(lineage_tree_text(gid, reg))
    if out is not None:
        for path in export_lineage(gid, out, reg):
            console.print(f"wrote {path}")


@app.command()
def show(
    group: Annotated[str, typer.Argument(help="Group id or any of its names")],
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """A group's aliases per dataset, relations and leaders."""
    reg = _registry(registry, ucdp_actors)
    g = reg.group(_group_id(Resolver(reg), group))
    span = f"{g.founded or '?'} – {g.dissolved or ''}"
    console.print(
        f"[bold]{g.name}[/] [dim]({g.id}, {g.kind}, {g.country or '?'}, {span}, from {reg.origins.get(g.id)})[/]"
    )
    if g.note:
        console.print(g.note)
    aliases = pd.DataFrame(
        [{"dataset": ds, "alias": a.name, "period": _period(a.start, a.end)} for ds, a in g.aliases.items()],
        columns=["dataset", "alias", "period"],
    )
    console.print(_table("Aliases", aliases))
    relations = reg.relations()
    mine = relations[(relations["group_id"] == g.id) | (relations["target"] == g.id)]
    console.print(_table("Relations", mine[["group_id", "type", "target", "when", "sources"]]))
    leaders = pd.DataFrame(
        [{"leader": le.name, "period": _period(le.start, le.end), "kind": le.kind or ""} for le in g.leaders],
        columns=["leader", "period", "kind"],
    )
    console.print(_table("Leaders", leaders))


def _period(start: object, end: object) -> str:
    return "" if start is None and end is None else f"{start or '?'} – {end or ''}"


@app.command()
def resolve(
    name: Annotated[str, typer.Argument(help="An actor name as a dataset writes it")],
    source: Annotated[str | None, typer.Option(help="gtd, ged/ucdp, acled, rand or gdelt")] = None,
    date: Annotated[str | None, typer.Option(help="Event date (YYYY[-MM[-DD]])")] = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """How a name resolves, and 'did you mean' suggestions when it does not."""
    resolver = Resolver(_registry(registry, ucdp_actors))
    result = resolver.resolve(name, source, date)
    names = ", ".join(f"{gid} ({resolver.registry.group(gid).name})" for gid in result.group_ids)
    flags = [f for f, on in (("uncertain", result.uncertain), ("joint", result.joint)) if on]
    console.print(
        f"[bold]{result.status}[/] ({result.category}, via {result.via}"
        f"{', ' + ', '.join(flags) if flags else ''}): {names or '-'}"
    )
    if result.status != "resolved":
        for s in resolver.suggest(name):
            console.print(
                f"  did you mean [cyan]{s.alias}[/] → {s.group_id} ({s.group_name}, score {s.score:.0f})"
            )


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="A user registry YAML file")],
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Validate a user registry on top of the shipped one."""
    try:
        reg = check_file(file, ucdp_actors=ucdp_actors)
    except RegistryError as exc:
        raise _fail(str(exc)) from exc
    own = [gid for gid, origin in reg.origins.items() if origin == str(file)]
    console.print(
        f"[green]ok[/]: {file} is valid ({len(own)} groups defined or overridden; registry has {len(reg)})"
    )


FormatOpt = Annotated[str, typer.Option("--format", help="table, csv or json")]


@app.command("relations")
def relations_command(
    group: Annotated[str, typer.Argument(help="Group id or any of its names")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Only ties begun by then and not ended (YYYY[-MM[-DD]])")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            help="alliance, rivalry, affiliation, splinter, merger, renaming, pledge, component (repeatable)",
        ),
    ] = None,
    fmt: FormatOpt = "table",
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """A group's dated ties (curated registry, Mapping Militants, BAAD1) with their sources."""
    from spillover.actors.relations import relations

    reg = _registry(registry, ucdp_actors)
    gid = _group_id(Resolver(reg), group)
    try:
        result = relations(gid, as_of=as_of, types=kind, registry=reg)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    frame = result.to_frame()
    if len(result.layers) < 3:
        err.print(
            "[yellow]note:[/] Mapping Militants / BAAD1 files not found in $SPILLOVER_DATA_DIR/relations: "
            f"ties from {', '.join(result.layers)} only"
        )
    if fmt == "json":
        console.print_json(json.dumps(result.to_dict(), default=str))
    elif fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "table":
        when = f" as of {result.as_of}" if result.as_of else ""
        shown = frame[["group_name", "kind", "other_name", "start", "end", "layer", "dataset_id", "sources"]]
        console.print(_table(f"Ties of {result.group_name}{when} ({len(frame)})", shown))
    else:
        raise _fail(f"unknown format {fmt!r}; choose table, csv or json")


@app.command("audit")
def audit_command(
    fmt: FormatOpt = "table",
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Every curated relation against the MMP and BAAD1 relations of its pair, and what the curated layer lacks."""
    from spillover.actors.audit import audit

    result = audit(_registry(registry, ucdp_actors))
    if fmt == "json":
        console.print_json(json.dumps(result.to_dict(), default=str))
        return
    if fmt == "csv":
        typer.echo(result.curated.to_csv(index=False), nl=False)
        return
    console.print(", ".join(f"{k}: {v}" for k, v in result.counts.items()))
    disagree = result.curated[result.curated["outcome"].isin(["date disagrees", "type disagrees"])]
    columns = ["group_id", "type", "target", "curated_date", "curated_sources", "outcome", "dataset_dates"]
    console.print(_table("Curated relations the datasets contradict", disagree[columns]))
    lacking = result.missing[result.missing["pair_in_curated"]]
    console.print(
        _table(
            "Dataset relations of curated pairs the curated layer lacks", lacking.drop(columns="description")
        )
    )
