"""What ``spillover validate`` prints (the command is :func:`spillover.cli.report.validate`): one row per fact
for the table and the CSV, and the summary line.

The run always exits 0 once it has run: disagreements are findings, not failures (CI compares ``agreement``
with its floor); a casebook or store that cannot be used is one line on stderr and exit code 2.
"""

from __future__ import annotations

import pandas as pd

from spillover.validation.run import ValidationResult

#: Per-fact columns of the table and the CSV.
COLUMNS = ("fact", "group", "kind", "status", "documented", "data_answer", "reason", "event_ids")
#: Columns of the table (the CSV and JSON have every field).
TABLE_COLUMNS = ("fact", "status", "documented", "data_answer", "reason", "event_ids")


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
