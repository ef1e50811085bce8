"""How a group fights, and when that changed: tactic profiles, change points and first use of a tactic.

The questions behind this module are of the kind "did suicide bombing become a staple only after the
group merged into a larger organisation?".  Three measurements answer them for any group:

* :func:`tactic_profile`: monthly counts, shares and fatalities per tactic (primary tactic, so shares add
  up to one; an event flagged ``suicide`` counts as ``suicide_attack``).
* :func:`tactic_changes`: change points in the monthly tactic shares, found with ``ruptures`` and each
  aligned to the nearest organisational event (rename, merger, pledge, split) with the lag in months.
* :func:`first_use` / :func:`tactic_adoption`: the first event with a tactic for the group, its parent and
  its predecessors, so that "adopted after the merger" can be read off with its evidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spillover.analysis._common import (
    ids,
    months_between,
    uses_tactic,
    with_dates,
)
from spillover.formatting import relation_words
from spillover.palette import tactic_label
from spillover.results import Result
from spillover.schema import TACTICS

#: Organisational events that can plausibly change a group's repertoire.
ORG_KINDS_FOR_ADOPTION: tuple[str, ...] = ("merger", "rename", "pledge", "affiliation", "split", "founding")


@dataclass
class TacticProfile(Result):
    """Monthly tactic series of one group (or of whatever set of events was passed)."""

    _frame = "totals"

    counts: pd.DataFrame  # month start × tactic: number of events (primary tactic); inactive months are 0
    shares: pd.DataFrame  # counts / events that month (NaN in months without events)
    fatalities: pd.DataFrame  # month start × tactic: sum of known fatalities
    totals: (
        pd.DataFrame
    )  # one row per tactic: events, share, fatalities, fatalities_per_event, first_date, first_event_id
    n_events: int  # events counted in a month
    n_undated: int  # events left out because their date range spans more than one month
    view: str = "events"  # which events: "fused", "all" or a source (set by the caller that chose the view)
    # year-on-year changes that coincide with a source starting or stopping (fusion.coverage_warnings;
    # set by the caller, which has the store)
    coverage_warnings: list = field(default_factory=list, repr=False)


@dataclass
class TacticChanges(Result):
    """Change points in a tactic series, each aligned to the nearest organisational event."""

    _frame = "changes"

    changes: pd.DataFrame  # one row per change point (see tactic_changes)
    segments: pd.DataFrame  # one row per segment between change points: start, end, n_events, pooled shares
    signal: str  # "shares" or "counts"
    method: str  # "pelt" or "binseg"
    step: str  # "month" or "quarter"
    model: str  # ruptures cost model
    penalty: float  # penalty actually used
    penalty_rule: str  # how the penalty was chosen
    min_size: int  # minimum segment length in series points
    n_points: int  # points (months or quarters) in the series that was segmented
    n_events: int


@dataclass
class Adoption:
    """When a group first used a tactic, compared with its parent, its predecessors and its org events."""

    group_id: str
    tactic: str
    first_use: (
        pd.DataFrame
    )  # role, group_id, first_date, first_event_id, n_with_tactic, n_events, first_event_date
    org_event: dict[str, Any] | None  # the organisational event the adoption is compared with
    lag_months: int | None  # months from org_event to the group's first use (positive = after)
    adopted_after_org_event: bool | None
    predecessors_used_before: bool | None  # did any predecessor use the tactic before the org event?
    parent_used_before: bool | None  # had the parent used the tactic before the group did?
    evidence: list[str] = field(default_factory=list)


def primary_tactics(events: pd.DataFrame) -> pd.Series:
    """Each event's primary tactic; the suicide flag wins, missing values are 'unknown'."""
    tactic = events["tactic"] if "tactic" in events else pd.Series("unknown", index=events.index)
    tactic = tactic.where(tactic.isin(list(TACTICS)), "unknown").fillna("unknown")
    if "suicide" in events:  # an unknown flag (<NA>) is "not flagged"
        tactic = tactic.mask(events["suicide"].eq(True).fillna(False).astype(bool), "suicide_attack")
    return tactic


def _ordered_tactics(present: Sequence[str]) -> list[str]:
    return [t for t in TACTICS if t in set(present)]


def month_of(events: pd.DataFrame) -> pd.Series:
    """First day of each event's month, or NaT when its date range spans more than one month (the rule of
    :func:`spillover.analysis._common.assign_periods` and :func:`spillover.query.month_of`)."""
    ev = with_dates(events)
    start, end = ev["date_start"], ev["date_end"].dt.normalize()
    same = (start.dt.year == end.dt.year) & (start.dt.month == end.dt.month)
    return start.dt.to_period("M").dt.start_time.where(same)


