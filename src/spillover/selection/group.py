"""Which events are a group's: the bridge between the store and the actor registry.

An analyst asks about "AQIM" and means the right events of every dataset: GTD's "Al-Qaida in the Islamic
Maghreb (AQIM)", ACLED's "AQIM: Al Qaeda in the Islamic Maghreb", RAND's "Al-Qaeda in the Islamic
Maghreb" and, with predecessors, the GSPC and GIA under all their spellings.  :func:`select_each` (what
:func:`spillover.selection.select` calls for a store) resolves every distinct actor name in the store
once, keeps the names that stand for a member of the group's family, and attributes their events with a
certainty (certain / joint / uncertain) that every analysis can filter on.  Each event is tagged with the
organisation as it was on the event's date.

Several datasets often report one attack, so the selection is shown in a *view* (``view=``):

* ``"all"`` — every row of every source and file, as stored: an attack that GTD and ACLED both report, or
  that two ACLED exports both hold, is counted twice.  What counts per source reads it, and it is the raw
  material of the other views.
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
from pathlib import Path
from typing import Any

import pandas as pd

from spillover._alloc import collector_paused
from spillover.actors import Resolver, default_resolver, family, tag_as_of
from spillover.actors.lineage import Family
from spillover.memo import kept
from spillover.period import period_bounds
from spillover.selection.defaults import (
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_INCLUDE,
    DEFAULT_VIEW,
    VIEW_ALL,
    VIEW_FUSED,
)
from spillover.store import Store

_CERTAINTY_ORDER = {c: i for i, c in enumerate(CERTAINTIES)}


class UnknownView(ValueError):
    """A view that is neither ``all``, ``fused`` nor a source of the store."""


class UnknownGroup(LookupError):
    """A group the registry does not know (the message carries "did you mean" suggestions)."""


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
    #: the attributions kept (see :data:`DEFAULT_CERTAINTY`)
    certainty: tuple[str, ...] = CERTAINTIES
    #: the period asked for (ISO dates or None), as given
    since: str | None = None
    until: str | None = None
    #: stored rows of the family left out because their attribution was not among ``certainty``
    n_left_out: int = 0
    #: stored rows a member's name matched but that are not the family's: dated outside the member's
    #: window (a merger, a pledge) or before the member existed with no family member in force then
    #: (``event_id, source, date_start, group_id, org_as_of, reason``)
    scoped_out: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: where the events came from (a :class:`~spillover.store.Store`, or a query-layer engine): lets an
    #: analysis select a related group (the parent, its branches) the same way (:meth:`reselect`)
    source: Any = field(default=None, repr=False, compare=False)
    #: what the selection was made from and with, as a key, and the events it was made with (set when it
    #: was made with the default registry from a store; see :attr:`memo_key`)
    memo: tuple[str, int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def memo_key(self) -> str | None:
        """The key results computed on the selection are kept under between runs (:mod:`spillover.memo`);
        None when it was not made by :func:`select` from a store, or when its events were replaced since."""
        if self.memo is None:
            return None
        key, events_id, n_events = self.memo
        return key if id(self.events) == events_id and len(self.events) == n_events else None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its source (a store's connection is not kept on disk; the reader sets it)."""
        return {**self.__dict__, "source": None, "memo": None}

    def reselect(self, group: str, *, include: Iterable[str] = ()) -> GroupSelection:
        """Another group (e.g. the parent) selected from the same source with the same view, period and
        certainty, by default without its family."""
        return self.reselect_each([group], include=include)[group]

    def reselect_each(
        self, groups: Iterable[str], *, include: Iterable[str] = ()
    ) -> dict[str, GroupSelection]:
        """Other groups (the parent and its branches) selected as :meth:`reselect` does, in one pass over the
        store (:func:`select_each`)."""
        if self.source is None:
            raise ValueError("this selection does not know its source; select the other group with select()")
        return select_each(
            self.source, groups, include=tuple(include), view=self.view, since=self.since, until=self.until,
            certainty=self.certainty,
        )  # fmt: skip

    def parameters(self) -> dict[str, Any]:
        """Who and what is included: the parameters every output states on its first line."""
        return {
            "group_id": self.group_id, "group": self.name, "include": list(self.include),
            "members": sorted(self.family.ids), "view": self.view, "certainty": list(self.certainty),
            "since": self.since, "until": self.until, "events": len(self.events),
            "stored_events": len(self.stored_event_ids), "left_out_uncertain": self.n_left_out,
            "set_aside": len(self.scoped_out),
            "windows": {m: [None if d is None else d.isoformat() for d in self.family.window(m)]
                        for m in sorted(self.family.ids)},
        }  # fmt: skip

    def describe_scope(self) -> str:
        """One line: the group, the family members included (with the dates they count from or to), the
        period, the attributions kept and what was set aside."""
        from spillover.actors import default_registry as _registry

        reg = _registry()
        members = []
        for member in sorted(self.family.ids - {self.group_id}):
            first, last = self.family.window(member)
            name = reg.group(member).name if member in reg else member
            dates = f" from {first}" if first else ""
            dates += f" to {last}" if last else ""
            members.append(name + dates)
        rule = f" ({', '.join(self.include)})" if self.include else ""
        who = f" with {'; '.join(members)}{rule}" if members else " alone (no earlier name or merged group)"
        period = (
            f", {self.since or 'start'} to {self.until or 'end'}"
            if (self.since or self.until)
            else ", all dates"
        )
        kept = "all attributions" if set(self.certainty) == set(CERTAINTIES) else "/".join(self.certainty)
        left = f"; {self.n_left_out:,} suspected-only reports left out" if self.n_left_out else ""
        aside = (
            f"; {len(self.scoped_out):,} reports outside the family's dates set aside"
            if len(self.scoped_out)
            else ""
        )
        return f"{self.name}{who}{period}; {kept}{left}{aside}"

    @property
    def event_ids(self) -> list[str]:
        return self.events["event_id"].tolist()

    @property
    def stored_event_ids(self) -> list[str]:
        """Ids of every stored row behind the view (a fused event contributes all of its sources' ids)."""
        return stored_ids(self.events)

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


