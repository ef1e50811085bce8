"""Small helpers shared by the analysis modules: dates, periods, tactic tests, evidence ids.

Every analysis function takes a pandas DataFrame with the columns of :mod:`spillover.schema` (the
``events`` table).  These helpers keep the rules that several modules must apply identically in one place:
an event is counted in a period only when its whole possible date range lies inside that period, so a
GTD event known only to the month is never placed on an invented day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import yaml

#: A period specification: "year", "quarter", "month", or explicit ``label → (start, end)`` (inclusive).
#: Explicit periods may overlap (rolling windows); an event then counts in each window containing it.
Periods: TypeAlias = str | Mapping[str, tuple[Any, Any]]

#: How many evidence event ids a result keeps per item (the full set is always recomputable).
EVIDENCE_LIMIT = 25

_FREQ = {"year": "Y", "quarter": "Q", "month": "M"}
DATA_DIR = Path(__file__).parent / "data"


def with_dates(events: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``date_start``/``date_end`` as timestamps (``date_end`` defaults to ``date_start``)."""
    out = events.copy()
    out["date_start"] = pd.to_datetime(out["date_start"], errors="coerce")
    end = out["date_end"] if "date_end" in out else out["date_start"]
    out["date_end"] = pd.to_datetime(end, errors="coerce").fillna(out["date_start"])
    return out


def named_periods(periods: Periods, events: pd.DataFrame) -> pd.DataFrame:
    """The periods as a table ``period, start, end`` (timestamps, inclusive) covering ``events``."""
    if isinstance(periods, str):
        if periods not in _FREQ:
            raise ValueError(f"periods must be one of {sorted(_FREQ)} or a mapping, not {periods!r}")
        dated = events["date_start"].dropna()
        if dated.empty:
            return pd.DataFrame(columns=["period", "start", "end"])
        span = pd.period_range(dated.min(), dated.max(), freq=_FREQ[periods])
        return pd.DataFrame(
            {"period": span.astype(str), "start": span.start_time, "end": span.end_time.normalize()}
        )
    rows = [(label, pd.Timestamp(a), pd.Timestamp(b)) for label, (a, b) in periods.items()]
    return pd.DataFrame(rows, columns=["period", "start", "end"])


def assign_periods(events: pd.DataFrame, periods: Periods) -> tuple[pd.DataFrame, int]:
    """Events tagged with ``period`` (one row per event and period containing it), and the number of
    events that fit in no period because their date range straddles a boundary or is unknown.

    Why: counting a year-precision event in January would invent a date; it is left out and counted.
    """
    ev = with_dates(events).reset_index(drop=True)
    table = named_periods(periods, ev)
    if table.empty or ev.empty:
        return ev.assign(period=pd.Series(dtype=str)).iloc[0:0], len(ev)
    ev["_row"] = np.arange(len(ev))
    # periods × events containment, vectorised (periods may overlap: rolling windows); ordered by period
    starts = pd.to_datetime(table["start"]).to_numpy(dtype="datetime64[ns]")[:, None]
    ends = pd.to_datetime(table["end"]).to_numpy(dtype="datetime64[ns]")[:, None]
    ev_start = ev["date_start"].to_numpy(dtype="datetime64[ns]")[None, :]
    ev_end = ev["date_end"].dt.normalize().to_numpy(dtype="datetime64[ns]")[None, :]
    period_idx, event_idx = np.nonzero((ev_start >= starts) & (ev_end <= ends))
    tagged = (
        ev.iloc[event_idx]
        .reset_index(drop=True)
        .assign(
            period=table["period"].to_numpy()[period_idx],
            period_start=table["start"].to_numpy()[period_idx],
            period_end=table["end"].to_numpy()[period_idx],
        )
    )
    return tagged, int(len(ev) - tagged["_row"].nunique())


def rolling_periods(start: Any, end: Any, *, months: int = 12, step: int = 3) -> dict[str, tuple[Any, Any]]:
    """Overlapping windows of ``months`` months every ``step`` months, labelled by their first month."""
    first = pd.Period(pd.Timestamp(start), "M")
    last = pd.Period(pd.Timestamp(end), "M")
    out: dict[str, tuple[Any, Any]] = {}
    p = first
    while p + (months - 1) <= last or p == first:
        stop = p + (months - 1)
        out[f"{p}..{stop}"] = (p.start_time, stop.end_time.normalize())
        p += step
    return out


def tactic_lists(events: pd.DataFrame) -> pd.Series:
    """Every tactic of each event as a Python list: ``tactics`` when present, else ``[tactic]``."""
    primary = events["tactic"] if "tactic" in events else pd.Series(None, index=events.index)

    def one(many: Any, first: Any) -> list[str]:
        if isinstance(many, (list, tuple, np.ndarray)) and len(many):
            return [str(t) for t in many]
        return [str(first)] if isinstance(first, str) else []

    many = events["tactics"] if "tactics" in events else pd.Series(None, index=events.index)
    return pd.Series([one(m, f) for m, f in zip(many, primary, strict=True)], index=events.index)


def uses_tactic(events: pd.DataFrame, tactic: str) -> pd.Series:
    """Boolean mask: the event names ``tactic`` (primary or secondary; suicide also via the flag)."""
    mask = tactic_lists(events).map(lambda ts: tactic in ts).astype(bool)
    if tactic == "suicide_attack" and "suicide" in events:
        mask |= events["suicide"].eq(True).fillna(False).astype(bool)
    return mask


def uses_any_tactic(events: pd.DataFrame, tactics: Iterable[str]) -> pd.Series:
    """Boolean mask: the event names any of ``tactics``."""
    mask = pd.Series(False, index=events.index)
    for t in tactics:
        mask |= uses_tactic(events, t)
    return mask


def ids(events: pd.DataFrame, limit: int | None = EVIDENCE_LIMIT) -> list[str]:
    """Event ids for evidence, earliest first (at most ``limit``)."""
    if events.empty:
        return []
    ordered = events.sort_values("date_start", kind="stable") if "date_start" in events else events
    out = ordered["event_id"].astype(str).drop_duplicates().tolist()
    return out if limit is None else out[:limit]


def distribution(values: pd.Series, categories: Sequence[str] | None = None) -> pd.Series:
    """Share of each category among non-missing values (reindexed on ``categories`` when given)."""
    counts = values.dropna().astype(str).value_counts()
    if categories is not None:
        counts = counts.reindex(categories, fill_value=0)
    total = counts.sum()
    return counts / total if total else counts.astype(float)


def nonnegative(values: pd.Series) -> pd.Series:
    """Numbers with negative 'unknown' codes (GTD -9/-99) treated as missing."""
    num = pd.to_numeric(values, errors="coerce")
    return num.where(num >= 0)


@lru_cache(maxsize=4)
def _load_yaml(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_data_yaml(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """A YAML file shipped in ``analysis/data`` (or the caller's own file at ``path``)."""
    return _load_yaml(str(path) if path else str(DATA_DIR / name))


def months_between(earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (negative when ``later`` is before)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)
