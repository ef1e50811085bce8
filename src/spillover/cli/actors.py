"""``spillover actors …``: the actor registry from the terminal; ``spillover lineage GROUP``.

Every command is a thin layer over a function of :mod:`spillover.actors`.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spillover.cli import output
from spillover.cli.options import (
    EXIT_FINDING,
    FormatOpt,
    InputError,
    StoreOpt,
    commands,
    format_of,
    store_path,
)
from spillover.cli.output import Format, say

if TYPE_CHECKING:
    from spillover.actors.registry import Registry
    from spillover.actors.resolver import Resolver

app = commands("The actor registry: aliases across datasets, dated lineage, coverage.")
#: Top-level commands of this area (lineage).
top = commands()

COVERAGE_SQL = """
SELECT source, name, count(DISTINCT event_id) AS events, sum(fatalities) AS fatalities
FROM event_actors JOIN events USING (event_id)
WHERE role IN ('perpetrator', 'side_a', 'side_b')
GROUP BY ALL
"""

RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option("--registry", "-r", help="A user registry YAML layered over the shipped one (repeatable)"),
]
UcdpOpt = Annotated[
    Path | None,
    typer.Option(
        "--ucdp-actors", help="UCDP actor list CSV", show_default="in SPILLOVER_DATA_DIR, skipped if absent"
    ),
]


def _registry(extra: list[Path] | None, ucdp_actors: Path | None) -> Registry:
    from spillover.actors.registry import load_registry

    return load_registry(ucdp_actors=ucdp_actors, extra=extra or [])


def _group_id(resolver: Resolver, name: str, store: Path | None = None) -> str:
    """An id from whatever the user typed, or an input error with suggestions.  A group that a pattern rule
    makes of the store's actor names (``ethnic-militia-fulani-NGA``) is known when the store is there."""
    try:
        return resolver.lookup(name)
    except KeyError as exc:
        path = store_path(store)
        if path.is_file():
            from spillover.selection import UnknownGroup, resolve_group
            from spillover.store import Store

            with Store(path, read_only=True) as db, suppress(UnknownGroup):
                return resolve_group(name, resolver, db)
        raise InputError(str(exc.args[0])) from exc


def _resolver(registry: Registry) -> Resolver:
    from spillover.actors.resolver import Resolver

    return Resolver(registry)


@app.command("coverage")
def coverage(
    store: StoreOpt = None,
    top_names: Annotated[int, typer.Option("--top", help="Unresolved names to list per source")] = 10,
    format: FormatOpt = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Share of each source's named-perpetrator events and fatalities the registry resolves (csv: the
    coverage table; json: the coverage and the largest unresolved names)."""
    import duckdb

    from spillover.actors.coverage import coverage as coverage_table
    from spillover.actors.coverage import unresolved_names
    from spillover.results import records

    path = store_path(store)
    if not path.is_file():
        raise InputError(f"{path}: no store here (load data with spillover data add FILE, or pass --store)")
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(COVERAGE_SQL).df()
    resolver = _resolver(_registry(registry, ucdp_actors))
    table = coverage_table(names, resolver, top=top_names)
    missing = unresolved_names(names, resolver, top=top_names)
    chosen = format_of(format)
    if chosen is Format.json:
        output.write(output.json_text({"coverage": records(table), "unresolved": records(missing)}))
        return
    if chosen is Format.csv:
        output.write(output.csv_text(table))
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
    output.show(shown, "Registry coverage of named perpetrators")
    output.show(missing[["source", "name", "events", "outcome"]], "Largest unresolved names")


@top.command("lineage")
def lineage(
    group: Annotated[str, typer.Argument(help="Group id or any of its names")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write SVG, PNG, GraphML and JSON into this folder", show_default=False),
    ] = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
    store: StoreOpt = None,
) -> None:
    """Predecessors, successors, components and leaders of a group as a tree, with dates."""
    from spillover.actors.graph import export_lineage, lineage_tree_text

    reg = _registry(registry, ucdp_actors)
    gid = _group_id(_resolver(reg), group, store)
    output.console.print(lineage_tree_text(gid, reg))
    if out is not None:
        for path in export_lineage(gid, out, reg):
            say(f"wrote {path}")


@app.command("show")
def show(
    group: Annotated[str, typer.Argument(help="Group id or any of its names")],
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
    store: StoreOpt = None,
) -> None:
    """A group's aliases per dataset, relations and leaders."""
    import pandas as pd

    reg = _registry(registry, ucdp_actors)
    g = reg.group(_group_id(_resolver(reg), group, store))
    span = f"{g.founded or '?'} – {g.dissolved or ''}"
    say(
        f"[bold]{output.escape(g.name)}[/] [dim]({g.id}, {g.kind}, {g.country or '?'}, {span}, "
        f"from {output.escape(str(reg.origins.get(g.id)))})[/]"
    )
    if g.note:
        say(output.escape(g.note))
    aliases = pd.DataFrame(
        [{"dataset": ds, "alias": a.name, "period": _period(a.start, a.end)} for ds, a in g.aliases.items()],
        columns=["dataset", "alias", "period"],
    )
    output.show(aliases, "Aliases")
    relations = reg.relations()
    mine = relations[(relations["group_id"] == g.id) | (relations["target"] == g.id)]
    output.show(mine[["group_id", "type", "target", "when", "sources"]], "Relations")
    leaders = pd.DataFrame(
        [{"leader": le.name, "period": _period(le.start, le.end), "kind": le.kind or ""} for le in g.leaders],
        columns=["leader", "period", "kind"],
    )
    output.show(leaders, "Leaders")


