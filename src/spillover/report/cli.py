"""``spillover assess GROUP`` writes the report; ``spillover check FILE --group GROUP`` checks a written one.

Both are thin layers over :func:`spillover.report.assess` and :func:`spillover.report.claims.check_claims`;
``app`` holds them so the top-level CLI can mount them (``assess_command`` and ``check_command`` can also be
registered one by one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from spillover.cli_options import StoreOpt
from spillover.config import default_store_path

app = typer.Typer(help="Assessments: write an analyst's report, check a written one.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


@app.command("assess")
def assess_command(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id, e.g. AQIM")],
    parent: Annotated[
        str | None, typer.Option("--parent", help="Parent organisation [default: from the registry]")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only events from this date (YYYY-MM-DD)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only events up to this date (YYYY-MM-DD)")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the report files")] = Path("reports"),
    store: StoreOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print the report to PDF")] = True,
    claims: Annotated[
        Path | None,
        typer.Option("--check-claims", help="A written assessment whose claims the report checks"),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="Draws per Monte Carlo null model")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (results are reproducible)")] = 0,
    view: Annotated[
        str,
        typer.Option(
            "--view",
            help="Which events: fused (each real-world event once, reports of several sources or files merged), "
            "all (every stored report, an event several sources report counted once per source) or one source "
            "(acled, gtd, ged, rand …)",
        ),
    ] = "fused",
) -> None:
    """Write an evidence-backed assessment of GROUP: key judgments, competing hypotheses, every analysis, annexes."""
    from spillover.measures import Parameters
    from spillover.report.assess import assess
    from spillover.selection import UnknownGroup, UnknownView

    formats = ("html", "pdf") if pdf else ("html",)
    try:
        result = assess(
            store or default_store_path(), group, parent, since, until, out, formats=formats,
            params=Parameters(n_draws=draws, seed=seed, view=view), claims_file=claims, show_progress=True,
        )  # fmt: skip
    except (UnknownGroup, UnknownView, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"[bold]Key judgments: {result.name}[/]")
    for j in result.key_judgments:
        if j.likelihood is not None:
            like = f"{j.likelihood.term} ({j.likelihood.band}) · {j.confidence} confidence"
        else:
            like = "[yellow]cannot assess[/]"
        console.print(f"\n[bold]{j.topic}[/] · {like}")
        console.print(f"  {j.sentence}")
    console.print()
    for m in result.matrices:
        console.print(f"[bold]{m.title}[/]: {m.verdict()}")
    for path in result.paths:
        console.print(f"wrote {path}")
    console.print(f"in {result.timings.get('total', 0):.0f} s")


@app.command("check")
def check_command(
    claims_file: Annotated[
        Path,
        typer.Argument(help="A written assessment (plain text or Markdown)", exists=True, dir_okay=False),
    ],
    group: Annotated[
        str, typer.Option("--group", help="The group the text is about (name, alias or registry id)")
    ],
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdicts as JSON")] = False,
) -> None:
    """Check the factual claims of a written assessment against the event data."""
    from spillover.report.claims import check_claims
    from spillover.selection import UnknownGroup
    from spillover.store import Store

    try:
        with Store(store or default_store_path(), read_only=True) as db:
            verdicts = check_claims(claims_file.read_text(encoding="utf-8"), db, group)
    except (UnknownGroup, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        console.print_json(json.dumps([v.as_dict() for v in verdicts], default=str))
        return
    table = Table(title=f"Claims in {claims_file.name}", title_justify="left")
    for col in ("claim", "verdict", "the data say", "events"):
        table.add_column(col, overflow="fold")
    colour = {"supported": "green", "contradicted": "red"}
    for v in verdicts:
        shade = colour.get(v.verdict, "yellow")
        table.add_row(
            v.text,
            f"[{shade}]{v.verdict}[/]",
            f"{v.data_figure}\n{v.explanation}",
            ", ".join(v.event_ids[:6]),
        )
    console.print(table)