def stored_ids(events: pd.DataFrame, ids: Iterable[str] | None = None) -> list[str]:
    """The stored event ids behind events of a view (all of them, or those with the ``ids`` given): a
    fused event stands for every stored row it merged; in the "all" view an id is its own stored row."""
    if ids is None:
        ids = events["event_id"].astype(str).tolist()
    wanted = [str(i) for i in ids]
    if "event_ids" not in events.columns:
        return wanted
    behind = dict(zip(events["event_id"].astype(str), events["event_ids"], strict=True))
    return [str(stored) for i in wanted for stored in behind.get(i, [i])]


def resolve_group(group: str, resolver: Resolver | None = None, store: Store | None = None) -> str:
    """Registry id of a group name, alias or id; :class:`UnknownGroup` with suggestions otherwise.  With the
    ``store``, the groups that pattern rules make of its actor names are known too, however the names'
    resolutions were read (:meth:`~spillover.actors.resolver.Resolver.hold_generated`)."""
    resolver = resolver or default_resolver()
    try:
        return resolver.lookup(group)
    except KeyError as exc:
        unknown = exc
    if store is not None:
        resolver.hold_generated(resolved_store_names(store, resolver))
        try:
            return resolver.lookup(group)
        except KeyError as exc:
            unknown = exc
    raise UnknownGroup(str(unknown.args[0]) if unknown.args else str(unknown)) from unknown


_RESOLVED_NAMES: dict[tuple[str, str, int], pd.DataFrame] = {}


def store_names(store: Store) -> pd.DataFrame:
    """Every distinct (source, actor name) in the store with its number of events."""
    return store.query(
        "SELECT e.source, a.name, count(DISTINCT a.event_id) AS events "
        "FROM event_actors a JOIN events e USING (event_id) GROUP BY ALL ORDER BY e.source, a.name"
    )


def resolved_store_names(store: Store, resolver: Resolver) -> pd.DataFrame:
    """:func:`store_names` with each name resolved, computed once per store content and resolver (every
    selection of an assessment — the group, its parent, the parent's branches — reuses it)."""
    # what the store shows now (an as-of-pull reading, spillover.versions.as_of_pull, shows fewer names)
    from spillover.memo import store_content

    content = store_content(store)
    key = (str(Path(store.path).resolve()), content, id(resolver))
    if key not in _RESOLVED_NAMES:
        if len(_RESOLVED_NAMES) > 8:
            _RESOLVED_NAMES.clear()

        def compute() -> pd.DataFrame:
            from spillover.selection.resolutions import resolve_store_names

            # the resolutions a load kept in the store are read, the rest resolved (selection/resolutions.py)
            return resolve_store_names(store, store_names(store), resolver)

        from spillover.actors.resolver import resolver_inputs

        built_from = resolver_inputs(resolver)
        # with the default registry, kept on disk between runs too (keyed by the store's content)
        _RESOLVED_NAMES[key] = (
            compute() if built_from is None else kept("store-names", (content, built_from), compute)
        )
    return _RESOLVED_NAMES[key]


