"""Which events are a group's: the bridge between the store and the actor registry.

An analyst asks about "AQIM" and means the right events of every dataset: GTD's "Al-Qaida in the Islamic
Maghreb (AQIM)", ACLED's "AQIM: Al Qaeda in the Islamic Maghreb", RAND's "Al-Qaeda in the Islamic
Maghreb" and, with predecessors, the GSPC and GIA under all their spellings.  :func:`select_group`
resolves every distinct actor name in the store once, keeps the names that stand for a member of the
group's family, and attributes their events with a certainty (certain / joint / uncertain) that every
analysis can filter on.  Each event is tagged with the organisation as it was on the event's date.

Several datasets often report one attack, so the selection is shown in a *view* (``view=``):

* ``"all"`` — every row of every source and file, as stored: an attack that GTD and ACLED both report, or
  that two ACLED exports both hold, is counted twice.  It is the library default (``select_group``'s
  callers that count per source rely on it) and the raw material of the other views.
* ``"fused"`` (:data:`DEFAULT_VIEW`, the analysis commands' default) — one row per real-world event:
  events that :mod:`spillover.fusion` links (matched among the selection's own events, as
  ``spillover sources`` does) collapse to one row with the reconciled tolls, the ``sources`` and
  ``event_ids`` behind it and the rule that reconciled them; ``event_id`` is one of those ids, so evidence
  stays traceable to stored rows.
* a source name (``"acled"``, ``"gtd"``, ``"ged"``, ``"rand"`` …) — that dataset alone, its duplicate
  exports of one event (two files of one source) collapsed the same way.

The view is recorded on the selection (``GroupSelection.view``) and on the frame (``events.attrs["view"]``,
read by :func:`spillover.fusion.view_of`), so that every result can say which it used.
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

#: Every source's rows as stored (possibly counting one real event several times).
VIEW_ALL = "all"
#: One row per real-world event (cross-source links collapsed).
VIEW_FUSED = "fused"
#: The view the analysis commands use unless told otherwise: each real event counted once.
DEFAULT_VIEW = VIEW_FUSED


class UnknownView(ValueError):
    """A view that is neither ``all``, ``fused`` nor a source of the store."""


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
    #: which view ``events`` is: "all", "fused" or a source name (see the module docstring)
    view: str = VIEW_ALL
    #: the stored rows behind the view (every source; for "all" the same frame as ``events``)
    source_events: pd.DataFrame | None = field(default=None, repr=False)
    #: the cross-source links the view was fused with (None for "all")
    links: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def event_ids(self) -> list[str]:
        return self.events["event_id"].tolist()

    @property
    def stored_event_ids(self) -> list[str]:
        """Ids of every stored row behind the view (a fused event contributes all of its sources' ids)."""
        if "event_ids" in self.events:
            return [e for ids in self.events["event_ids"] for e in ids]
        return self.event_ids

    @property
    def merged_duplicates(self) -> int:
        """Rows the view collapsed into another (stored rows behind it minus its events)."""
        return len(self.stored_event_ids) - len(self.events)

    def describe_view(self) -> str:
        """One line naming the view and what it counts, for every analysis to print."""
        n = len(self.events)
        if self.view == VIEW_ALL:
            by_source = self.events["source"].value_counts().sort_index() if n else pd.Series(dtype=int)
            detail = ", ".join(f"{s} {c:,}" for s, c in by_source.items())
            return (
                f"view: all sources — {n:,} stored events ({detail}); an event several sources report "
                "is counted once per source"
            )
        if self.view == VIEW_FUSED:
            behind = len(self.stored_event_ids)
            multi = int((self.events["n_sources"] > 1).sum()) if n else 0
            sources = sorted({s for ss in self.events["sources"] for s in ss}) if n else []
            return (
                f"view: fused — {n:,} real-world events from {behind:,} stored events of "
                f"{', '.join(sources) or 'no source'} ({behind - n:,} duplicates merged; {multi:,} events "
                "reported by several sources, tolls reconciled)"
            )
        behind = len(self.stored_event_ids)
        extra = f" ({behind - n:,} duplicate rows of its files merged)" if behind > n else ""
        return f"view: {self.view} only — {n:,} events{extra}; other sources left out"


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
    view: str = VIEW_ALL,
    links: pd.DataFrame | None = None,
) -> GroupSelection:
    """The events of ``group`` and the family members named in ``include`` (predecessors, successors,
    affiliates, splinters, components), from every source in the store, in ``view``: ``"all"`` (every
    stored row, the default), ``"fused"`` (one row per real-world event) or a source name (that source
    alone).  ``links`` are the cross-source links to fuse with (default: matched now among the selected
    events).  Raises :class:`UnknownView` for any other view."""
    resolver = resolver or Resolver(default_registry())
    check_view(store, view)
    gid = resolve_group(group, resolver)
    fam = family(gid, include=tuple(include), registry=resolver.registry)
    names = family_names(store_names(store), fam.ids, resolver)
    events = _attributed_events(store, names, fam, resolver, set(certainty))
    if since:
        events = events[pd.to_datetime(events["date_end"]) >= pd.Timestamp(since)]
    if until:
        events = events[pd.to_datetime(events["date_start"]) <= pd.Timestamp(until)]
    events = tagged_in_order(events, fam, resolver)
    shown, used = apply_view(store, events, view, links=links, resolver=resolver)
    return GroupSelection(
        group_id=gid,
        name=resolver.registry.group(gid).name,
        family=fam,
        events=shown,
        names=names,
        include=tuple(include),
        view=view,
        source_events=events,
        links=used,
    )