def _known_fatalities(events: pd.DataFrame) -> pd.Series:
    if "fatalities" not in events:
        return pd.Series(np.nan, index=events.index, dtype=float)
    return pd.to_numeric(events["fatalities"], errors="coerce").astype(float)


def monthly_tactic_table(events: pd.DataFrame) -> pd.DataFrame:
    """``month, tactic, events, fatalities, fatalities_known`` per month and primary tactic (month NaT:
    events not placed in one month) — computed here from events, or by any engine with
    :func:`spillover.query.monthly_tactics`; :func:`profile_from_tables` reads either."""
    frame = pd.DataFrame(
        {"month": month_of(events), "tactic": primary_tactics(events), "f": _known_fatalities(events)}
    )
    out = frame.groupby(["month", "tactic"], dropna=False, sort=False).agg(
        events=("tactic", "size"), fatalities=("f", "sum"), fatalities_known=("f", "count")
    )
    return out.reset_index().sort_values(["month", "tactic"], na_position="first", ignore_index=True)


def tactic_totals_table(events: pd.DataFrame) -> pd.DataFrame:
    """``tactic, events, fatalities, fatalities_known, first_date, first_event_id`` per primary tactic over
    every event whatever its date precision (:func:`spillover.query.tactic_totals` on an engine).  The first
    event is the earliest by ``date_start``, ties broken by the smallest ``event_id``."""
    ev = with_dates(events)
    ev = ev.assign(tactic=primary_tactics(ev), f=_known_fatalities(ev), _id=ev["event_id"].astype(str))
    ordered = ev.sort_values(["date_start", "_id"], kind="stable", na_position="last")
    g = ordered.groupby("tactic", sort=True)
    out = pd.DataFrame(
        {
            "events": g.size(),
            "fatalities": g["f"].sum(),
            "fatalities_known": g["f"].count(),
            "first_date": g["date_start"].min(),
            "first_event_id": g["_id"].first(),
        }
    )
    return out.reset_index()


def tactic_profile(events: pd.DataFrame) -> TacticProfile:
    """Monthly counts, shares and fatalities per tactic, with per-tactic totals and first use."""
    return profile_from_tables(monthly_tactic_table(events), tactic_totals_table(events))


def profile_from_tables(monthly: pd.DataFrame, totals: pd.DataFrame) -> TacticProfile:
    """The tactic profile from its two aggregated tables, whoever computed them: :func:`monthly_tactic_table`
    and :func:`tactic_totals_table` from events in memory, or :func:`spillover.query.monthly_tactics` and
    :func:`spillover.query.tactic_totals` on DuckDB or Spark (one group: drop or ignore their ``group``)."""
    tactics = _ordered_tactics(totals["tactic"].tolist())
    n_all = int(totals["events"].sum())
    placed = monthly.dropna(subset=["month"])
    n_events = int(placed["events"].sum())
    totals_frame = _totals(totals, tactics, n_all)
    if placed.empty:
        empty = pd.DataFrame(columns=tactics, dtype=float)
        return TacticProfile(empty, empty, empty, totals_frame, 0, n_all - n_events)
    month = pd.to_datetime(placed["month"])
    months = pd.period_range(month.min(), month.max(), freq="M")
    index = pd.DatetimeIndex(months.start_time, name="month")
    wide = placed.assign(
        month=month, events=placed["events"].astype(float), f=placed["fatalities"].astype(float)
    )
    counts = wide.pivot_table(index="month", columns="tactic", values="events", aggfunc="sum")
    counts = counts.reindex(index=index, columns=tactics).fillna(0).astype(int)
    fatalities = (
        wide.pivot_table(index="month", columns="tactic", values="f", aggfunc="sum")
        .reindex(index=index, columns=tactics)
        .fillna(0.0)
    )
    totals_per_month = counts.sum(axis=1)
    shares = counts.div(totals_per_month.where(totals_per_month > 0), axis=0)
    return TacticProfile(counts, shares, fatalities, totals_frame, n_events, n_all - n_events)


