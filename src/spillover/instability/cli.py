"""Command line: ``instability COUNTRY`` lists a country's onsets; ``opportunism EVENTS`` tests a group.

``app`` is a :class:`typer.Typer`; mount its commands on the main CLI with ``main.add_typer(app)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from spillover.config import DATA_DIR_ENV
from spillover.instability.registry import CITATIONS, ONSET_KINDS, UnknownCountry, load_onsets, onsets_for

app = typer.Typer(help="Instability onsets and the opportunism test.", no_args_is_help=True)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", envvar=DATA_DIR_ENV, help="Folder with the coup and UCDP files (see MANIFEST.md)."
    ),
]
Extra = Annotated[
    list[Path] | None, typer.Option("--extra", help="Additional onsets YAML file (repeatable).")
]


def _registry(data_dir: Path | None, extra: list[Path] | None) -> pd.DataFrame:
    onsets = load_onsets(data_dir, extra=extra or ())
    missing = onsets.attrs.get("missing_sources", [])
    if missing:
        console.print(f"[yellow]Not found, left out: {', '.join(missing)} (set ${DATA_DIR_ENV}).[/yellow]")
    return onsets


def onsets_table(onsets: pd.DataFrame, title: str) -> Table:
    """A rich table of onsets (date, precision, kind, detail, source, target groups)."""
    table = Table(title=title, show_lines=False)
    for column in ("date", "precision", "kind", "detail", "source", "against"):
        table.add_column(column, overflow="fold")
    for row in onsets.itertuples(index=False):
        table.add_row(
            f"{row.date:%Y-%m-%d}",
            row.date_precision,
            row.kind,
            row.detail,
            row.source,
            ", ".join(row.target_groups),
        )
    return table


@app.command("instability")
def instability(
    country: Annotated[str, typer.Argument(help="ISO3 code or country name, e.g. MLI or Mali.")],
    data_dir: DataDir = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help=f"Only these kinds: {', '.join(ONSET_KINDS)}.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only onsets on or after this date (YYYY[-MM[-DD]]).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Only onsets on or before this date.")] = None,
    extra: Extra = None,
) -> None:
    """List the dated instability onsets of COUNTRY, with their sources."""
    try:
        selected = onsets_for(country, _registry(data_dir, extra), kinds=kind, since=since, until=until)
    except UnknownCountry as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if selected.empty:
        console.print(f"No instability onsets recorded for {country}.")
        return
    console.print(onsets_table(selected, f"Instability onsets: {country} ({len(selected)})"))
    used = sorted({part.strip() for s in selected["source"] for part in s.split(";")})
    for source in used:
        console.print(
            f"[dim]{source}: {CITATIONS.get(source, 'see the citation column of the YAML file')}[/dim]"
        )


def _read_events(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


@app.command("opportunism")
def opportunism(
    events: Annotated[
        Path, typer.Argument(help="CSV or Parquet file of one group's events (event schema columns).")
    ],
    group_id: Annotated[
        list[str] | None, typer.Option("--group-id", help="Group and family ids (repeatable).")
    ] = None,
    data_dir: DataDir = None,
    extra: Extra = None,
    window: Annotated[int, typer.Option(help="Primary window in months.")] = 12,
    draws: Annotated[int, typer.Option(help="Null draws.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    min_events: Annotated[int, typer.Option(help="Sustained presence: events ...")] = 3,
    window_months: Annotated[int, typer.Option(help="... within this many months.")] = 12,
    map_path: Annotated[
        Path | None, typer.Option("--map", help="Also save the expansion map (.html/.png/.svg).")
    ] = None,
) -> None:
    """Did the group's entries into new countries follow instability onsets more often than chance?"""
    from spillover.analysis.expansion import InsufficientData, expansion_map, measure_expansion
    from spillover.analysis.opportunism import assess_opportunism, describe_opportunism

    frame = _read_events(events)
    try:
        expansion = measure_expansion(frame, min_events=min_events, window_months=window_months)
    except InsufficientData as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    result = assess_opportunism(
        expansion,
        _registry(data_dir, extra),
        group_ids=group_id or (),
        primary_window=window,
        n_draws=draws,
        seed=seed,
        basemap=data_dir,
    )
    console.print(describe_opportunism(result))
    if result.ok:
        table = Table(title="Sensitivity (window × null model)")
        for column in ("window", "null", "observed", "expected", "effect", "p"):
            table.add_column(column, justify="right")
        for row in result.sensitivity.itertuples(index=False):
            table.add_row(
                str(row.window_months),
                row.null,
                f"{row.observed_count}/{row.n_expansions}",
                f"{row.expected_share:.0%}" if pd.notna(row.expected_share) else "-",
                f"{row.effect:.1f}" if pd.notna(row.effect) else "-",
                f"{row.p_value:.3f}" if pd.notna(row.p_value) else row.note,
            )
        console.print(table)
    if map_path is not None:
        expansion_map(expansion, map_path, basemap=data_dir)
        console.print(f"Map saved to {map_path}")


if __name__ == "__main__":
    app()