def store_sources(store: Store) -> list[str]:
    """The sources the store holds events of."""
    return sorted(store.query("SELECT DISTINCT source FROM events")["source"].dropna().astype(str))


def view_choices(store: Store) -> list[str]:
    """Every view of the store: ``all``, ``fused`` and each source."""
    return [VIEW_ALL, VIEW_FUSED, *store_sources(store)]


def check_view(store: Store, view: str) -> str:
    """``view`` when the store has it; :class:`UnknownView` naming the choices otherwise."""
    if view in (VIEW_ALL, VIEW_FUSED):
        return view
    choices = view_choices(store)
    if view not in choices:
        raise UnknownView(f"unknown view {view!r}: choose one of {', '.join(choices)}")
    return view


def apply_view(
    store: Store,
    events: pd.DataFrame,
    view: str,
    *,
    links: pd.DataFrame | None = None,
    resolver: Resolver | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``events`` (every source's rows) in ``view``, and the links used (None for ``all``).

    ``fused``: the links among ``events`` (given, or matched now) collapse each real event to one row
    (:func:`spillover.fusion.fused_events`).  A source: that source's rows, fused among themselves, so
    that two exports of one event count once."""
    if view == VIEW_ALL:
        return events, None
    from spillover.fusion.fused import fused_events
    from spillover.fusion.matching import LINK_COLUMNS, match_events

    rows = events if view == VIEW_FUSED else events[events["source"] == view].reset_index(drop=True)
    if links is None:
        links = (
            match_events(store, rows, resolver=resolver) if len(rows) else pd.DataFrame(columns=LINK_COLUMNS)
        )
    fused = fused_events(store, rows, links)
    if view != VIEW_FUSED:
        fused["view"] = view
        fused.attrs["view"] = view
    return fused, links


def _attributed_events(
    store: Store, names: pd.DataFrame, fam: Family, resolver: Resolver, certainty: set[str]
) -> pd.DataFrame:
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
    best = best_attributions(actors, resolver, fam, certainty)
    store.con.register("_sel_ids", best[["event_id"]])
    try:
        events = store.query("SELECT e.* FROM events e SEMI JOIN _sel_ids s ON s.event_id = e.event_id")
    finally:
        store.con.unregister("_sel_ids")
    return events.merge(best, on="event_id", how="inner")


def best_attributions(
    actors: pd.DataFrame, resolver: Resolver, fam: Family, certainty: set[str]
) -> pd.DataFrame:
    """``event_id, group_id, certainty, via``: each event's most certain attribution to a family member
    (of the certainties asked for), from its actor rows."""
    from spillover.actors import attribute_events

    attributed = attribute_events(actors, resolver)
    attributed = attributed[attributed["group_id"].isin(fam.ids) & attributed["certainty"].isin(certainty)]
    return (
        attributed.assign(_c=attributed["certainty"].map(_CERTAINTY_ORDER))
        .sort_values(["event_id", "_c"], kind="stable")
        .drop_duplicates("event_id")[["event_id", "group_id", "certainty", "via"]]
    )


def tagged_in_order(events: pd.DataFrame, fam: Family, resolver: Resolver) -> pd.DataFrame:
    """The selected events (view ``all``), each tagged with the family member it was as of its date,
    in date order."""
    events = (
        tag_as_of(events, fam.ids, registry=resolver.registry)
        if len(events)
        else events.assign(org_as_of=pd.Series(dtype="object"), org_name_as_of=pd.Series(dtype="object"))
    )
    events = events.sort_values(["date_start", "event_id"], ignore_index=True)
    events.attrs["view"] = VIEW_ALL
    return events
