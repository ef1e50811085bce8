"""Which events are a group's: the bridge between the store and the actor registry.

An analyst asks about "AQIM" and means the right events of every dataset: GTD's "Al-Qaida in the Islamic
Maghreb (AQIM)", ACLED's "AQIM: Al Qaeda in the Islamic Maghreb", RAND's "Al-Qaeda in the Islamic
Maghreb" and, with predecessors, the GSPC and GIA under all their spellings.  :func:`select_group`
resolves every distinct actor name in the store once, keeps the names that stand for a member of the
group's family, and attributes their events with a certainty (certain / joint / uncertain) that every
analysis can filter on.  Each event is tagged with the organisation as it was on the event's date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from spillover.actors import Resolver, default_registry, family, tag_as_of
from spillover.actors.lineage import Family
from spillover.analysis.profile import UnknownGroup
from spillover.store import Store

CERTAINTIES = ("certain", "joint", "uncertain")
_CERTAINTY_ORDER = {c: i for i, c in enumerate(CERTAINTIES)}


@dataclass
class GroupSelection:
    """A group's events across every source, with how each was attributed."""

    group_id: str
    name: str
    family: Family
    #: the event schema plus group_id (the family member), certainty, via, org_as_of, org_name_as_of
    events: pd.DataFrame
    #: the raw names that were matched: source, name, group_id, events
    names: pd.DataFrame
    include: tuple[str, ...] = field(default=())

    @property
    def event_ids(self) -> list[str]:
        return self.events["event_id"].tolist()


def resolve_group(group: str, resolver: Resolver | None = None) -> str:
    """Registry id of a group name, alias or id; :class:`UnknownGroup` with suggestions otherwise."""
    resolver = resolver or Resolver(default_registry())
    try:
        return resolver.lookup(group)
    except KeyError as exc:
        raise UnknownGroup(str(exc.args[0]) if exc.args else str(exc)) from exc


def store_names(store: Store) -> pd.DataFrame:
    """Every distinct (source, actor name) in the store with its number of events."""
    return store.query(
        "SELECT e.source, a.name, count(DISTINCT a.event_id) AS events "
        "FROM event_actors a JOIN events e USING (event_id) GROUP BY ALL"
    )


def family_names(names: pd.DataFrame, members: set[str], resolver: Resolver) -> pd.DataFrame:
    """The rows of ``names`` that resolve (possibly among others) to a member of the family."""
    resolved = resolver.resolve_names(names, name_col="name", source_col="source")
    hit = resolved["group_ids"].map(lambda ids: bool(members.intersection(ids)))
    out = resolved.loc[hit, ["source", "name", "events", "group_ids", "status"]].copy()
    out["group_id"] = out["group_ids"].map(lambda ids: next(g for g in ids if g in members))
    return out.drop(columns="group_ids").reset_index(drop=True)


def select_group(
    store: Store,
    group: str,
    *,
    include: Iterable[str] = ("predecessors",),
    certainty: Iterable[str] = CERTAINTIES,
    since: str | None = None,
    until: str | None = None,
    resolver: Resolver | None = None,
) -> GroupSelection:
    """The events of ``group`` and the family members named in ``include`` (predecessors, successors,
    affiliates, splinters, components), from every source in the store."""
    resolver = resolver or Resolver(default_registry())
    gid = resolve_group(group, resolver)
    fam = family(gid, include=tuple(include), registry=resolver.registry)
    names = family_names(store_names(store), fam.ids, resolver)
    events = _attributed_events(store, names, fam, resolver, set(certainty))
    if since:
        events = events[pd.to_datetime(events["date_end"]) >= pd.Timestamp(since)]
    if until:
        events = events[pd.to_datetime(events["date_start"]) <= pd.Timestamp(until)]
    events = (
        tag_as_of(events, fam.ids, registry=resolver.registry)
        if len(events)
        else events.assign(org_as_of=pd.Series(dtype="object"), org_name_as_of=pd.Series(dtype="object"))
    )
    return GroupSelection(
        group_id=gid,
        name=resolver.registry.group(gid).name,
        family=fam,
        events=events.sort_values(["date_start", "event_id"], ignore_index=True),
        names=names,
        include=tuple(include),
    )


def _attributed_events(
    store: Store, names: pd.DataFrame, fam: Family, resolver: Resolver, certainty: set[str]
) -> pd.DataFrame:
    from spillover.actors import attribute_events

    if names.empty:
        return store.query("SELECT * FROM events LIMIT 0").assign(
            group_id=pd.Series(dtype="object"),
            certainty=pd.Series(dtype="object"),
            via=pd.Series(dtype="object"),
        )
    store.con.register("_sel_names", names[["source", "name"]])
    try:
        actors = store.query(
            """
            SELECT a.event_id, e.source, a.role, a.name, a.ordinal, a.uncertain, e.date_start AS date
            FROM event_actors a JOIN events e USING (event_id)
            JOIN _sel_names n ON n.name = a.name AND n.source = e.source
            """
        )
    finally:
        store.con.unregister("_sel_names")
    attributed = attribute_events(actors, resolver)
    attributed = attributed[attributed["group_id"].isin(fam.ids) & attributed["certainty"].isin(certainty)]
    best = (
        attributed.assign(_c=attributed["certainty"].map(_CERTAINTY_ORDER))
        .sort_values(["event_id", "_c"], kind="stable")
        .drop_duplicates("event_id")[["event_id", "group_id", "certainty", "via"]]
    )
    store.con.register("_sel_ids", best[["event_id"]])
    try:
        events = store.query("SELECT e.* FROM events e SEMI JOIN _sel_ids s ON s.event_id = e.event_id")
    finally:
        store.con.unregister("_sel_ids")
    return events.merge(best, on="event_id", how="inner")