def _period(start: object, end: object) -> str:
    return "" if start is None and end is None else f"{start or '?'} – {end or ''}"


@app.command("resolve")
def resolve(
    name: Annotated[str, typer.Argument(help="An actor name as a dataset writes it")],
    source: Annotated[str | None, typer.Option(help="gtd, ged/ucdp, acled, rand or gdelt")] = None,
    date: Annotated[str | None, typer.Option(help="Event date (YYYY[-MM[-DD]])")] = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """How a name resolves, and 'did you mean' suggestions when it does not."""
    resolver = _resolver(_registry(registry, ucdp_actors))
    result = resolver.resolve(name, source, date)
    names = ", ".join(f"{gid} ({resolver.registry.group(gid).name})" for gid in result.group_ids)
    flags = [f for f, on in (("uncertain", result.uncertain), ("joint", result.joint)) if on]
    say(
        f"[bold]{result.status}[/] ({result.category}, via {output.escape(str(result.via))}"
        f"{', ' + ', '.join(flags) if flags else ''}): {output.escape(names) or '-'}"
    )
    if result.status != "resolved":
        for s in resolver.suggest(name):
            say(
                f"  did you mean [cyan]{output.escape(s.alias)}[/] → {s.group_id} "
                f"({output.escape(s.group_name)}, score {s.score:.0f})"
            )


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="A user registry YAML file")],
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Validate a user registry on top of the shipped one (exit 1 when it is refused)."""
    from spillover.actors.registry import RegistryError, check_file

    if not file.is_file():
        raise InputError(f"{file}: no such file")
    try:
        reg = check_file(file, ucdp_actors=ucdp_actors)
    except RegistryError as exc:
        output.error(str(exc))
        raise typer.Exit(EXIT_FINDING) from exc
    own = [gid for gid, origin in reg.origins.items() if origin == str(file)]
    say(f"[green]ok[/]: {file} is valid ({len(own)} groups defined or overridden; registry has {len(reg)})")


@top.command("relations")
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
    format: FormatOpt = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
    store: StoreOpt = None,
) -> None:
    """A group's dated ties (curated registry, Mapping Militants, BAAD1) with their sources."""
    from spillover.actors.relations import relations

    reg = _registry(registry, ucdp_actors)
    gid = _group_id(_resolver(reg), group, store)
    try:
        result = relations(gid, as_of=as_of, types=kind, registry=reg)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if len(result.layers) < 3:
        output.note(
            "Mapping Militants / BAAD1 files not found in $SPILLOVER_DATA_DIR/relations: "
            f"ties from {', '.join(result.layers)} only"
        )
    chosen = format_of(format)
    frame = result.to_frame()
    if chosen is Format.json:
        output.write(output.json_text(result.to_dict(), default=str))
    elif chosen is Format.csv:
        output.write(output.csv_text(frame))
    else:
        when = f" as of {result.as_of}" if result.as_of else ""
        shown = frame[["group_name", "kind", "other_name", "start", "end", "layer", "dataset_id", "sources"]]
        output.show(shown, f"Ties of {result.group_name}{when} ({len(frame)})")


@app.command("audit")
def audit_command(
    format: FormatOpt = None,
    registry: RegistryOpt = None,
    ucdp_actors: UcdpOpt = None,
) -> None:
    """Every curated relation against the MMP and BAAD1 relations of its pair, and what the curated layer lacks."""
    from spillover.actors.audit import audit

    result = audit(_registry(registry, ucdp_actors))
    chosen = format_of(format)
    if chosen is Format.json:
        output.write(output.json_text(result.to_dict(), default=str))
        return
    if chosen is Format.csv:
        output.write(output.csv_text(result.curated))
        return
    say(", ".join(f"{k}: {v}" for k, v in result.counts.items()))
    disagree = result.curated[result.curated["outcome"].isin(["date disagrees", "type disagrees"])]
    columns = ["group_id", "type", "target", "curated_date", "curated_sources", "outcome", "dataset_dates"]
    output.show(disagree[columns], "Curated relations the datasets contradict")
    lacking = result.missing[result.missing["pair_in_curated"]]
    output.show(
        lacking.drop(columns="description"), "Dataset relations of curated pairs the curated layer lacks"
    )
