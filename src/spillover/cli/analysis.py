"""The analysis commands: profile, expansion, opportunism, tactics, autonomy, theatres, instability, sources.

Each selects the group's events with :func:`spillover.selection.select` (the defaults of every surface:
the group and its predecessors, the fused view), computes the measure with :mod:`spillover.measures` and
prints the result: ``--format json`` is exactly the result's ``to_dict()`` (what the report's JSON and
the web API carry), ``--format csv`` its main table, and ``--format table`` starts with the selection's
scope and view, then the tables and one-sentence summaries.  Charts and maps are written only with
``--out``.  The commands that count events over time (expansion, tactics) also print the coverage
warnings: year-on-year changes that coincide with a source starting or stopping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spillover.cli import output
from spillover.cli.options import (
    ENGINE_OPTIONS,
    DrawsOpt,
    FormatOpt,
    IncludeOpt,
    InputError,
    OutOpt,
    SeedOpt,
    StoreOpt,
    Where,
    commands,
    format_of,
    include_of,
    parameters,
    selection_options,
    store_path,
    view_of,
)
from spillover.cli.output import Format, emit, say, show
from spillover.parameters import DEFAULTS

if TYPE_CHECKING:
    from spillover.selection import GroupSelection

top = commands()

GroupArg = Annotated[str, typer.Argument(help="Group name, alias or registry id (e.g. AQIM)")]


# -- the selection -------------------------------------------------------------------------------------------
@dataclass
class Selected:
    """A command's selection, with the store it came from (open while the command runs: the measures
    select related groups from it) and the query-layer engine when one was asked for."""

    sel: GroupSelection
    store: Any = None
    engine: Any = None
    parquet: Path | None = None

    @property
    def header(self) -> str:
        """The first line of every table output: who is included, for which dates, in which view."""
        line = f"{self.sel.describe_scope()}. {self.sel.describe_view()}"
        return line + (" (engine path: sources are not fused)" if self.engine is not None else "")


@contextmanager
def selected(group: str, where: Where) -> Iterator[Selected]:
    """The group's selection for the life of a command (with progress while it is made); with
    ``--as-of-pull`` the store reads as it was when that API pull finished (:func:`spillover.versions.as_of_pull`),
    so an analysis can be reproduced."""
    from contextlib import nullcontext

    from spillover.selection import VIEW_ALL, select
    from spillover.store import Store
    from spillover.versions import as_of_pull as reading_as_of

    con = None
    if where.wants_engine:
        if where.view not in (None, VIEW_ALL):
            raise InputError(f"--view {where.view} is not available with --engine/--parquet (view all only)")
        con = where.open_engine()
    db = Store(store_path(where.store), read_only=True) if where.parquet is None else None
    if where.as_of_pull is not None and db is None:
        raise InputError("--as-of-pull reads the store: it cannot be used with --parquet")
    try:
        with reading_as_of(db, where.as_of_pull) if where.as_of_pull is not None else nullcontext():
            with output.working(f"selecting the events of {group}…"):
                sel = select(
                    con if con is not None else db, group, include=include_of(where.include),
                    view=VIEW_ALL if con is not None else view_of(where.view), since=where.since, until=where.until,
                )  # fmt: skip
            yield Selected(sel, db, con, where.parquet)
    finally:
        if db is not None:
            db.close()


def coverage_warnings(chosen: Selected) -> list:
    """The coverage warnings of the selection, read from the store (also on the engine path over the
    store); none with ``--parquet``, said so."""
    from dataclasses import replace

    from spillover.measures import coverage_warnings as warnings_of

    if chosen.store is None:
        say("coverage warnings: not computed (they need the store; --parquet was given)")
        return []
    return warnings_of(replace(chosen.sel, source=chosen.store))


def print_warnings(warnings: list, view: str) -> None:
    if not warnings:
        say(f"coverage: no trend coincides with a source starting or stopping (view: {view})")
        return
    say(
        f"[bold yellow]Coverage warnings[/] ({len(warnings)}; view: {view}): these changes coincide with a "
        "source starting or stopping, not necessarily with the group growing or shrinking"
    )
    for w in warnings:
        say(f"[yellow]warning:[/] {output.escape(w.text)}")


# -- profile -------------------------------------------------------------------------------------------------
@top.command("profile")
@selection_options()
def profile(
    group: Annotated[
        str, typer.Argument(help="Group name, alias or registry id; other text matches raw actor names")
    ],
    where: Where,
    raw_names: Annotated[
        bool, typer.Option(help="Match raw actor names by substring, bypassing the registry")
    ] = False,
    format: FormatOpt = None,
) -> None:
    """A group's activity: events and fatalities by year, country, source and tactic, first and last event
    per country, and the actor names matched."""
    from spillover import measures
    from spillover.selection import UnknownGroup

    chosen = format_of(format)
    if where.wants_engine:
        from spillover.analysis.engine import profile_on

        con = where.open_engine()
        with output.working(f"profiling {group} on {where.engine or 'duckdb'}…"):
            result = profile_on(con, group, include=include_of(where.include), raw_names=raw_names)
        emit(result, chosen, render_profile, header=f"{result.group} (engine path: every stored row counted)")
        return
    if not raw_names:
        try:
            with selected(group, where) as chosen_sel:
                emit(measures.profile(chosen_sel.sel), chosen, render_profile, header=chosen_sel.header)
            return
        except UnknownGroup:
            pass  # not in the registry: raw actor names below (their own "did you mean" if none matches)
    from spillover.analysis.profile import raw_name_profile
    from spillover.store import Store

    with (
        Store(store_path(where.store), read_only=True) as db,
        output.working(f"matching actor names with {group}…"),
    ):
        result = raw_name_profile(db, group)
    header = f"{group}: actor names containing {group!r} (not a group of the registry); every stored report counted"
    emit(result, chosen, render_profile, header=header)


def render_profile(p: Any) -> None:
    say(
        f"[bold]{output.escape(p.group)}[/]: {output.fmt(p.events)} events, {output.fmt(p.fatalities, 'fatalities')} fatalities"
    )
    show(p.matched_names, "Matched actor names", limit=15)
    show(p.by_source, "By source")
    show(p.by_year, "By year")
    show(p.by_country, "By country")
    show(p.tactics, "Tactics", ["tactic", "events", "share", "fatalities"])


# -- expansion and opportunism ----------------------------------------------------------------------------------
MinEventsOpt = Annotated[int, typer.Option(help="Sustained presence: at least this many events …")]
WindowOpt = Annotated[int, typer.Option(help="… within this many months")]


def _measured_expansion(chosen: Selected, params: Any, steps: Any) -> Any:
    """The expansion of the selection (on the engine when one was asked for), with coverage warnings."""
    from spillover import measures

    steps("measuring expansion…")
    if chosen.engine is None:
        return measures.expansion(chosen.sel, params)
    from spillover.analysis.engine import expansion_on
    from spillover.analysis.expansion import InsufficientData

    try:
        result = expansion_on(
            chosen.engine, chosen.sel, min_events=params.min_events, window_months=params.window_months
        )
    except InsufficientData as exc:
        return measures.Unmeasured("expansion", measures.INSUFFICIENT, str(exc))
    result.view = chosen.sel.view
    result.coverage_warnings = coverage_warnings(chosen)
    return result


@top.command("expansion")
@selection_options()
def expansion(
    group: GroupArg,
    where: Where,
    min_events: MinEventsOpt = DEFAULTS.min_events,
    window_months: WindowOpt = DEFAULTS.window_months,
    draws: DrawsOpt = DEFAULTS.n_draws,
    seed: SeedOpt = DEFAULTS.seed,
    out: OutOpt = None,
    format: FormatOpt = None,
) -> None:
    """Where the group spread and when (countries entered with sustained presence); in table form also
    whether its entries followed instability onsets more often than chance (the opportunism command's
    test).  With --engine/--parquet the per-country table is aggregated by DuckDB or Spark."""
    from spillover import measures

    chosen = format_of(format)
    params = parameters(min_events=min_events, window_months=window_months, n_draws=draws, seed=seed)
    with selected(group, where) as sel, output.working("measuring expansion…") as steps:
        result = _measured_expansion(sel, params, steps)
        test = None
        if chosen is Format.table and not isinstance(result, measures.Unmeasured):
            steps(f"testing the entries against the null models ({params.n_draws:,} draws)…")
            test = measures.opportunism(sel.sel, params, measured=result)
        if out is not None and not isinstance(result, measures.Unmeasured):
            from spillover.analysis.expansion import expansion_map

            steps("drawing the map…")
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{sel.sel.group_id}-expansion.html"
            expansion_map(result, path)
    emit(result, chosen, lambda r: render_expansion(r, sel.sel, test), header=sel.header)
    if chosen is Format.table and out is not None and not isinstance(result, measures.Unmeasured):
        say(f"map: {path}")


def render_expansion(result: Any, sel: GroupSelection, test: Any) -> None:
    if not result.ok:
        say(f"{sel.name}: {result.message}")
        return
    say(
        f"[bold]{output.escape(sel.name)}[/] ({', '.join(sorted(sel.family.ids))}): {len(sel.events):,} events"
    )
    show(
        result.countries, "Countries",
        ["country_iso3", "country", "events", "fatalities", "first_event", "last_event", "entered", "admin1_units"],
    )  # fmt: skip
    show(
        result.expansions, "Expansion events (first sustained activity in a new country)",
        ["order", "country_iso3", "date", "window_events", "is_origin"],
    )  # fmt: skip
    if test is not None:
        render_opportunism(test)
    print_warnings(result.coverage_warnings, sel.view)


@top.command("opportunism")
@selection_options(leave_out=ENGINE_OPTIONS)
def opportunism(
    group: GroupArg,
    where: Where,
    min_events: MinEventsOpt = DEFAULTS.min_events,
    window_months: WindowOpt = DEFAULTS.window_months,
    draws: DrawsOpt = DEFAULTS.n_draws,
    seed: SeedOpt = DEFAULTS.seed,
    format: FormatOpt = None,
) -> None:
    """Whether the group's entries into new countries followed instability onsets more often than the null
    models expect (windows of 6, 12 and 24 months; permutation, uniform and neighbour nulls)."""
    from spillover import measures

    params = parameters(min_events=min_events, window_months=window_months, n_draws=draws, seed=seed)
    with (
        selected(group, where) as sel,
        output.working(f"testing the entries against the null models ({params.n_draws:,} draws)…"),
    ):
        result = measures.opportunism(sel.sel, params)
    emit(result, format_of(format), render_opportunism, header=sel.header)


def render_opportunism(test: Any) -> None:
    if getattr(test, "entries", None) is None:  # unmeasured: the reason
        say(f"Opportunism not assessed: {test.message}.")
        return
    from spillover.analysis.opportunism import describe_opportunism

    show(
        test.entries, "Entries and the onsets before them",
        ["country_iso3", "date", "last_onset_date", "last_onset_kind", "last_onset_detail", "lag_months",
         "classification"],
    )  # fmt: skip
    show(
        test.sensitivity, "Sensitivity (window × null model)",
        ["window_months", "null", "n_expansions", "observed_share", "expected_share", "effect", "p_value", "n_draws"],
    )  # fmt: skip
    say(output.escape(describe_opportunism(test)))


# -- tactics ---------------------------------------------------------------------------------------------------
@top.command("tactics")
@selection_options()
def tactics(group: GroupArg, where: Where, out: OutOpt = None, format: FormatOpt = None) -> None:
    """Tactic mix over time (each event's primary tactic), change points aligned to organisational events,
    first use of suicide attacks.  With --engine/--parquet the monthly counts are aggregated by DuckDB or
    Spark."""
    from spillover import measures

    chosen = format_of(format)
    with selected(group, where) as sel, output.working("counting tactics by month…") as steps:
        if sel.engine is None:
            result = measures.tactics(sel.sel)
        else:
            from spillover.analysis.engine import tactic_profile_on

            result = tactic_profile_on(sel.engine, sel.sel)
            result.view = sel.sel.view
            result.coverage_warnings = coverage_warnings(sel)
        story = (
            _tactic_story(sel.sel, result, steps) if chosen is Format.table and len(sel.sel.events) else None
        )
        if out is not None and len(sel.sel.events):
            from spillover.analysis.tactics import save_chart, tactic_chart

            steps("drawing the chart…")
            out.mkdir(parents=True, exist_ok=True)
            chart = save_chart(
                tactic_chart(result, title=f"{sel.sel.name}: tactics"),
                out / f"{sel.sel.group_id}-tactics.html",
            )
    emit(result, chosen, lambda r: render_tactics(r, sel.sel, story), header=sel.header)
    if chosen is Format.table and out is not None and len(sel.sel.events):
        say(f"chart: {chart}")


def _tactic_story(sel: GroupSelection, prof: Any, steps: Any) -> tuple[Any, str]:
    """The change points of the tactic series and the summary sentence (table output only)."""
    from spillover.analysis.context import org_events
    from spillover.analysis.tactics import describe_tactics, tactic_adoption, tactic_changes

    steps("finding change points…")
    orgs = org_events(sel.family.ids)
    changes = tactic_changes(sel.events, orgs, signal="counts", profile=prof)
    predecessors = [g for g in sel.family.ids if g != sel.group_id]
    adoption = tactic_adoption(sel.group_id, sel.events, predecessors=predecessors, org_events=orgs)
    return changes, describe_tactics(prof, changes, adoption)


def render_tactics(prof: Any, sel: GroupSelection, story: tuple[Any, str] | None) -> None:
    if story is None:
        say(f"{sel.name}: no events in the store (view: {sel.view})")
        return
    changes, sentence = story
    show(
        prof.totals.reset_index(),
        "Tactics",
        ["tactic", "events", "share", "fatalities", "first_date", "first_event_id"],
    )
    show(
        changes.changes, "Change points",
        ["month", "tactic_up", "delta_up", "tactic_down", "delta_down", "org_date", "org_kind", "lag_months"],
    )  # fmt: skip
    say(output.escape(sentence))
    print_warnings(prof.coverage_warnings, sel.view)


# -- autonomy ---------------------------------------------------------------------------------------------------
@top.command("autonomy")
@selection_options(leave_out=("include", *ENGINE_OPTIONS))
def autonomy(
    group: GroupArg,
    where: Where,
    parent: Annotated[
        str | None, typer.Option("--parent", help="The parent organisation", show_default="the registry's")
    ] = None,
    format: FormatOpt = None,
) -> None:
    """Autonomy of a group from its parent (taken from the registry unless --parent is given): each
    component with its evidence, and the rank among the parent's other branches.  Ties (parent, allies,
    rivals) are read as of --until (default: those not ended), over the period the parent tie holds."""
    from spillover import measures

    with (
        selected(group, where) as sel,
        output.working("selecting the parent and its branches…"),
    ):
        result = measures.autonomy(sel.sel, parameters(), parent=parent)
    emit(result, format_of(format), lambda r: render_autonomy(r, sel.sel), header=sel.header)


def render_autonomy(result: Any, sel: GroupSelection) -> None:
    if result.parent_id is None:
        say(f"{sel.name}: {result.message}")
        return
    source = "given" if result.parent_from == "given" else "the registry's parent organisation"
    say(f"parent {output.escape(result.parent)} ({source}): {result.parent_events:,} events")
    show(result.to_frame(), f"Autonomy of {sel.name} from {result.parent} (view: {sel.view})")
    say(output.escape(result.message))


# -- theatres ---------------------------------------------------------------------------------------------------
@top.command("theatres")
@selection_options(leave_out=ENGINE_OPTIONS)
def theatres(
    group: GroupArg,
    where: Where,
    eps_km: Annotated[
        float, typer.Option(help="Neighbourhood radius of the density clustering (km)")
    ] = DEFAULTS.eps_km,
    min_samples: Annotated[int, typer.Option(help="Events needed to form a theatre")] = DEFAULTS.min_samples,
    format: FormatOpt = None,
) -> None:
    """Distinct theatres of operation per period (density clustering), described by countries, provinces
    and factions, and when one theatre became several."""
    from spillover import measures

    with (
        selected(group, where) as sel,
        output.working("clustering events into theatres…"),
    ):
        result = measures.theatres(sel.sel, parameters(eps_km=eps_km, min_samples=min_samples))
    emit(result, format_of(format), render_theatres, header=sel.header)


def render_theatres(frag: Any) -> None:
    from spillover.analysis.fragmentation import describe_fragmentation

    periods = frag.theatres.rename_axis("period").reset_index()
    show(
        periods,
        "Theatres per period",
        ["period", "start", "end", "n_events", "n_theatres", "n_noise"],
        limit=60,
    )
    show(
        frag.clusters, "Theatres",
        ["period", "theatre", "n_events", "countries", "admin1", "radius_km", "name", "faction", "faction_leader"], limit=60,
    )  # fmt: skip
    say(output.escape(describe_fragmentation(frag)))


# -- instability ------------------------------------------------------------------------------------------------
@top.command("instability")
def instability(
    country: Annotated[str, typer.Argument(help="ISO3 code or country name, e.g. MLI or Mali")],
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Folder with the coup and UCDP files (see MANIFEST.md)",
            show_default="SPILLOVER_DATA_DIR",
        ),
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only these kinds of onset (repeatable)")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only onsets on or after this date (YYYY[-MM[-DD]])")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Only onsets on or before this date")] = None,
    extra: Annotated[
        list[Path] | None, typer.Option("--extra", help="Additional onsets YAML file (repeatable)")
    ] = None,
    format: FormatOpt = None,
) -> None:
    """The dated instability onsets of a country (coups, war onsets and restarts, interventions, regime
    collapses), with their sources."""
    from spillover.config import local_data_dir
    from spillover.instability.registry import CITATIONS, load_onsets, onsets_for

    onsets = load_onsets(data_dir or local_data_dir(), extra=extra or ())
    missing = onsets.attrs.get("missing_sources", [])
    if missing:
        output.note(f"[yellow]not found, left out: {', '.join(missing)} (set SPILLOVER_DATA_DIR)[/]")
    selected_onsets = onsets_for(country, onsets, kinds=kind, since=since, until=until)
    chosen = format_of(format)
    if chosen is not Format.table:
        from spillover.results import records

        output.write(
            output.json_text(records(selected_onsets))
            if chosen is Format.json
            else output.csv_text(selected_onsets)
        )
        return
    if selected_onsets.empty:
        say(f"No instability onsets recorded for {output.escape(country)}.")
        return
    shown = selected_onsets.assign(against=selected_onsets["target_groups"])
    show(
        shown,
        f"Instability onsets: {country} ({len(shown):,})",
        ["date", "date_precision", "kind", "detail", "source", "against"],
    )
    used = sorted({part.strip() for s in selected_onsets["source"] for part in s.split(";")})
    for source in used:
        say(
            f"[dim]{source}: {output.escape(CITATIONS.get(source, 'see the citation column of the YAML file'))}[/]"
        )


# -- sources ----------------------------------------------------------------------------------------------------
@top.command("sources")
def sources(
    group: GroupArg,
    include: IncludeOpt = None,
    store: StoreOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the CSV tables and the coverage chart (PNG, SVG, HTML)",
            show_default=False,
        ),
    ] = None,
    top_n: Annotated[int, typer.Option("--top", help="How many disagreements to list")] = 10,
    save_links: Annotated[
        bool,
        typer.Option(
            "--save-links/--no-save-links", help="Append the links to the store's event_links table"
        ),
    ] = False,
    format: FormatOpt = None,
) -> None:
    """Which source covers which years and countries for the group, how many events each adds that no
    other has, and the largest disagreements between sources (with event ids).  csv: the years × sources
    table; json: every table."""
    from spillover.fusion.coverage import sources_report
    from spillover.selection import VIEW_ALL, select
    from spillover.store import Store

    with (
        Store(store_path(store), read_only=not save_links) as db,
        output.working(f"matching the sources of {group}…"),
    ):
        sel = select(db, group, include=include_of(include), view=VIEW_ALL)
        report = sources_report(db, sel, out_dir=out, top=top_n, save=save_links)
        header = f"{sel.describe_scope()}. {sel.describe_view()}"
    chosen = format_of(format)
    if chosen is Format.json:
        from spillover.results import jsonable

        output.write(output.json_text({**jsonable(report), "summary": report.summary()}))
        return
    if chosen is Format.csv:
        output.write(output.csv_text(report.timeline))
        return
    say(output.escape(header))
    say(f"[bold]{output.escape(report.summary())}[/]")
    show(
        report.timeline, "Years × sources (fused view)",
        ["year", "fused_events", "multi_source_events", "sources_reporting", "coverage_detail"],
    )  # fmt: skip
    show(report.unique, "What each source adds")
    show(
        report.disagreements,
        "Largest fatality disagreements",
        ["date_start", "country_iso3", "location", "figures", "reconciled"],
    )
    for warning in report.warnings:
        say(f"[yellow]warning:[/] {output.escape(warning.text)}")
    for name, file in report.files.items():
        say(f"wrote {name}: {file}")
