"""Analysis commands over the store: expansion and opportunism, tactics, autonomy, theatres.

Each command selects the group's events through the actor registry (every alias of every dataset,
optionally with its family) in a *view* (``--view``: ``fused`` — each real-world event once, the default;
``all`` — every source's rows; or one source), says which view it used, runs the analysis functions and
prints their tables and one-sentence summaries; charts and maps are written to ``--out``.  The commands
that count events over time (expansion, tactics) also print the coverage warnings: year-on-year changes
that coincide with a source starting or stopping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from spillover.cli_engine import EngineOpt, ParquetOpt, SparkMasterOpt
from spillover.cli_options import StoreOpt
from spillover.config import default_store_path

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

OutOpt = Annotated[Path, typer.Option("--out", help="Folder for charts and maps")]
FamilyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        help="Family members to include: predecessors, successors, affiliates, splinters, "
        "components [default: predecessors]",
    ),
]


#: The view used unless ``--view`` says otherwise: :data:`spillover.analysis.selection.DEFAULT_VIEW` (spelled out
#: here so that the command line starts without importing the actor registry; a test keeps the two equal).
DEFAULT_VIEW = "fused"
ViewOpt = Annotated[
    str,
    typer.Option(
        "--view",
        help="Which events: fused (each real-world event once, tolls reconciled across sources), all (every "
        "source's rows, an event several sources report counted once per source) or one source (acled, gtd, "
        "ged, rand …)",
    ),
]


def _table(title: str, frame: pd.DataFrame, columns: list[str] | None = None, limit: int = 30) -> Table:
    table = Table(title=title, title_justify="left")
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    for c in cols:
        table.add_column(c, overflow="fold")
    for _, row in frame.head(limit).iterrows():
        table.add_row(*[_fmt(row[c]) for c in cols])
    return table


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value[:6])) + (" …" if len(value) > 6 else "")
    return str(value)


def _select(  # noqa: ANN202 - GroupSelection
    store: Path | None,
    group: str,
    include: list[str] | None,
    view: str = DEFAULT_VIEW,
    *,
    announce: bool = True,
):
    """The group's selection in ``view``; its view line is printed unless ``announce`` is False."""
    from spillover.selection import DEFAULT_INCLUDE, UnknownGroup, UnknownView, select
    from spillover.store import Store

    try:
        # the store stays open for the command's life: analyses may select related groups from it
        s = Store(store or default_store_path(), read_only=True)
        sel = select(s, group, include=tuple(include) if include is not None else DEFAULT_INCLUDE, view=view)
    except (UnknownGroup, UnknownView, FileNotFoundError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    if announce:
        console.print(sel.describe_view())
    return sel


def _coverage_warnings(store: Path | None, sel) -> list:  # noqa: ANN001 - GroupSelection
    """Year-on-year changes in the selection's event counts that coincide with a source starting or stopping
    its coverage of a country where it reports the group (:func:`spillover.fusion.coverage_warnings`),
    counted over the years the group has events in any source (so that a one-source view whose series ends
    with its source is warned about)."""
    from spillover.fusion.coverage import coverage_warnings
    from spillover.store import Store

    every = sel.source_events if sel.source_events is not None else sel.events
    years = every["year"].dropna().astype(int)
    span = range(int(years.min()), int(years.max()) + 1) if len(years) else None
    with Store(store or default_store_path(), read_only=True) as s:
        return coverage_warnings(sel.events, s, years=span)


def _engine(engine: str | None, parquet: Path | None, store: Path | None, spark_master: str):  # noqa: ANN202
    """The query-layer backend asked for with --engine/--parquet, or None (the store path, as usual)."""
    from spillover.cli_engine import wants_engine

    if not wants_engine(engine, parquet):
        return None
    from spillover.query import open_engine

    try:
        return open_engine(
            engine, store=store or default_store_path(), parquet=parquet, spark_master=spark_master
        )
    except (ValueError, FileNotFoundError, ImportError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from exc


def _select_on(con, group: str, include: list[str] | None, view: str):  # noqa: ANN001, ANN202
    """:func:`_select` on a query-layer engine: the engine path has the ``all`` view only."""
    from spillover.selection import DEFAULT_INCLUDE, UnknownGroup, UnknownView, select

    if view not in (DEFAULT_VIEW, "all"):
        err.print(
            f"[bold red]error:[/] --view {view} is not available with --engine/--parquet (view all only)"
        )
        raise typer.Exit(1)
    try:
        sel = select(
            con, group, include=tuple(include) if include is not None else DEFAULT_INCLUDE, view="all"
        )
    except (UnknownGroup, UnknownView) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    console.print(sel.describe_view() + " (engine path: sources are not fused)")
    return sel


def _warnings_any(store: Path | None, sel, con, parquet: Path | None) -> list:  # noqa: ANN001
    """Coverage warnings read the store; with --parquet there is none to read (an empty list, said so)."""
    if con is not None and parquet is not None:
        console.print("coverage warnings: not computed (they need the store; --parquet was given)")
        return []
    return _coverage_warnings(store, sel)


def _print_warnings(warnings: list, view: str) -> None:
    if not warnings:
        console.print(f"coverage: no trend coincides with a source starting or stopping (view: {view})")
        return
    console.print(
        f"[bold yellow]Coverage warnings[/] ({len(warnings)}; view: {view}): these changes coincide with a "
        "source starting or stopping, not necessarily with the group growing or shrinking"
    )
    for w in warnings:
        console.print(f"[yellow]warning:[/] {w.text}")


def expansion(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id")],
    include: FamilyOpt = None,
    view: ViewOpt = DEFAULT_VIEW,
    min_events: Annotated[int, typer.Option(help="Sustained presence: at least this many events …")] = 3,
    window_months: Annotated[int, typer.Option(help="… within this many months")] = 12,
    draws: Annotated[int, typer.Option(help="Null-model draws")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed (results are reproducible)")] = 0,
    out: OutOpt = Path("out"),
    store: StoreOpt = None,
    engine: EngineOpt = None,
    parquet: ParquetOpt = None,
    spark_master: SparkMasterOpt = "local[*]",
) -> None:
    """Where the group spread and when, and whether its entries followed instability onsets (vs a null model).

    With --engine/--parquet the selection and the per-country table are computed by DuckDB or Spark
    (:mod:`spillover.analysis.engine`); entries, spread and the null models run on the results as usual."""
    from spillover.analysis.expansion import expansion_map, measure_expansion
    from spillover.analysis.opportunism import assess_opportunism, describe_opportunism
    from spillover.instability import load_onsets

    con = _engine(engine, parquet, store, spark_master)
    sel = _select(store, group, include, view) if con is None else _select_on(con, group, include, view)
    with console.status("measuring expansion and testing against the null models…"):
        if con is None:
            result = measure_expansion(
                sel.events, min_events=min_events, window_months=window_months, group=sel.name
            )
        else:
            from spillover.analysis.engine import expansion_on

            result = expansion_on(con, sel, min_events=min_events, window_months=window_months)
        result.view = sel.view
        result.coverage_warnings = _warnings_any(store, sel, con, parquet)
        if result.status != "ok":
            console.print(f"{sel.name}: {result.message}")
            raise typer.Exit(0)
        test = assess_opportunism(result, load_onsets(), group_ids=sel.family.ids, n_draws=draws, seed=seed)
    console.print(f"[bold]{sel.name}[/] ({', '.join(sorted(sel.family.ids))}): {len(sel.events):,} events")
    console.print(
        _table(
            "Countries",
            result.countries,
            [
                "country_iso3",
                "country",
                "events",
                "fatalities",
                "first_event",
                "last_event",
                "entered",
                "admin1_units",
            ],
        )
    )
    console.print(
        _table(
            "Expansion events (first sustained activity in a new country)",
            result.expansions,
            ["order", "country_iso3", "date", "window_events", "is_origin"],
        )
    )
    console.print(
        _table(
            "Entries and the onsets before them",
            test.entries,
            [
                "country_iso3",
                "date",
                "last_onset_date",
                "last_onset_kind",
                "last_onset_detail",
                "lag_months",
                "classification",
            ],
        )
    )
    console.print(
        _table(
            "Sensitivity (window × null model)",
            test.sensitivity,
            [
                "window_months",
                "null",
                "n_expansions",
                "observed_share",
                "expected_share",
                "effect",
                "p_value",
                "n_draws",
            ],
        )
    )
    console.print(describe_opportunism(test))
    _print_warnings(result.coverage_warnings, sel.view)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{sel.group_id}-expansion.html"
    expansion_map(result, path)
    console.print(f"map: {path}")


def tactics(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id")],
    include: FamilyOpt = None,
    view: ViewOpt = DEFAULT_VIEW,
    out: OutOpt = Path("out"),
    store: StoreOpt = None,
    engine: EngineOpt = None,
    parquet: ParquetOpt = None,
    spark_master: SparkMasterOpt = "local[*]",
) -> None:
    """Tactic mix over time, change points aligned to organisational events, first use of suicide attacks.

    With --engine/--parquet the monthly tactic counts and tactic totals are aggregated by DuckDB or Spark
    (:mod:`spillover.analysis.engine`); change points and first use run on the results as usual."""
    from spillover.analysis.context import org_events
    from spillover.analysis.tactics import (
        describe_tactics,
        save_chart,
        tactic_adoption,
        tactic_changes,
        tactic_chart,
        tactic_profile,
    )

    con = _engine(engine, parquet, store, spark_master)
    sel = _select(store, group, include, view) if con is None else _select_on(con, group, include, view)
    if sel.events.empty:
        console.print(f"{sel.name}: no events in the store (view: {sel.view})")
        raise typer.Exit(0)
    orgs = org_events(sel.family.ids)
    if con is None:
        prof = tactic_profile(sel.events)
    else:
        from spillover.analysis.engine import tactic_profile_on

        prof = tactic_profile_on(con, sel)
    prof.view = sel.view
    prof.coverage_warnings = _warnings_any(store, sel, con, parquet)
    changes = tactic_changes(sel.events, orgs, signal="counts", profile=prof)
    predecessors = [g for g in sel.family.ids if g != sel.group_id]
    adoption = tactic_adoption(sel.group_id, sel.events, predecessors=predecessors, org_events=orgs)
    console.print(
        _table(
            "Tactics",
            prof.totals.reset_index(),
            ["tactic", "events", "share", "fatalities", "first_date", "first_event_id"],
        )
    )
    console.print(
        _table(
            "Change points",
            changes.changes,
            [
                "month",
                "tactic_up",
                "delta_up",
                "tactic_down",
                "delta_down",
                "org_date",
                "org_kind",
                "lag_months",
            ],
        )
    )
    console.print(describe_tactics(prof, changes, adoption))
    _print_warnings(prof.coverage_warnings, sel.view)
    out.mkdir(parents=True, exist_ok=True)
    path = save_chart(tactic_chart(prof, title=f"{sel.name}: tactics"), out / f"{sel.group_id}-tactics.html")
    console.print(f"chart: {path}")


def autonomy(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id")],
    parent: Annotated[
        str | None, typer.Option("--parent", help="The parent organisation [default: the registry's]")
    ] = None,
    view: ViewOpt = DEFAULT_VIEW,
    store: StoreOpt = None,
) -> None:
    """Autonomy of a group from its parent: each component with its evidence, and the rank among peers."""
    from spillover import measures
    from spillover.analysis.autonomy import describe_autonomy

    sel = _select(store, group, None, view)
    result = measures.autonomy(sel, parent=parent)
    if result.parent_id is None:
        console.print(f"{sel.name}: {result.message}")
        raise typer.Exit(0)
    source = "given" if result.parent_from == "given" else "the registry's parent organisation"
    console.print(f"parent {result.parent} ({source}): {result.parent_events:,} events")
    console.print(
        _table(f"Autonomy of {sel.name} from {result.parent} (view: {sel.view})", result.to_frame())
    )
    if result.index is not None:
        console.print(describe_autonomy(result.index))


def theatres(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id")],
    include: FamilyOpt = None,
    eps_km: Annotated[
        float, typer.Option(help="Neighbourhood radius of the density clustering (km)")
    ] = 300.0,
    min_samples: Annotated[int, typer.Option(help="Events needed to form a theatre")] = 5,
    view: ViewOpt = DEFAULT_VIEW,
    store: StoreOpt = None,
) -> None:
    """Distinct theatres of operation per year (density clustering), and when one became several."""
    from spillover.analysis.context import factions
    from spillover.analysis.fragmentation import describe_fragmentation
    from spillover.analysis.fragmentation import theatres as find_theatres

    sel = _select(store, group, include, view)
    frag = find_theatres(
        sel.events, eps_km=eps_km, min_samples=min_samples, factions=factions(sel.family.ids)
    )
    console.print(
        _table("Theatres per year", frag.theatres, ["start", "n_events", "n_theatres", "n_noise"], limit=60)
    )
    console.print(
        _table(
            "Theatres",
            frag.clusters,
            [
                "period",
                "theatre",
                "n_events",
                "countries",
                "admin1",
                "radius_km",
                "faction",
                "faction_leader",
            ],
            limit=60,
        )
    )
    console.print(describe_fragmentation(frag))
