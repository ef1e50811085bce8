"""A group's activity at a glance: events and fatalities by year and country, first and last event per
country, top tactics — the first question an analyst asks of the store.

The group is found through the actor registry when it knows the name (every alias of every dataset);
otherwise by a case-insensitive substring of the raw actor names, and the profile says which names it
matched either way, so the analyst can see what was counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from spillover.analysis.tactics import primary_tactics
from spillover.results import Result
from spillover.selection import GroupSelection, UnknownGroup
from spillover.store import Store


@dataclass
class Profile(Result):
    _frame = "by_country"

    group: str
    matched_names: pd.DataFrame  # source, role, name, events
    events: int
    fatalities: float
    by_year: pd.DataFrame  # year, events, fatalities
    by_country: pd.DataFrame  # country_iso3, country, events, fatalities, first_event, last_event
    by_source: pd.DataFrame  # source, events, first, last
    tactics: pd.DataFrame  # tactic, events, share, fatalities
    event_ids: list[str]


def _name_pattern(group: str) -> str:
    return "%" + group.replace("%", r"\%").replace("_", r"\_") + "%"


def matching_names(store: Store, group: str) -> pd.DataFrame:
    """Raw actor names containing ``group`` (case-insensitive), with their event counts per source and role."""
    return store.query(
        """
        SELECT e.source, a.role, a.name, count(DISTINCT a.event_id) AS events
        FROM event_actors a JOIN events e USING (event_id)
        WHERE a.name ILIKE ? ESCAPE '\\'
        GROUP BY ALL ORDER BY events DESC
        """,
        [_name_pattern(group)],
    )


def group_events(store: Store, names: pd.DataFrame) -> pd.DataFrame:
    """Every event in which one of ``names`` (source, name) is an actor, once each."""
    with store.registered(_profile_names=names[["source", "name"]].drop_duplicates()):
        return store.query(
            """
            SELECT e.* FROM events e
            WHERE e.event_id IN (
                SELECT a.event_id FROM event_actors a JOIN events x USING (event_id)
                JOIN _profile_names n ON n.name = a.name AND n.source = x.source)
            ORDER BY e.date_start, e.event_id
            """
        )


def summarise(group: str, names: pd.DataFrame, events: pd.DataFrame) -> Profile:
    """Aggregate a group's events (kept separate from the query so that any event frame can be profiled)."""
    fat = events["fatalities"].fillna(0)
    ev = events.assign(fatalities=fat, year=events["year"].astype("Int64"))
    by_year = ev.groupby("year", as_index=False).agg(
        events=("event_id", "size"), fatalities=("fatalities", "sum")
    )
    by_country = (
        ev.assign(country_iso3=ev["country_iso3"].fillna("—"))
        .groupby("country_iso3", as_index=False)
        .agg(
            country=("country", "first"),
            events=("event_id", "size"),
            fatalities=("fatalities", "sum"),
            first_event=("date_start", "min"),
            last_event=("date_start", "max"),
        )
        .sort_values("events", ascending=False, ignore_index=True)
    )
    # in a fused view an event counts for every source that reports it
    per_source = (
        ev.drop(columns="source").explode("sources").rename(columns={"sources": "source"})
        if "sources" in ev.columns
        else ev
    )
    by_source = per_source.groupby("source", as_index=False).agg(
        events=("event_id", "size"), first=("date_start", "min"), last=("date_start", "max")
    )
    # the primary tactic (a flagged suicide attack is one, whatever its weapon), as every analysis counts it
    tactics = (
        ev.assign(tactic=primary_tactics(ev))
        .groupby("tactic", as_index=False)
        .agg(events=("event_id", "size"), fatalities=("fatalities", "sum"))
        .sort_values("events", ascending=False, ignore_index=True)
    )
    tactics["share"] = tactics["events"] / max(len(ev), 1)
    return Profile(
        group=group,
        matched_names=names,
        events=len(ev),
        fatalities=float(fat.sum()),
        by_year=by_year,
        by_country=by_country,
        by_source=by_source,
        tactics=tactics,
        event_ids=ev["event_id"].tolist(),
    )


def profile_of(sel: GroupSelection) -> Profile:
    """The profile of a selection (counted in its view), naming the store names it matched."""
    return summarise(sel.name, sel.names[["source", "name", "group_id", "events"]], sel.events)


def raw_name_profile(store: Store, group: str) -> Profile:
    """Profile of every event whose actor name contains ``group`` (case-insensitive; every stored report
    counted): for names the actor registry does not know.  :class:`UnknownGroup` with suggestions when
    nothing matches."""
    names = matching_names(store, group)
    if names.empty:
        raise UnknownGroup(_unknown_message(store, group))
    return summarise(group, names, group_events(store, names))


def _unknown_message(store: Store, group: str) -> str:
    from rapidfuzz import process

    candidates = store.query(
        "SELECT name, count(*) n FROM event_actors GROUP BY name ORDER BY n DESC LIMIT 20000"
    )["name"].tolist()
    close = [m[0] for m in process.extract(group, candidates, limit=5)] if candidates else []
    hint = f" Did you mean: {'; '.join(close)}?" if close else " The store is empty: load data first."
    return f"no actor name in the store contains {group!r}.{hint}"