def _totals(totals: pd.DataFrame, tactics: list[str], n_all: int) -> pd.DataFrame:
    """Per tactic: events, share, fatalities (known), fatalities per event with a known toll, first event."""
    if not tactics:
        return pd.DataFrame()
    t = totals.set_index("tactic").reindex(tactics)
    known = t["fatalities_known"].astype(float)
    out = pd.DataFrame(
        {
            "events": t["events"].astype(int),
            "share": t["events"].astype(float) / n_all if n_all else np.nan,
            "fatalities": t["fatalities"].astype(float),
            "fatalities_per_event": (t["fatalities"].astype(float) / known).where(known > 0),
            "first_date": pd.to_datetime(t["first_date"]),
            "first_event_id": [None if pd.isna(x) else str(x) for x in t["first_event_id"]],
        },
        index=pd.Index(tactics, name="tactic"),
    )
    return out


def bic_penalty(signal: np.ndarray, factor: float = 2.0) -> tuple[float, str]:
    """Penalty per change point: ``factor · sigma² · (d + 1) · ln n`` (a BIC-style penalty, doubled).

    sigma² is the noise variance per dimension, estimated from first differences (var(diff)/2, averaged
    over dimensions); real jumps inflate it a little, which only makes detection stricter.  Each change
    must pay for its ``d`` new means and its location, as in BIC.  The plain BIC (factor 1) over-segments
    when searched over every possible change point: on simulated monthly tactic mixes (60 months, 3–8
    events a month, 40 runs each) it raised false alarms on 5–8 stationary series in 40, while factor 2
    raised none and still found a shift planted at month 30 within ±2 months in 37/40 (3 events a month)
    and 40/40 (8 a month) runs.
    """
    n, d = signal.shape
    if n < 3:
        return float("inf"), "bic×2 (series too short)"
    sigma2 = float(np.mean(np.var(np.diff(signal, axis=0), axis=0, ddof=1) / 2))
    pen = factor * sigma2 * (d + 1) * np.log(n)
    rule = f"bic×{factor:g}: {factor:g} × sigma²={sigma2:.4g} × (d+1)={d + 1} × ln(n={n})"
    return (pen if pen > 0 else float("inf")), rule


def tactic_changes(
    events: pd.DataFrame,
    org_events: pd.DataFrame | None = None,
    *,
    signal: str = "shares",
    method: str = "pelt",
    model: str = "l2",
    penalty: float | None = None,
    n_changes: int | None = None,
    min_size: int = 3,
    step: str = "month",
    tactics: Sequence[str] | None = None,
    profile: TacticProfile | None = None,
) -> TacticChanges:
    """Change points in the monthly tactic mix (``ruptures``), aligned to the nearest org event.

    ``signal="shares"`` segments the monthly share of each tactic, over months with at least one event (a
    month without events has no mix); ``"counts"`` segments monthly counts over all months, so changes in
    tempo count too.  ``step="quarter"`` segments quarterly instead of monthly points (steadier for sparse
    groups; ``min_size`` then counts quarters).  Rolling sums are deliberately not offered: they smooth
    the series, which makes the difference-based noise estimate too small and invents changes.  The penalty defaults to :func:`bic_penalty`; pass ``penalty`` to override it,
    or ``n_changes`` (with ``method="binseg"``) to ask for a fixed number of changes.  Each change is dated
    at the first month of the new segment; ``lag_months`` is that month minus the org event's month.
    ``profile``: the events' tactic profile when already computed (e.g. by an engine from aggregates, see
    :func:`profile_from_tables`); ``events`` then only supply the evidence ids of each change.
    """
    profile = profile if profile is not None else tactic_profile(events)
    counts = (
        profile.counts if tactics is None else profile.counts.reindex(columns=list(tactics), fill_value=0)
    )
    if step not in ("month", "quarter"):
        raise ValueError("step must be 'month' or 'quarter'")
    pooled = counts.resample("QS").sum() if step == "quarter" and len(counts) else counts
    if signal == "shares":
        active = pooled[pooled.sum(axis=1) > 0]
        series = active.div(active.sum(axis=1), axis=0)
    elif signal == "counts":
        series = pooled.astype(float)
    else:
        raise ValueError("signal must be 'shares' or 'counts'")
    x = series.to_numpy(dtype=float)
    pen, rule = (
        (float(penalty), "given") if penalty is not None else bic_penalty(x) if len(x) else (np.inf, "")
    )
    breaks = _breakpoints(x, method, model, pen, n_changes, min_size)
    if n_changes is not None:
        rule = f"fixed number of changes ({n_changes})"
    segments = _segments(counts, series.index, breaks)
    changes = _describe_changes(segments, events, org_events)
    return TacticChanges(
        changes, segments, signal, method, step, model, pen, rule, min_size, len(x), profile.n_events
    )