def family_names(resolved: pd.DataFrame, members: set[str]) -> pd.DataFrame:
    """The rows of the resolved store names that resolve (possibly among others) to a member of the family."""
    column = "candidate_ids" if "candidate_ids" in resolved else "group_ids"
    hit = resolved[column].map(lambda ids: bool(members.intersection(ids)))
    out = resolved.loc[hit, ["source", "name", "events", column, "status"]].copy()
    out["group_id"] = out[column].map(lambda ids: next(g for g in ids if g in members))
    return out.drop(columns=column).reset_index(drop=True)


def select_each(
    source: Store,
    groups: Iterable[str],
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    view: str = DEFAULT_VIEW,
    since: str | None = None,
    until: str | None = None,
    certainty: Iterable[str] = DEFAULT_CERTAINTY,
    resolver: Resolver | None = None,
    links: pd.DataFrame | None = None,
) -> dict[str, GroupSelection]:
    """:func:`select` of each of ``groups`` from a store, with the same arguments: the selections not kept yet
    are made in one pass (one query of the actor rows, one of the events and one blocking of the fusion's
    candidate pairs for all of them; each group's rows are then attributed, matched, fused and kept as
    :func:`select` alone would).

    Why: an assessment selects the parent and every branch of it (autonomy's peers); one store query per
    group cost more than the attribution.  ``links`` (with one group only) fuse with given links."""
    include, certainty, groups = tuple(include), tuple(certainty), list(dict.fromkeys(groups))
    since, until = period_bounds(since, until)
    if links is not None and len(groups) != 1:
        raise ValueError("links can be given for one group only")
    from spillover.actors import default_registry
    from spillover.actors.registry import registry_inputs
    from spillover.actors.resolver import resolver_inputs
    from spillover.memo import kept_each, store_content

    # the default resolver is built only when the selection is not kept (it indexes every alias: ~0.1 s)
    built_from = registry_inputs(default_registry()) if resolver is None else resolver_inputs(resolver)
    if built_from is None or links is not None:
        resolver = resolver or default_resolver()
        return _select_store(source, groups, include, view, since, until, certainty, resolver, links)
    # with the default registry, kept between runs (spillover.memo): an assessment selects the group, its
    # parent and the parent's branches, each once per store content
    parts = (include, view, since, until, certainty, store_content(source), built_from)
    chosen = kept_each(
        "selection", parts, groups,
        lambda missing: _select_store(
            source, missing, include, view, since, until, certainty, resolver or default_resolver(), None
        ),
    )  # fmt: skip
    for group, sel in chosen.items():
        sel.source, sel.memo = source, (repr((group, *parts)), id(sel.events), len(sel.events))
    registry = resolver.registry if resolver is not None else default_registry()
    if any(sel.group_id not in registry for sel in chosen.values()):
        # a kept selection of a group a pattern rule made: the registry holds it, as selecting it afresh does
        resolver = resolver or default_resolver()
        resolver.hold_generated(resolved_store_names(source, resolver))
    return chosen


@collector_paused()  # the registry, the store's names, the events and links (spillover._alloc says why)
def _select_store(
    source: Store,
    groups: list[str],
    include: tuple[str, ...],
    view: str,
    since: str | None,
    until: str | None,
    certainty: tuple[str, ...],
    resolver: Resolver,
    links: pd.DataFrame | None,
) -> dict[str, GroupSelection]:
    check_view(source, view)
    resolved = resolved_store_names(source, resolver)
    plans = {}
    for group in groups:
        gid = resolve_group(group, resolver, source)
        fam = family(gid, include=include, registry=resolver.registry)
        plans[group] = (gid, fam, family_names(resolved, fam.ids))
    attributed = _attributed_each(
        source, {group: (names, fam) for group, (_, fam, names) in plans.items()}, resolver, set(CERTAINTIES)
    )
    made = {}
    for group, (_, fam, _) in plans.items():
        stored = within_period(attributed[group], since, until)
        kept = stored[stored["certainty"].isin(certainty)].reset_index(drop=True)
        made[group] = (stored, *within_family(tagged_in_order(kept, fam, resolver), fam))
    found = _links_each(source, {group: kept for group, (_, kept, _) in made.items()}, view, resolver, links)
    out = {}
    for group, (gid, fam, names) in plans.items():
        stored, kept, scoped_out = made[group]
        shown, used = apply_view(source, kept, view, links=found.get(group), resolver=resolver)
        out[group] = GroupSelection(
            group_id=gid, name=resolver.registry.group(gid).name, family=fam,
            events=normalise_flags(with_rows_behind(shown, kept)), names=names, include=include, view=view,
            source_events=kept, links=used, certainty=certainty, since=since, until=until,
            n_left_out=int((~stored["certainty"].isin(certainty)).sum()), scoped_out=scoped_out, source=source,
        )  # fmt: skip
    return out


