"""A group's profile computed by the engine: the same :class:`~spillover.analysis.profile.Profile` as
:func:`spillover.analysis.profile.profile`, built from aggregated tables instead of every event, so it
works on Spark and on GDELT-sized stores.

Only ``event_ids`` differs: the earliest ``evidence`` ids (not every id), because a group can have
millions of events there.
"""

from __future__ import annotations

import pandas as pd
from ibis.backends import BaseBackend

from spillover.analysis._common import EVIDENCE_LIMIT
from spillover.analysis.profile import Profile
from spillover.query.aggregations import aggregate, group_events, matching_names, yearly_activity
from spillover.query.groups import GroupFilter, Spec, as_group_filters
from spillover.selection import UnknownGroup


def _by_country(con: BaseBackend, groups: dict[str, Spec]) -> pd.DataFrame:
    out = aggregate(
        con, ["country_iso3"], groups, first_last=True, extra={"country": lambda t: t.country.min()}
    )
    out["country_iso3"] = out["country_iso3"].fillna("—")
    cols = ["country_iso3", "country", "events", "fatalities", "first_event", "last_event"]
    return out.sort_values(["events", "country_iso3"], ascending=[False, True], ignore_index=True)[cols]


def _by_source(con: BaseBackend, groups: dict[str, Spec]) -> pd.DataFrame:
    out = aggregate(con, ["source"], groups, first_last=True)
    return out.rename(columns={"first_event": "first", "last_event": "last"})[
        ["source", "events", "first", "last"]
    ]


def _tactics(con: BaseBackend, groups: dict[str, Spec], total: int) -> pd.DataFrame:
    # the primary tactic (a flagged suicide attack is one), as the store path's profile counts it
    out = (
        aggregate(con, ["primary_tactic"], groups)
        .rename(columns={"primary_tactic": "tactic"})
        .sort_values(["events", "tactic"], ascending=[False, True], ignore_index=True)
    )
    out["share"] = out["events"].astype(float) / max(total, 1)
    return out[["tactic", "events", "fatalities", "share"]]


def _earliest_ids(con: BaseBackend, groups: dict[str, Spec], limit: int) -> list[str]:
    t = group_events(con, groups, columns=["date_start"])
    first = t.order_by([t.date_start, t.event_id]).limit(limit).select("event_id")
    return [str(x) for x in first.to_pyarrow().column("event_id").to_pylist()]


def profile(
    con: BaseBackend,
    group: str | Spec | pd.DataFrame,
    *,
    label: str | None = None,
    evidence: int = EVIDENCE_LIMIT,
) -> Profile:
    """Profile a group on any engine: ``group`` is a name substring (as ``spillover profile --raw-names``),
    a filter, or a group table ``name[, source]`` (e.g. the names the actor registry resolves to the group
    and its family: every row counts for the one group, each event once)."""
    if isinstance(group, pd.DataFrame):
        label = label or "group"
        groups = as_group_filters(group.assign(group=label))
        assert groups is not None
    else:
        label = label or (group if isinstance(group, str) else "group")
        groups = {label: GroupFilter.family(group) if isinstance(group, str) else group}
    names = matching_names(con, groups)
    if names.empty:
        what = f"contains {group!r}" if isinstance(group, str) else f"of {label!r} is in the data"
        raise UnknownGroup(f"no actor name {what}")
    by_year = yearly_activity(con, groups)[["year", "events", "fatalities"]]
    total = int(by_year["events"].sum())
    return Profile(
        group=label,
        matched_names=names.drop(columns="group").sort_values("events", ascending=False, ignore_index=True),
        events=total,
        fatalities=float(by_year["fatalities"].sum()),
        by_year=by_year,
        by_country=_by_country(con, groups),
        by_source=_by_source(con, groups),
        tactics=_tactics(con, groups, total),
        event_ids=_earliest_ids(con, groups, evidence),
    )


__all__ = ["profile"]
