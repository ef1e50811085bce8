"""How a group pays for itself, as far as event data can tell: kidnapping, hostages and ransoms.

Event data see only the violent side of financing.  What they can show is how much of a group's activity
is kidnapping (and other predation such as looting), whom it takes hostage, and — where the source codes
it, as GTD does — ransoms demanded and paid.  Every figure comes with the number of events it rests on, and
ransom totals only ever sum the events whose source gives an amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spillover.analysis._common import (
    Periods,
    assign_periods,
    ids,
    named_periods,
    nonnegative,
    uses_any_tactic,
    uses_tactic,
    with_dates,
)

#: Tactics that bring in money or goods directly (the schema has no separate extortion tactic).
FINANCING_TACTICS: tuple[str, ...] = ("kidnapping", "looting")


@dataclass
class FinancingProfile:
    """Kidnapping and predation per period, hostages by nationality, ransoms where known."""

    by_period: pd.DataFrame  # one row per period (see kidnapping_profile)
    hostages_by_nationality: pd.DataFrame  # period, nationality, kidnappings, hostages, hostages_known
    kidnappings: pd.DataFrame  # the kidnapping events themselves, with hostages and ransom columns
    financing_tactics: tuple[str, ...]
    n_events: int  # events placed in a period
    n_undated: int  # events in no period: date range straddles a boundary, or outside explicit periods
    evidence: list[str] = field(default_factory=list)  # kidnapping event ids, earliest first


def _num(events: pd.DataFrame, col: str) -> pd.Series:
    return nonnegative(events[col]) if col in events else pd.Series(np.nan, index=events.index)


def kidnapping_profile(
    events: pd.DataFrame,
    periods: Periods = "year",
    *,
    financing_tactics: Sequence[str] = FINANCING_TACTICS,
    exclude_tactics: Sequence[str] = (),
) -> FinancingProfile:
    """Kidnapping share of the group's events per period, with hostages and ransoms.

    ``periods`` is "year", "quarter", "month" or ``label → (start, end)``.  An event counts as kidnapping
    when any of its tactics is kidnapping.  ``exclude_tactics`` (e.g. ``("non_violent",)``) removes events
    from the denominator, for a share of violent activity only.  Ransom columns sum only events whose
    source gives a value; the ``*_known`` counts say how many that is.
    """
    ev = events[~uses_any_tactic(events, exclude_tactics)] if exclude_tactics else events
    tagged, n_undated = assign_periods(ev, periods)
    tagged = tagged.assign(
        _kid=uses_tactic(tagged, "kidnapping"),
        _fin=uses_any_tactic(tagged, financing_tactics),
        _hostages=_num(tagged, "hostages"),
        _ransom_amount=_num(tagged, "ransom_amount"),
        _ransom_paid=_num(tagged, "ransom_paid"),
        _ransom_demanded=tagged.get("ransom_demanded"),
    )
    by_period = _fill_empty_periods(_per_period(tagged), named_periods(periods, with_dates(ev)))
    kid = tagged[tagged["_kid"]].drop_duplicates("event_id")
    keep = [
        c
        for c in ("event_id", "date_start", "date_end", "country_iso3", "admin1", "location", "target_type",
                  "target_nationality", "hostages", "ransom_demanded", "ransom_amount", "ransom_paid", "side_b")
        if c in kid
    ]  # fmt: skip
    return FinancingProfile(
        by_period=by_period,
        hostages_by_nationality=_by_nationality(tagged[tagged["_kid"]]),
        kidnappings=kid[keep].sort_values("date_start").reset_index(drop=True),
        financing_tactics=tuple(financing_tactics),
        n_events=int(tagged["event_id"].nunique()) if len(tagged) else 0,
        n_undated=n_undated,
        evidence=ids(kid, limit=None),
    )


def _per_period(tagged: pd.DataFrame) -> pd.DataFrame:
    if tagged.empty:
        return pd.DataFrame(columns=_PERIOD_COLUMNS).set_index("period")
    demanded = tagged["_ransom_demanded"]
    g = tagged.assign(
        _demanded_yes=demanded.eq(True),
        _demanded_known=demanded.notna(),
    ).groupby("period", sort=False)
    out = pd.DataFrame(
        {
            "start": g["period_start"].first(),
            "end": g["period_end"].first(),
            "n_events": g.size(),
            "n_kidnapping": g["_kid"].sum(),
            "n_financing": g["_fin"].sum(),
            "hostages": g["_hostages"].sum(min_count=1),
            "hostages_known": g["_hostages"].count(),
            "ransom_demanded": g["_demanded_yes"].sum(),
            "ransom_demanded_known": g["_demanded_known"].sum(),
            "ransom_amount_usd": g["_ransom_amount"].sum(min_count=1),
            "ransom_amount_known": g["_ransom_amount"].count(),
            "ransom_paid_usd": g["_ransom_paid"].sum(min_count=1),
            "ransom_paid_known": g["_ransom_paid"].count(),
            "evidence": g.apply(lambda d: ids(d[d["_kid"]]), include_groups=False),
        }
    )
    out["kidnapping_share"] = out["n_kidnapping"] / out["n_events"]
    out["financing_share"] = out["n_financing"] / out["n_events"]
    return out[_PERIOD_COLUMNS[1:]]


_PERIOD_COLUMNS = [
    "period", "start", "end", "n_events", "n_kidnapping", "kidnapping_share", "n_financing", "financing_share",
    "hostages", "hostages_known", "ransom_demanded", "ransom_demanded_known", "ransom_amount_usd",
    "ransom_amount_known", "ransom_paid_usd", "ransom_paid_known", "evidence",
]  # fmt: skip


def _fill_empty_periods(table: pd.DataFrame, all_periods: pd.DataFrame) -> pd.DataFrame:
    """Periods without events get zero counts (not missing) and an undefined share."""
    table = table.reindex(all_periods["period"])
    table["start"] = all_periods["start"].to_numpy()
    table["end"] = all_periods["end"].to_numpy()
    counts = [
        c for c in table.columns if c.startswith("n_") or c.endswith("_known") or c == "ransom_demanded"
    ]
    table[counts] = table[counts].fillna(0).astype(int)
    table["evidence"] = table["evidence"].map(lambda v: v if isinstance(v, list) else [])
    table.index.name = "period"
    return table


def _by_nationality(kid: pd.DataFrame) -> pd.DataFrame:
    cols = ["period", "nationality", "kidnappings", "hostages", "hostages_known"]
    if kid.empty:
        return pd.DataFrame(columns=cols)
    nat = kid["target_nationality"] if "target_nationality" in kid else pd.Series(None, index=kid.index)
    g = kid.assign(nationality=nat.fillna("unknown")).groupby(["period", "nationality"], sort=False)
    out = pd.DataFrame(
        {
            "kidnappings": g.size(),
            "hostages": g["_hostages"].sum(min_count=1),
            "hostages_known": g["_hostages"].count(),
        }
    ).reset_index()
    return out.sort_values(["period", "kidnappings"], ascending=[True, False]).reset_index(drop=True)


def describe_financing(profile: FinancingProfile) -> str:
    """One sentence: kidnapping share overall and at its peak, hostages and ransoms where known."""
    t = profile.by_period
    n, k = int(t["n_events"].sum()), int(t["n_kidnapping"].sum())
    if n == 0:
        return f"No dated events ({profile.n_undated} left out for imprecise dates)."
    text = f"Kidnapping in {k} of {n} events ({k / n:.0%})"
    if k:
        peak = t.sort_values(["n_kidnapping", "kidnapping_share"], ascending=False).index[0]
        row = t.loc[peak]
        text += f", peaking in {peak} ({row.n_kidnapping} of {row.n_events}, {row.kidnapping_share:.0%})"
    fin = int(t["n_financing"].sum())
    text += f"; {'/'.join(profile.financing_tactics)} together {fin / n:.0%}"
    if t["hostages_known"].sum():
        text += (
            f"; {t['hostages'].sum():.0f} hostages where counted ({int(t['hostages_known'].sum())} events)"
        )
    nat = profile.hostages_by_nationality
    nat = nat[nat["nationality"] != "unknown"]
    if len(nat):
        top = nat.groupby("nationality")["kidnappings"].sum().sort_values(ascending=False).head(3)
        text += "; targets' nationality: " + ", ".join(f"{c} {v}" for c, v in top.items())
    if t["ransom_demanded"].sum():
        text += f"; ransom demanded in {int(t['ransom_demanded'].sum())} events"
    if t["ransom_paid_known"].sum():
        text += (
            f", USD {t['ransom_paid_usd'].sum():,.0f} paid ({int(t['ransom_paid_known'].sum())} events known)"
        )
    return text + "."