def _links_each(
    store: Store, kept: dict[str, pd.DataFrame], view: str, resolver: Resolver, links: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """The links each group's view is fused with: ``links`` when given, else every group's links matched in
    one pass, each among its own rows (none for the ``all`` view, nor for a group without rows)."""
    if view == VIEW_ALL:
        return {}
    if links is not None:
        return dict.fromkeys(kept, links)
    from spillover.fusion.matching import match_each

    rows = {group: view_rows(events, view) for group, events in kept.items()}
    return match_each(store, {group: r for group, r in rows.items() if len(r)}, resolver=resolver)


def within_family(events: pd.DataFrame, fam: Family) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events that are the family's, and those set aside with the reason.

    An event is the family's when the organisation it was on its date (``org_as_of``: the member's name
    then, or the predecessor in force before the member existed) is a member, within that member's window
    (:meth:`~spillover.actors.lineage.Family.window`: a merged group from the merger, an affiliate from its
    pledge).  So a splinter never inherits its parent's events, and an event a dataset back-codes to a group
    that did not exist yet goes to the predecessor in force — or, with none in the family, is set aside."""
    columns = ["event_id", "source", "date_start", "group_id", "org_as_of", "reason"]
    if events.empty:
        return events, pd.DataFrame(columns=columns)
    owner = events["org_as_of"].where(events["org_as_of"].notna(), None)
    starts = pd.to_datetime(events["date_start"])
    ends = pd.to_datetime(events["date_end"]).fillna(starts)
    reason = pd.Series("", index=events.index, dtype=object)
    reason[owner.isna()] = "dated before the group existed, and no member of its family was in force then"
    outside_family = owner.notna() & ~owner.isin(list(fam.ids))
    reason[outside_family] = "dated before the group existed: the predecessor in force then is not counted"
    for member in fam.ids:
        first, last = fam.window(member)
        if first is None and last is None:
            continue
        mine = owner.eq(member) & reason.eq("")
        early = (
            mine & (ends < pd.Timestamp(first)) if first is not None else pd.Series(False, index=events.index)
        )
        late = (
            mine & (starts > pd.Timestamp(last)) if last is not None else pd.Series(False, index=events.index)
        )
        reason[early | late] = (
            f"outside {member}'s membership of the family ({first or '…'} to {last or '…'})"
        )
    out = reason.ne("")
    aside = events.loc[out].assign(reason=reason[out])
    kept = events.loc[~out].reset_index(drop=True)
    kept.attrs.update(events.attrs)
    return kept, aside.reindex(columns=columns).reset_index(drop=True)


def within_period(events: pd.DataFrame, since: Any, until: Any) -> pd.DataFrame:
    """The events whose possible date range overlaps [since, until] (either bound may be None; an event
    without an end date ends on its start).  The query layer's :func:`spillover.query.events_in_window`
    writes the same rule for an engine; ``tests/test_period.py`` holds them equal on real data."""
    first, last = period_bounds(since, until)
    if first is None and last is None:
        return events
    start = pd.to_datetime(events["date_start"])
    keep = pd.Series(True, index=events.index)
    if first is not None:
        keep &= pd.to_datetime(events["date_end"]).fillna(start) >= pd.Timestamp(first)
    if last is not None:
        keep &= start <= pd.Timestamp(last)
    return events[keep.to_numpy()]


def normalise_flags(events: pd.DataFrame) -> pd.DataFrame:
    """Events with an unknown ``suicide`` flag set to False (the source does not code suicide attacks).

    Why: on the store's nullable boolean column an unknown flag (every ACLED and UCDP event) must read as
    "not flagged", never as a suicide attack: only an event a source flags as suicide is one."""
    if "suicide" not in events or not events["suicide"].isna().any():
        return events
    return events.assign(suicide=events["suicide"].astype("boolean").fillna(False))


def with_rows_behind(events: pd.DataFrame, stored: pd.DataFrame | None) -> pd.DataFrame:
    """A fused view's events with ``file_ids`` (the files of the stored rows behind each event) and
    ``row_source`` (the source of the representative row whose descriptive columns the event carries); the
    "all" view (no ``event_ids``) is returned as it is."""
    if "event_ids" not in events or stored is None:
        return events
    file_of = dict(zip(stored["event_id"].astype(str), stored["file_id"], strict=True))
    source_of = dict(zip(stored["event_id"].astype(str), stored["source"].astype(str), strict=True))
    out = events.assign(
        file_ids=[
            list(dict.fromkeys(file_of[str(e)] for e in ids_ if str(e) in file_of))
            for ids_ in events["event_ids"]
        ],
        row_source=[
            source_of.get(str(e), str(s)) for e, s in zip(events["event_id"], events["source"], strict=True)
        ],
    )
    out.attrs.update(events.attrs)
    return out


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

    rows = view_rows(events, view)
    if links is None:
        links = (
            match_events(store, rows, resolver=resolver) if len(rows) else pd.DataFrame(columns=LINK_COLUMNS)
        )
    fused = fused_events(store, rows, links)
    if view != VIEW_FUSED:
        fused["view"] = view
        fused.attrs["view"] = view
    return fused, links


def view_rows(events: pd.DataFrame, view: str) -> pd.DataFrame:
    """The stored rows a view is made of: every source's for ``all`` and ``fused``, one source's otherwise."""
    return (
        events if view in (VIEW_ALL, VIEW_FUSED) else events[events["source"] == view].reset_index(drop=True)
    )


def _attributed_each(
    store: Store, wanted: dict[str, tuple[pd.DataFrame, Family]], resolver: Resolver, certainty: set[str]
) -> dict[str, pd.DataFrame]:
    """Each group's stored events with their best attribution to its family (``wanted``: the family's
    matched names and the family, by group), the store's actor rows and events read once for all groups.

    Each group is attributed from the actor rows of its own family's names only, as if it were selected alone
    (another family's names on the same event play no part: the "joint" rule reads the rows given), and its
    frames are read from the rows kept for all, by SQL, so that their types are those of a group alone (a
    flag column without a missing value is ``bool``, with one ``boolean``)."""
    every = [names[["source", "name"]] for names, _ in wanted.values() if not names.empty]
    out: dict[str, pd.DataFrame] = {}
    if len(every) < len(wanted):
        empty = store.query("SELECT * FROM events LIMIT 0").assign(
            group_id=pd.Series(dtype="object"),
            certainty=pd.Series(dtype="object"),
            via=pd.Series(dtype="object"),
        )
        out = {group: empty.copy() for group, (names, _) in wanted.items() if names.empty}
    if not every:
        return out
    con = store.con
    try:
        with store.registered(_sel_names=pd.concat(every, ignore_index=True).drop_duplicates()):
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE _sel_actors AS
                SELECT a.event_id, e.source, a.role, a.name, a.ordinal, a.uncertain, e.date_start AS date,
                       e.country_iso3 AS country
                FROM event_actors a JOIN events e USING (event_id)
                JOIN _sel_names n ON n.name = a.name AND n.source = e.source
                """
            )
        best = {}
        for group, (names, fam) in wanted.items():
            if group in out:
                continue
            with store.registered(_sel_names=names[["source", "name"]]):
                actors = store.query(
                    "SELECT a.* FROM _sel_actors a SEMI JOIN _sel_names n ON n.name = a.name AND n.source = a.source"
                )
            best[group] = best_attributions(actors, resolver, fam, certainty)
        ids = pd.concat([b[["event_id"]] for b in best.values()], ignore_index=True).drop_duplicates()
        with store.registered(_sel_ids=ids):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _sel_events AS "
                "SELECT e.* FROM events e SEMI JOIN _sel_ids s ON s.event_id = e.event_id"
            )
        for group, found in best.items():
            with store.registered(_sel_ids=found[["event_id"]]):
                events = store.query(
                    "SELECT e.* FROM _sel_events e SEMI JOIN _sel_ids s ON s.event_id = e.event_id"
                )
            out[group] = events.merge(found, on="event_id", how="inner")
    finally:
        for table in ("_sel_actors", "_sel_events"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return {group: out[group] for group in wanted}


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