def _breakpoints(
    x: np.ndarray, method: str, model: str, pen: float, n_changes: int | None, min_size: int
) -> list[int]:
    """Indices where a new segment starts (ruptures returns segment ends, the last one being len(x)).

    Kept between runs for the same series and settings (:mod:`spillover.memo`): importing ruptures (it
    loads scipy.stats) costs more than the segmentation, and the answer depends on nothing else."""
    if len(x) < 2 * min_size or (n_changes is None and not np.isfinite(pen)):
        return []
    from spillover.memo import kept

    x = np.ascontiguousarray(x, dtype=float)
    key = (x.shape, hashlib.sha256(x.tobytes()).hexdigest(), method, model, repr(pen), n_changes, min_size)
    return kept("breakpoints", key, lambda: _ruptures_breakpoints(x, method, model, pen, n_changes, min_size))


def _ruptures_breakpoints(
    x: np.ndarray, method: str, model: str, pen: float, n_changes: int | None, min_size: int
) -> list[int]:
    import ruptures as rpt

    algo = {"pelt": rpt.Pelt, "binseg": rpt.Binseg}[method](model=model, min_size=min_size, jump=1).fit(x)
    ends = algo.predict(n_bkps=n_changes) if n_changes is not None else algo.predict(pen=pen)
    return [int(e) for e in ends if e < len(x)]


def _segments(counts: pd.DataFrame, points: pd.DatetimeIndex, breaks: list[int]) -> pd.DataFrame:
    """Pooled tactic shares of each segment (all events of its months, not a mean of monthly shares)."""
    bounds = [0, *breaks, len(points)]
    rows = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if a >= b:
            continue
        start = points[a]
        end = points[b] - pd.offsets.MonthBegin(1) if b < len(points) else counts.index[-1]
        block = counts.loc[start:end]
        total = int(block.to_numpy().sum())
        shares = block.sum() / total if total else block.sum() * np.nan
        rows.append({"start": start, "end": end, "n_events": total, **shares.to_dict()})
    return pd.DataFrame(rows)


