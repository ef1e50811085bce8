"""``spillover validate``: the casebook checked against the analyses of a store, as a table, CSV or JSON.

A typer command function, to be mounted on the command-line app (``app.command("validate")(validate)``).
The run always exits 0 once it has run: disagreements are findings, not failures (CI compares ``agreement``
with its floor); a casebook or store that cannot be used is one line on stderr and exit code 1.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from spillover.cli_options import StoreOpt
from spillover.config import default_store_path
from spillover.validation.casebook import CasebookError, default_path, load_casebook
from spillover.validation.run import AGREED, DISAGREED, ValidationResult

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

_STYLE = {AGREED: "green", DISAGREED: "red"}

#: Per-fact columns of the table and the CSV.
COLUMNS = ("fact", "group", "kind", "status", "documented", "data_answer", "reason", "event_ids")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def per_fact_frame(result: ValidationResult) -> pd.DataFrame:
    """One row per fact (event ids joined by spaces), for the table and the CSV."""
    rows = [r.to_dict() for r in result.results]
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "checkable_from", "statement"])
    frame["event_ids"] = frame["event_ids"].map(" ".join)
    frame["sources"] = [" | ".join(s["citation"] for s in r.sources) for r in result.results]
    return frame


def summary_line(result: ValidationResult) -> str:
    """The counts, the agreement and the Brier score (or why there is none) in one line."""
    agreement = "n/a" if result.agreement is None else f"{result.agreement:.1%}"
    brier = f"{result.brier:.3f}" if result.brier is not None else f"n/a ({result.brier_reason})"
    parts = [f"{a}/{n} {where}" for where in ("events", "registry") for a, n in [result.tally(where)] if n]
    return (
        f"{result.facts} facts on {result.groups} groups: {result.agreed} agreed, {result.disagreed} disagreed, "
        f"{result.not_checkable} not checkable; agreement on checkable facts {agreement} "
        f"(agreed/checked from {', '.join(parts) or 'none'}); Brier score {brier}"
    )


#: Columns of the table (the CSV and JSON have every field).
TABLE_COLUMNS = ("fact", "status", "documented", "data_answer", "reason", "events")


def _first_ids(ids: list[str], n: int = 3) -> str:
    more = f" … ({len(ids)})" if len(ids) > n else ""
    return " ".join(ids[:n]) + more


def _print_table(result: ValidationResult, casebook: Path) -> None:
    console.print(f"[bold]Casebook[/] {casebook} — facts checked on the fused view (each real event once)")
    table = Table(title="Facts", title_justify="left")
    for column in TABLE_COLUMNS:
        table.add_column(column, overflow="fold")
    for r in result.results:
        style = _STYLE.get(r.status, "yellow")
        table.add_row(
            r.fact,
            f"[{style}]{r.status}[/]",
            r.documented,
            r.data_answer or "",
            r.reason or "",
            _first_ids(r.event_ids),
        )
    console.print(table)
    console.print(summary_line(result))


def validate(
    casebook: Annotated[
        Path | None,
        typer.Option("--casebook", help="casebook YAML file [default: the casebook shipped with spillover]"),
    ] = None,
    store: StoreOpt = None,
    format: Annotated[Format, typer.Option("--format", help="output format")] = Format.table,
) -> None:
    """Check a casebook of documented facts (entries, lineage, first tactic uses, negative cases) against the
    analyses of the store: each fact agreed, disagreed (with the data's answer and events) or not checkable."""
    from spillover.store import Store
    from spillover.validation.run import validate as run_validation

    path = casebook or default_path()
    store_path = store or default_store_path()
    try:
        book = load_casebook(path)
    except CasebookError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    if not store_path.is_file():
        err.print(f"[bold red]error:[/] no store at {store_path} (load data with `spillover data add`)")
        raise typer.Exit(1)
    with Store(store_path, read_only=True) as opened:
        result = run_validation(opened, book)
    if format is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, default=str) + "\n")
    elif format is Format.csv:
        per_fact_frame(result).to_csv(sys.stdout, index=False)
    else:
        _print_table(result, path)
