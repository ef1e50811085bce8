"""``spillover assess GROUP`` writes the assessment; ``spillover check FILE --group GROUP`` checks a written one.

Both are thin layers over :func:`spillover.report.assess` and :func:`spillover.claims.check_claims`.
``check`` ends with the summary line of :class:`spillover.claims.CheckResult` and exits 1 when a claim is
contradicted (``--no-fail``: 0), 2 when the file cannot be read (:func:`spillover.claims.read_claims_text`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spillover.cli import output
from spillover.cli.options import (
    EXIT_FINDING,
    DrawsOpt,
    FormatOpt,
    InputError,
    SeedOpt,
    SinceOpt,
    StoreOpt,
    UntilOpt,
    ViewOpt,
    commands,
    format_of,
    parameters,
    store_path,
    view_of,
)
from spillover.cli.output import Format, say
from spillover.parameters import DEFAULTS

if TYPE_CHECKING:
    from spillover.claims import CheckResult
    from spillover.report.assess import Assessment

top = commands()


@top.command("assess")
def assess(
    group: Annotated[str, typer.Argument(help="Group name, alias or registry id, e.g. AQIM")],
    parent: Annotated[
        str | None, typer.Option("--parent", help="Parent organisation", show_default="the registry's")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    view: ViewOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the report files")] = Path("reports"),
    store: StoreOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print the report to PDF")] = True,
    claims: Annotated[
        Path | None,
        typer.Option(
            "--check-claims", help="A written assessment whose claims the report checks", show_default=False
        ),
    ] = None,
    draws: DrawsOpt = DEFAULTS.n_draws,
    seed: SeedOpt = DEFAULTS.seed,
    format: FormatOpt = None,
) -> None:
    """Write an evidence-backed assessment of a group: key judgments, competing hypotheses, every analysis,
    annexes (HTML, PDF and JSON in --out).  Prints the key judgments (table), the judgments table (csv) or
    the whole assessment as its JSON companion holds it (json); progress and the files written go to
    stderr."""
    from spillover.report.assess import assess as write_assessment

    if claims is not None and not claims.is_file():
        raise InputError(f"{claims}: no such file")
    chosen = format_of(format)
    formats = ("html", "pdf") if pdf else ("html",)
    result = write_assessment(
        store_path(store), group, parent, since, until, out, formats=formats,
        params=parameters(n_draws=draws, seed=seed, view=view_of(view)), claims_file=claims,
        show_progress=output.progress_shown(),
    )  # fmt: skip
    if chosen is Format.json:
        output.write(output.json_text(result.to_dict()))
    elif chosen is Format.csv:
        output.write(output.csv_text(result.to_frame()))
    else:
        _key_judgments(result)
    for path in result.paths:
        (say if chosen is Format.table else output.note)(f"wrote {path}")
    output.note(f"in {result.timings.get('total', 0):.0f} s")


def _key_judgments(result: Assessment) -> None:
    """The key judgments summary: each topic with its likelihood and confidence, then the ACH verdicts."""
    say(f"[bold]Key judgments: {output.escape(result.name)}[/]")
    for j in result.key_judgments:
        if j.likelihood is not None:
            like = f"{j.likelihood.term} ({j.likelihood.band}) · {j.confidence} confidence"
        else:
            like = "[yellow]cannot assess[/]"
        say(f"\n[bold]{output.escape(j.topic)}[/] · {like}")
        say(f"  {output.escape(j.sentence)}")
    say("")
    for m in result.matrices:
        say(f"[bold]{output.escape(m.title)}[/]: {output.escape(m.verdict())}")


@top.command("check")
def check(
    claims_file: Annotated[
        Path,
        typer.Argument(
            help="A written assessment: plain text or Markdown, any common encoding, at most 2 MiB"
        ),
    ],
    group: Annotated[
        str, typer.Option("--group", help="The group the text is about (name, alias or registry id)")
    ],
    store: StoreOpt = None,
    format: FormatOpt = None,
    fail: Annotated[
        bool, typer.Option("--fail/--no-fail", help="Exit 1 when a claim is contradicted")
    ] = True,
) -> None:
    """Check the factual claims of a written assessment against the event data: each supported,
    contradicted (with the data's figure) or not checkable (with the reason), with the event ids consulted.
    Ends with "N supported by events, N consistent with the registry, N contradicted, N not checkable" (on
    stderr with csv and json, whose JSON carries the same counts as "summary")."""
    from spillover.claims import check_claims, read_claims_text
    from spillover.store import Store

    text = read_claims_text(claims_file)  # a missing, binary or oversized file: one line, exit 2
    with (
        Store(store_path(store), read_only=True) as db,
        output.working(f"checking the claims of {claims_file.name}…"),
    ):
        result = check_claims(text, db, group)
    print_check(result, format_of(format), f"Claims in {claims_file.name}")
    if fail and result.any_contradicted:
        raise typer.Exit(EXIT_FINDING)


def print_check(result: CheckResult, chosen: Format, title: str) -> None:
    """The verdicts as a table then the summary line, or as CSV / JSON on stdout with the summary line on
    stderr (so that what is piped on stays CSV or JSON)."""
    if chosen is Format.json:
        output.write(output.json_text(result.to_dict(), default=str))
    elif chosen is Format.csv:
        output.write(output.csv_text(result.to_frame()))
    else:
        _verdict_table(result, title)
        say(f"[bold]{result.summary_line()}[/]")
        return
    output.err.print(result.summary_line())


def _verdict_table(result: CheckResult, title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold")
    for col in ("claim", "verdict", "the data say", "events"):
        table.add_column(col, overflow="fold", no_wrap=col == "events")
    colour = {"supported": "green", "contradicted": "red"}
    for v in result:
        shade = colour.get(v.verdict, "yellow")
        table.add_row(
            output.escape(v.text),
            f"[{shade}]{output.escape(v.label)}[/]",
            output.escape(f"{output.fmt(v.data_figure)}\n{v.explanation}"),
            "\n".join(v.event_ids[:6]),
        )
    output.console.print(table)


@top.command("validate")
def validate(
    casebook: Annotated[
        Path | None,
        typer.Option(
            "--casebook", help="Casebook YAML file", show_default="the casebook shipped with spillover"
        ),
    ] = None,
    store: StoreOpt = None,
    format: FormatOpt = None,
) -> None:
    """Check a casebook of documented facts (entries, lineage, first tactic uses, negative cases) against the
    analyses of the store: each fact agreed, disagreed (with the data's answer and events) or not checkable.
    Exits 0 once it has run: a disagreement is a finding the agreement figure measures, not a failure."""
    import pandas as pd

    from spillover.store import Store
    from spillover.validation.casebook import default_path, load_casebook
    from spillover.validation.command import TABLE_COLUMNS, per_fact_frame, summary_line
    from spillover.validation.run import validate as run_validation

    path = casebook or default_path()
    book = load_casebook(path)
    with (
        Store(store_path(store), read_only=True) as db,
        output.working(f"checking the facts of {path.name}…"),
    ):
        result = run_validation(db, book)
    chosen = format_of(format)
    if chosen is Format.json:
        output.write(output.json_text(result.to_dict(), default=str))
    elif chosen is Format.csv:
        output.write(output.csv_text(per_fact_frame(result)))
    else:
        say(
            f"[bold]Casebook[/] {output.escape(str(path))}: facts checked on the fused view (each real event once)"
        )
        facts = pd.DataFrame([r.to_dict() for r in result.results], columns=list(TABLE_COLUMNS))
        output.show(facts, "Facts", TABLE_COLUMNS)
        say(output.escape(summary_line(result)))