def _describe_changes(
    segments: pd.DataFrame, events: pd.DataFrame, org_events: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per change: what rose and fell most, the evidence, and the nearest org event."""
    columns = [
        "month", "tactic_up", "delta_up", "tactic_down", "delta_down", "org_date", "org_kind",
        "org_group_id", "org_description", "org_source", "lag_months", "evidence",
    ]  # fmt: skip
    if segments.empty or len(segments) < 2:
        return pd.DataFrame(columns=columns)
    ev = with_dates(events)
    ev["tactic"] = primary_tactics(ev)
    tactic_cols = [c for c in segments.columns if c in TACTICS]
    rows = []
    for i in range(1, len(segments)):
        before, after = segments.iloc[i - 1], segments.iloc[i]
        delta = (after[tactic_cols] - before[tactic_cols]).astype(float).fillna(0.0)
        up, down = delta.idxmax(), delta.idxmin()
        month = after["start"]
        in_segment = ev[
            (ev["date_start"] >= month) & (ev["date_start"] <= after["end"] + pd.offsets.MonthEnd(0))
        ]
        row = {
            "month": month,
            "tactic_up": up,
            "delta_up": float(delta[up]),
            "tactic_down": down,
            "delta_down": float(delta[down]),
            "evidence": ids(in_segment[in_segment["tactic"] == up]),
        }
        rows.append(row | nearest_org_event(month, org_events))
    return pd.DataFrame(rows, columns=columns)


def nearest_org_event(when: pd.Timestamp, org_events: pd.DataFrame | None) -> dict[str, Any]:
    """The organisational event closest in time to ``when``, with ``lag_months`` = when − event."""
    empty = dict.fromkeys(
        ["org_date", "org_kind", "org_group_id", "org_description", "org_source", "lag_months"]
    )
    if org_events is None or org_events.empty:
        return empty
    org = org_events.assign(date=pd.to_datetime(org_events["date"], errors="coerce")).dropna(subset=["date"])
    if org.empty:
        return empty
    best = org.loc[(org["date"] - when).abs().idxmin()]
    return {
        "org_date": best["date"],
        "org_kind": best.get("kind"),
        "org_group_id": best.get("group_id"),
        "org_description": best.get("description"),
        "org_source": best.get("source"),
        "lag_months": months_between(best["date"], when),
    }


def split_by_group(events: Mapping[str, pd.DataFrame] | pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``group_id → events`` from either a mapping or a frame with a ``group_id`` column."""
    if isinstance(events, Mapping):
        return dict(events)
    return {str(g): sub for g, sub in events.groupby("group_id", sort=False)}


def first_use(
    events: Mapping[str, pd.DataFrame] | pd.DataFrame, tactic: str = "suicide_attack"
) -> pd.DataFrame:
    """Per group: first event with ``tactic`` (date, id, date precision), how many, and the group's
    first event of any kind (a late first use means little if the data start late)."""
    rows = []
    for gid, ev in split_by_group(events).items():
        ev = with_dates(ev).sort_values("date_start")
        used = ev[uses_tactic(ev, tactic)]
        first = used.iloc[0] if len(used) else None
        rows.append(
            {
                "group_id": gid,
                "first_date": first["date_start"] if first is not None else pd.NaT,
                "first_event_id": str(first["event_id"]) if first is not None else None,
                "first_date_precision": first.get("date_precision") if first is not None else None,
                "n_with_tactic": len(used),
                "n_events": len(ev),
                "first_event_date": ev["date_start"].min() if len(ev) else pd.NaT,
                "last_event_date": ev["date_start"].max() if len(ev) else pd.NaT,
            }
        )
    return pd.DataFrame(rows)


def tactic_adoption(
    group_id: str,
    events: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    parent: str | None = None,
    predecessors: Sequence[str] = (),
    org_events: pd.DataFrame | None = None,
    tactic: str = "suicide_attack",
    org_kinds: Sequence[str] = ORG_KINDS_FOR_ADOPTION,
) -> Adoption:
    """Did ``group_id`` adopt ``tactic`` after an organisational event, and had parent/predecessors used it?

    The org event compared with is the latest event of ``org_kinds`` involving the group or a
    predecessor on or before the group's first use (or, when there is none, the earliest one after).
    """
    by_group = split_by_group(events)
    roles = {group_id: "group", **dict.fromkeys(predecessors, "predecessor")}
    if parent:
        roles[parent] = "parent"
    table = first_use({g: by_group[g] for g in roles if g in by_group}, tactic)
    table.insert(0, "role", table["group_id"].map(roles))
    own = table[table["role"] == "group"]
    first = own["first_date"].iloc[0] if len(own) else pd.NaT
    org = _relevant_org_event(first, org_events, [group_id, *predecessors], org_kinds)
    lag = months_between(org["date"], first) if org is not None and pd.notna(first) else None
    pred = table[table["role"] == "predecessor"]
    par = table[table["role"] == "parent"]
    return Adoption(
        group_id=group_id,
        tactic=tactic,
        first_use=table,
        org_event=org,
        lag_months=lag,
        adopted_after_org_event=None if lag is None else bool(first >= org["date"]),
        predecessors_used_before=(
            None if org is None or pred.empty else bool((pred["first_date"] < org["date"]).any())
        ),
        parent_used_before=(None if par.empty or pd.isna(first) else bool(par["first_date"].iloc[0] < first)),
        evidence=[str(e) for e in table["first_event_id"].dropna()],
    )


def _relevant_org_event(
    first: pd.Timestamp, org_events: pd.DataFrame | None, groups: list[str], kinds: Sequence[str]
) -> dict[str, Any] | None:
    if org_events is None or org_events.empty or pd.isna(first):
        return None
    org = org_events.assign(date=pd.to_datetime(org_events["date"], errors="coerce")).dropna(subset=["date"])
    involved = org["group_id"].isin(groups)
    if "other_group_id" in org:
        involved |= org["other_group_id"].isin(groups)
    org = org[involved & org["kind"].isin(kinds)].sort_values("date")
    if org.empty:
        return None
    before = org[org["date"] <= first]
    row = before.iloc[-1] if len(before) else org.iloc[0]
    return row.to_dict()


def yearly_tactic_shares(profile: TacticProfile, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Long table year × tactic: events, the year's events and the tactic's share of them; every year of
    ``years`` (default: the profile's span) is present, a year without events with zero events."""
    counts = (
        profile.counts.groupby(profile.counts.index.year).sum() if len(profile.counts) else profile.counts
    )
    if years is None:
        years = range(int(counts.index.min()), int(counts.index.max()) + 1) if len(counts) else range(0)
    counts = counts.reindex(list(years), fill_value=0)
    counts.index.name = "year"
    long = counts.reset_index().melt(id_vars="year", var_name="tactic", value_name="events")
    totals = long.groupby("year")["events"].transform("sum")
    return long.assign(year_events=totals, share=long["events"] / totals.where(totals > 0))


def tactic_chart(
    profile: TacticProfile, *, title: str | None = None, years: Sequence[int] | None = None
) -> Any:
    """Yearly tactic shares as stacked bars (Altair), one bar per year, every year of the span on the axis
    (a year without events is an empty column), tactics coloured by :mod:`spillover.palette`."""
    import altair as alt

    from spillover.palette import tactic_label, tactic_scale

    long = yearly_tactic_shares(profile, years)
    all_years = sorted(long["year"].unique().tolist())
    tactics = list(profile.counts.columns)
    domain, colours = tactic_scale(tactics, labels=True)
    long = long[long["events"] > 0].assign(
        tactic=lambda d: d["tactic"].map(tactic_label),
        order=lambda d: d["tactic"].map({t: i for i, t in enumerate(domain)}),
    )
    return (
        alt.Chart({"values": long.to_dict(orient="records")}, title=title or "Tactic shares by year")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", scale=alt.Scale(domain=all_years), axis=alt.Axis(labelAngle=-90)),
            y=alt.Y("share:Q", stack="zero", title="Share of the year's events", axis=alt.Axis(format="%")),
            color=alt.Color("tactic:N", title="Tactic", scale=alt.Scale(domain=domain, range=colours)),
            order=alt.Order("order:Q"),
            tooltip=["year:O", "tactic:N", "events:Q", "year_events:Q", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=600, height=240)
    )


def save_chart(chart: Any, path: str | Path) -> Path:
    """Save an Altair chart by extension: .png/.svg via vl-convert, .html self-contained (inline JS), .json."""
    path = Path(path)
    if path.suffix == ".html":
        chart.save(str(path), inline=True)
    else:
        chart.save(str(path))
    return path


def _reported_by(event_id: object) -> str:
    """The source of an event id by name (``rand:h87…`` → "RAND"), for sentences read by people."""
    from spillover.palette import source_name

    return source_name(str(event_id).split(":", 1)[0])


def describe_tactics(
    profile: TacticProfile, changes: TacticChanges | None = None, adoption: Adoption | None = None
) -> str:
    """One sentence: volume, leading tactics, change points and first use of the adopted tactic."""
    if profile.n_events == 0:
        return f"No event is dated to the month ({profile.n_undated} events have coarser dates)."
    months = profile.counts.index
    top = profile.totals.sort_values("events", ascending=False).head(3)
    mix = ", ".join(f"{tactic_label(t)} {r.share:.0%}" for t, r in top.iterrows())
    text = f"{profile.n_events} events from {months[0]:%Y-%m} to {months[-1]:%Y-%m}; main tactics: {mix}"
    if changes is not None:
        if changes.changes.empty:
            text += f"; no change point in the tactic mix (penalty {changes.penalty:.3g})"
        else:
            c = changes.changes.iloc[changes.changes["delta_up"].abs().argmax()]
            org = (
                f", {c.lag_months:+d} months from the {relation_words(c.org_kind)} of {c.org_date:%Y-%m}"
                if c.org_date is not None and pd.notna(c.org_date)
                else ""
            )
            text += (
                f"; {len(changes.changes)} change point(s), the largest in {c.month:%Y-%m} "
                f"({tactic_label(c.tactic_up)} {c.delta_up:+.0%}{org})"
            )
    if adoption is None and "suicide_attack" in profile.totals.index:
        s = profile.totals.loc["suicide_attack"]
        text += (
            f"; first suicide attack on {s.first_date:%Y-%m-%d} (reported by {_reported_by(s.first_event_id)}), "
            f"{s.events} in all"
        )
    if adoption is not None:
        own = adoption.first_use[adoption.first_use["role"] == "group"]
        if len(own) and pd.notna(own["first_date"].iloc[0]):
            text += (
                f"; first {tactic_label(adoption.tactic)} on {own['first_date'].iloc[0]:%Y-%m-%d} "
                f"(reported by {_reported_by(own['first_event_id'].iloc[0])})"
            )
            if adoption.lag_months is not None and adoption.org_event is not None:
                text += f", {adoption.lag_months:+d} months from the {relation_words(adoption.org_event.get('kind'))}"
        else:
            text += f"; no {adoption.tactic} recorded"
    return text + "."
