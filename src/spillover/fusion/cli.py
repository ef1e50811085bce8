"""``spillover sources GROUP``: which dataset covers what for a group, what each adds, where they disagree.

The lead mounts :func:`sources` on the main app (``app.command("sources")(fusion.cli.sources)``); this module's
own ``app`` runs it alone (``python -m spillover.fusion.cli GROUP``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from spillover.cli_options import StoreOpt
from spillover.config import default_store_path

app = typer.Typer(help="Source coverage and cross-source disagreements of a group.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _table(title: str, frame: pd.DataFrame, columns: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    cols = columns or list(frame.columns)
    for c in cols:
        table.add_column(c, overflow="fold")
    for record in frame[cols].to_dict("records"):
        table.add_row(*[_fmt(record[c]) for c in cols])
    return table


def _fmt(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return "" if value != value else f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return "" if value is None else str(value)


@app.command("sources")
def sources(
    group: Annotated[
        str, typer.Argument(help="Group name, alias or registry id (its predecessors are included)")
    ],
    store: StoreOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the CSV tables and the coverage chart (PNG, SVG, HTML)"),
    ] = None,
    top: Annotated[int, typer.Option(help="How many disagreements to list")] = 10,
    save_links: Annotated[
        bool,
        typer.Option(
            "--save-links/--no-save-links", help="Append the links to the store's event_links table"
        ),
    ] = False,
    predecessors: Annotated[
        bool, typer.Option("--predecessors/--no-predecessors", help="Include the group's predecessors")
    ] = True,
) -> None:
    """Which source covers which years and countries for GROUP, how many events each adds that no other has,
    and the largest disagreements between sources (with event ids)."""
    from spillover.fusion.coverage import sources_report
    from spillover.selection import VIEW_ALL, UnknownGroup, select
    from spillover.store import Store

    path = store if store is not None else default_store_path()
    try:
        with Store(path, read_only=not save_links) as s, console.status(f"matching the sources of {group}…"):
            selection = select(s, group, include=("predecessors",) if predecessors else (), view=VIEW_ALL)
            report = sources_report(
                s,
                selection,
                out_dir=out,
                top=top,
                save=save_links,
            )
    except (UnknownGroup, FileNotFoundError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(f"[bold]{report.summary()}[/]")
    console.print(
        _table(
            "Years × sources (fused view)",
            report.timeline,
            ["year", "fused_events", "multi_source_events", "sources_reporting", "coverage_detail"],
        )
    )
    console.print(_table("What each source adds", report.unique))
    console.print(
        _table(
            "Largest fatality disagreements",
            report.disagreements,
            ["date_start", "country_iso3", "location", "figures", "reconciled"],
        )
    )
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning.text}")
    for name, file in report.files.items():
        console.print(f"wrote {name}: {file}")


if __name__ == "__main__":  # pragma: no cover
    app()
