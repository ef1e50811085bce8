"""Where a report is written and its evidence annex.

A report's file names carry every parameter that differs from the defaults (``aqim-assessment.html``,
``aqim-assessment-since-2012.html``, ``aqim-assessment-view-all-seed-3.html``), so that a parametrised run
never overwrites the full report.  The evidence tables — every event behind every key judgment — are too
long for the printed document: they go to the HTML and to ``<name>-evidence.csv`` beside it, which the PDF
links to (relative links: they work wherever the folder is moved); the PDF prints one summary row per
judgment (:func:`evidence_summary`), whose example ids are rows of the CSV.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spillover.actors.text import slugify

#: Columns of the evidence annex (CSV) and the names the HTML gives them.
EVIDENCE_COLUMNS: dict[str, str] = {
    "event_id": "Event", "date_start": "Date", "source": "Source", "country_iso3": "Country",
    "location": "Place", "tactic": "Tactic", "fatalities": "Deaths", "side_a": "Side A", "side_b": "Side B",
    "merged_ids": "Reports merged",
}  # fmt: skip


def report_stem(group_id: str, run: Mapping[str, Any], params: Any = None, defaults: Any = None) -> str:
    """``<group>-assessment`` followed by every run setting given (``run``: e.g. since, until, parent) and
    every parameter that differs from its default, as ``-name-value``."""
    parts = [f"{group_id}-assessment"]
    for name, value in run.items():
        if value not in (None, "", ()):
            parts.append(f"{name}-{slugify(str(value))}")
    if params is not None and defaults is not None:
        for f in dataclasses.fields(params):
            value = getattr(params, f.name)
            if value != getattr(defaults, f.name):
                shown = "-".join(map(str, value)) if isinstance(value, tuple | list) else value
                parts.append(f"{f.name.replace('_', '-')}-{slugify(str(shown))}")
    return "-".join(parts)


def _merged(ids: Any) -> str:
    if isinstance(ids, list | tuple | np.ndarray) and len(ids) > 1:
        return ", ".join(map(str, ids))
    return ""


def evidence_frame(events: pd.DataFrame, judgments: list[Any]) -> pd.DataFrame:
    """One row per (key judgment, evidence event): the judgment's key and topic, then the event's columns
    of :data:`EVIDENCE_COLUMNS`; ``merged_ids`` names the stored reports a fused event stands for."""
    lookup = events.drop_duplicates("event_id").set_index("event_id", drop=False)
    if "event_ids" in lookup:
        lookup = lookup.assign(merged_ids=lookup["event_ids"].map(_merged))
    else:
        lookup = lookup.assign(merged_ids="")
    frames = []
    for j in judgments:
        ids = [i for i in dict.fromkeys(j.evidence) if i in lookup.index]
        rows = lookup.loc[ids, [c for c in EVIDENCE_COLUMNS if c in lookup]]
        frames.append(rows.assign(judgment=j.key, topic=j.topic).reset_index(drop=True))
    columns = ["judgment", "topic", *[c for c in EVIDENCE_COLUMNS if c in lookup]]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


#: Example event ids the evidence summary names per judgment.
EXAMPLE_IDS = 4


def evidence_summary(frame: pd.DataFrame, judgments: list[Any], examples: int = EXAMPLE_IDS) -> pd.DataFrame:
    """One row per key judgment, from the annex's rows (:func:`evidence_frame`): how many events, of which
    sources, the first and last date, and ``examples`` event ids spread over the span (the first, the last
    and evenly between) — each a row of the CSV annex."""
    rows = []
    for j in judgments:
        mine = frame[frame["judgment"] == j.key]
        dates = (
            pd.to_datetime(mine["date_start"]) if "date_start" in mine else pd.Series(dtype="datetime64[ns]")
        )
        ordered = mine.assign(_date=dates).sort_values(["_date", "event_id"], kind="stable")
        picks = sorted({round(i) for i in np.linspace(0, len(ordered) - 1, min(examples, len(ordered)))})
        rows.append({
            "judgment": j.key, "topic": j.topic, "events": len(mine),
            "sources": sorted(mine["source"].dropna().unique()) if "source" in mine else [],
            "first": dates.min() if len(mine) else None, "last": dates.max() if len(mine) else None,
            "examples": list(ordered["event_id"].iloc[picks]) if len(ordered) else [],
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["judgment", "topic", "events", "sources", "first", "last", "examples"])


def write_evidence_csv(frame: pd.DataFrame, path: Path) -> Path:
    """The evidence annex as CSV (UTF-8, ISO dates)."""
    out = frame.copy()
    if "date_start" in out:
        out["date_start"] = pd.to_datetime(out["date_start"]).dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False)
    return path
