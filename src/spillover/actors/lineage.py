"""Lineage questions over the registry's dated relations.

* *Succession* links one organisation to the next: ``renamed_to`` and ``merged_into`` point forward, a
  ``split_from`` makes the parent a predecessor of the splinter.
* The *identity chain* of a group is the sequence of names one organisation had (``renamed_to`` only):
  GSPC → AQIM.  :func:`as_of` picks the link of the chain active on a date, so an event of 2005 attributed
  to "AQIM" by a dataset that back-codes names is reported as GSPC's.
* Umbrellas: ``component_of`` links members to an umbrella (JNIM) for a period; :func:`expand_umbrella`
  and :func:`rollup` move down and up those links on a date.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spillover.actors.dates import FuzzyDate, to_date, within
from spillover.actors.models import Group, Relation
from spillover.actors.registry import Registry, load_registry

FAMILY_PARTS: tuple[str, ...] = (
    "identity",
    "predecessors",
    "successors",
    "affiliates",
    "splinters",
    "components",
)
#: A member's window: the days (first, last; None = open) during which its events count as the family's.
Window = tuple[dt.date | None, dt.date | None]
OPEN: Window = (None, None)


def default_registry() -> Registry:
    """The shipped registry over the UCDP layer found through ``$SPILLOVER_DATA_DIR`` (cached)."""
    return load_registry()


def _reg(registry: Registry | None) -> Registry:
    return registry if registry is not None else default_registry()


def _day(date: Any) -> dt.date | None:
    return None if date is None else to_date(date)


def _started(r: Relation, day: dt.date | None) -> bool:
    return day is None or r.start is None or r.start.first <= day


def _active(
    r: Relation, day: dt.date | None, member: Group | None = None, target: Group | None = None
) -> bool:
    """The relation holds on ``day``; when the groups are given, both must exist then too (a coarse start
    such as "2017" must not make a group a component of an umbrella founded in March 2017 before March)."""
    if day is None:
        return True
    for g in (member, target):
        if g is not None and not within(day, g.founded, g.dissolved):
            return False
    return within(day, r.start, r.end)


#: the last registries' incoming indexes, with the group entries each was built from (see :func:`_incoming`)
_INCOMING: dict[int, tuple[Registry, list[Group], dict[str, list[tuple[str, Relation]]]]] = {}


def _incoming(reg: Registry) -> dict[str, list[tuple[str, Relation]]]:
    """target id → [(source group id, relation)] (read only by its callers).

    Built once per state of the registry: an assessment asks for ~60 families, identity chains and parents,
    and each index walks every relation of the UCDP layer (~2 ms).  The index is rebuilt when any group entry
    is not the one it was built from (a pattern rule added a group, an entry was replaced)."""
    groups = list(reg.groups.values())
    cached = _INCOMING.get(id(reg))
    if (
        cached is not None
        and cached[0] is reg
        and len(cached[1]) == len(groups)
        and all(map(operator.is_, cached[1], groups))
    ):
        return cached[2]
    index: dict[str, list[tuple[str, Relation]]] = {}
    for g in groups:
        for r in g.relations:
            index.setdefault(r.target, []).append((g.id, r))
    if len(_INCOMING) > 4:
        _INCOMING.clear()
    _INCOMING[id(reg)] = (reg, groups, index)
    return index


# --- succession ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One hop of a family path: ``source`` --type--> ``target`` as written in the registry."""

    source: str
    type: str
    target: str
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None

    def __str__(self) -> str:
        when = f" ({self.start})" if self.start else ""
        return f"{self.source} {self.type} {self.target}{when}"


def _predecessor_steps(
    reg: Registry, gid: str, day: dt.date | None, incoming: dict[str, list[tuple[str, Relation]]]
) -> list[tuple[str, Step]]:
    out = [
        (src, Step(src, r.type, gid, r.start, r.end))
        for src, r in incoming.get(gid, [])
        if r.type in ("renamed_to", "merged_into") and _started(r, day)
    ]
    out += [
        (r.target, Step(gid, r.type, r.target, r.start, r.end))
        for r in reg.groups[gid].relations
        if r.type == "split_from" and _started(r, day)
    ]
    return out


def _identity_steps(
    reg: Registry, gid: str, day: dt.date | None, incoming: dict[str, list[tuple[str, Relation]]]
) -> list[tuple[str, Step]]:
    """Earlier names (``renamed_to``) and groups that merged into ``gid``: its identity chain.  A group it
    split from is not part of it (a splinter never inherits its parent's history)."""
    return [
        (src, Step(src, r.type, gid, r.start, r.end))
        for src, r in incoming.get(gid, [])
        if r.type in ("renamed_to", "merged_into") and _started(r, day)
    ]


def _successor_steps(
    reg: Registry, gid: str, day: dt.date | None, incoming: dict[str, list[tuple[str, Relation]]]
) -> list[tuple[str, Step]]:
    out = [
        (r.target, Step(gid, r.type, r.target, r.start, r.end))
        for r in reg.groups[gid].relations
        if r.type in ("renamed_to", "merged_into") and _started(r, day)
    ]
    out += [
        (src, Step(src, r.type, gid, r.start, r.end))
        for src, r in incoming.get(gid, [])
        if r.type == "split_from" and _started(r, day)
    ]
    return out


def lineage(group: str, registry: Registry | None = None) -> pd.DataFrame:
    """Every succession relation among the group's predecessors and successors, oldest first, with
    ``direction`` (predecessor / successor) relative to ``group``."""
    reg = _reg(registry)
    gid = reg.canonical_id(group)
    reg.group(gid)
    incoming = _incoming(reg)
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for direction, steps_of in (("predecessor", _predecessor_steps), ("successor", _successor_steps)):
        seen, queue = {gid}, deque([gid])
        while queue:
            cur = queue.popleft()
            for nxt, step in steps_of(reg, cur, None, incoming):
                rel = _relation_of(reg, step)
                rows.setdefault(
                    (step.source, step.type, step.target), _relation_row(reg, step, rel, direction)
                )
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    frame = pd.DataFrame(list(rows.values()), columns=LINEAGE_COLUMNS)
    return frame.sort_values("start", na_position="first", kind="stable").reset_index(drop=True)


LINEAGE_COLUMNS = [
    "source",
    "source_name",
    "type",
    "target",
    "target_name",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "direction",
    "sources",
    "note",
]


def _relation_of(reg: Registry, step: Step) -> Relation:
    return next(
        r
        for r in reg.groups[step.source].relations
        if r.type == step.type and r.target == step.target and r.start == step.start
    )


def _relation_row(reg: Registry, step: Step, r: Relation, direction: str) -> dict[str, Any]:
    return {
        "source": step.source,
        "source_name": reg.groups[step.source].name,
        "type": step.type,
        "target": step.target,
        "target_name": reg.groups[step.target].name,
        "start": r.start.first if r.start else None,
        "start_precision": r.start.precision if r.start else None,
        "end": r.end.last if r.end else None,
        "end_precision": r.end.precision if r.end else None,
        "direction": direction,
        "sources": "; ".join(reg.cite(s).short() for s in r.sources),
        "note": r.note,
    }


# --- identity chain and "as of" ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainLink:
    group_id: str
    start: dt.date | None  # first day under this name (None: unknown/always)
    end: dt.date | None  # first day under the next name, or dissolution (exclusive)


def identity_chain(group: str, registry: Registry | None = None) -> list[ChainLink]:
    """The names one organisation had, in order, following ``renamed_to`` both ways."""
    reg = _reg(registry)
    gid = reg.canonical_id(group)
    incoming = _incoming(reg)
    first, seen = gid, {gid}
    while True:
        back = [src for src, r in incoming.get(first, []) if r.type == "renamed_to" and src not in seen]
        if not back:
            break
        first = back[0]
        seen.add(first)
    chain, cur, visited = [], first, set()
    while cur is not None and cur not in visited:
        visited.add(cur)
        g = reg.groups[cur]
        renames = sorted(
            (r for r in g.relations if r.type == "renamed_to"),
            key=lambda r: r.start.first if r.start else dt.date.min,
        )
        nxt = renames[0] if renames else None
        start = chain[-1].end if chain else (g.founded.first if g.founded else None)
        if nxt is not None and nxt.start is not None:
            end = nxt.start.first
        else:
            end = g.dissolved.last + dt.timedelta(days=1) if (g.dissolved and nxt is None) else None
        chain.append(ChainLink(cur, start, end))
        cur = nxt.target if nxt is not None else None
    return chain


@dataclass(frozen=True)
class AsOf:
    """What a group was on a date."""

    group_id: str  # the group asked about
    date: dt.date
    status: str  # active | not-yet-founded | dissolved
    active_id: str | None  # the link of the identity chain active on the date
    name: str | None  # its name
    part_of: tuple[str, ...] = ()  # umbrellas it was a component of
    affiliate_of: tuple[str, ...] = ()
    pledged_to: tuple[str, ...] = ()
    predecessors_active: tuple[str, ...] = field(default=())  # when not yet founded: who carried it then

    def __str__(self) -> str:
        if self.status != "active":
            pre = (
                f"; predecessors then: {', '.join(self.predecessors_active)}"
                if self.predecessors_active
                else ""
            )
            return f"{self.group_id} on {self.date}: {self.status}{pre}"
        extra = [
            f"part of {', '.join(self.part_of)}" if self.part_of else "",
            f"affiliate of {', '.join(self.affiliate_of)}" if self.affiliate_of else "",
            f"pledged to {', '.join(self.pledged_to)}" if self.pledged_to else "",
        ]
        tail = "; ".join(e for e in extra if e)
        return f"{self.group_id} on {self.date}: {self.name} [{self.active_id}]" + (
            f"; {tail}" if tail else ""
        )


def _link_at(chain: list[ChainLink], day: dt.date) -> tuple[str, ChainLink | None]:
    for link in chain:
        if (link.start is None or link.start <= day) and (link.end is None or day < link.end):
            return "active", link
    if chain and chain[0].start is not None and day < chain[0].start:
        return "not-yet-founded", None
    return "dissolved", None


def as_of(group: str, date: Any, registry: Registry | None = None) -> AsOf:
    """The organisation ``group`` was on ``date``: its name then, and what it belonged or had pledged to."""
    reg = _reg(registry)
    gid = reg.canonical_id(group)
    reg.group(gid)
    day = to_date(date)
    chain = identity_chain(gid, reg)
    status, link = _link_at(chain, day)
    if link is None:
        preds = _active_predecessors(reg, chain[0].group_id, day) if status == "not-yet-founded" else ()
        return AsOf(gid, day, status, None, None, predecessors_active=preds)
    g = reg.groups[link.group_id]

    def targets(kind: str) -> tuple[str, ...]:
        return tuple(
            r.target for r in g.relations if r.type == kind and _active(r, day, g, reg.groups[r.target])
        )

    return AsOf(
        gid,
        day,
        "active",
        g.id,
        g.name,
        targets("component_of"),
        targets("affiliate_of"),
        targets("pledged_allegiance_to"),
    )


def _active_predecessors(reg: Registry, gid: str, day: dt.date) -> tuple[str, ...]:
    """Predecessors (transitively) whose own identity chain was active on ``day``."""
    incoming = _incoming(reg)
    found, seen, queue = [], {gid}, deque([gid])
    while queue:
        cur = queue.popleft()
        for nxt, _ in _predecessor_steps(reg, cur, None, incoming):
            if nxt in seen:
                continue
            seen.add(nxt)
            status, link = _link_at(identity_chain(nxt, reg), day)
            if status == "active" and link is not None:
                found.append(link.group_id)
            else:
                queue.append(nxt)
    return tuple(dict.fromkeys(found))


# --- family --------------------------------------------------------------------------------------------


class Family(dict[str, tuple[Step, ...]]):
    """Group ids of a family, each with the relation path that links it to the root, and the window of
    days during which each member's events are the family's (:meth:`window`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.windows: dict[str, Window] = {}

    @property
    def ids(self) -> set[str]:
        return set(self)

    def window(self, gid: str) -> Window:
        """When ``gid``'s events count for the family: always for the group and its earlier names; from
        the merger for a group that merged into it; from the pledge or joining to its end for an affiliate
        or a component (the intersection along the path that links it)."""
        return self.windows.get(gid, OPEN)

    def paths(self) -> dict[str, str]:
        """Each member's path as text, for display."""
        return {gid: " ← ".join(str(s) for s in path) or "(root)" for gid, path in self.items()}


def family(
    group: str, date: Any = None, include: Iterable[str] = FAMILY_PARTS, registry: Registry | None = None
) -> Family:
    """Group ids related to ``group``, each with the relation path that links it and its window.

    The *identity* of a group is itself, its earlier names (``renamed_to``) and the groups that merged into
    it, these from the merger date only: a group it split from is never part of it.  The *lineage* is the
    group with its predecessors (renames, mergers and the groups it split from, whole histories) and/or
    successors (each followed transitively, along its own direction only).  From every lineage member the family then adds splinters (groups that split
    from it), affiliates (groups affiliated or pledged to it, and their own affiliates) and components
    (members of it, and their own members).  With ``date``, only successions that had happened by then and
    affiliations and memberships current then count.
    """
    reg = _reg(registry)
    parts = set(include)
    unknown = parts - set(FAMILY_PARTS)
    if unknown:
        raise ValueError(f"unknown family parts {sorted(unknown)}; choose from {FAMILY_PARTS}")
    gid = reg.canonical_id(group)
    reg.group(gid)
    day = _day(date)
    incoming = _incoming(reg)
    result = Family({gid: ()})
    if "identity" in parts:
        _closure(result, [gid], lambda g: _identity_steps(reg, g, day, incoming))
    if "predecessors" in parts:  # asked for explicitly: their whole history
        _closure(result, [gid], lambda g: _predecessor_steps(reg, g, day, incoming), dated=False)
    if "successors" in parts:
        _closure(
            result,
            [gid],
            lambda g: [(n, s) for n, s in _successor_steps(reg, g, day, incoming) if s.type != "split_from"],
            dated=False,
        )
    lineage_members = list(result)
    if "splinters" in parts:
        _closure(
            result, lineage_members, lambda g: _incoming_steps(reg, g, incoming, ("split_from",), day, False)
        )
    if "affiliates" in parts:
        _closure(
            result,
            lineage_members,
            lambda g: _incoming_steps(reg, g, incoming, ("affiliate_of", "pledged_allegiance_to"), day, True),
        )
    if "components" in parts:
        _closure(
            result, lineage_members, lambda g: _incoming_steps(reg, g, incoming, ("component_of",), day, True)
        )
    return result


def _incoming_steps(
    reg: Registry,
    gid: str,
    incoming: dict[str, list[tuple[str, Relation]]],
    kinds: tuple[str, ...],
    day: dt.date | None,
    current: bool,
) -> list[tuple[str, Step]]:
    """Groups linked to ``gid`` by a relation of ``kinds`` they hold (current on ``day`` or started by it)."""
    return [
        (src, Step(src, r.type, gid, r.start, r.end))
        for src, r in incoming.get(gid, [])
        if r.type in kinds
        and (_active(r, day, reg.groups[src], reg.groups[gid]) if current else _started(r, day))
    ]


#: Relations whose start (and end) bound the days a member's events count for the family.
_DATED_MEMBERSHIP = ("merged_into", "affiliate_of", "pledged_allegiance_to", "component_of")


def _step_window(step: Step) -> Window:
    """The days one hop admits: a merger from its date on; an affiliation, pledge or membership from its
    start to its end; a rename, a split or a succession at any time."""
    if step.type not in _DATED_MEMBERSHIP:
        return OPEN
    start = step.start.first if step.start else None
    end = step.end.last if (step.end and step.type != "merged_into") else None
    return (start, end)


def _intersect(a: Window, b: Window) -> Window:
    starts = [d for d in (a[0], b[0]) if d is not None]
    ends = [d for d in (a[1], b[1]) if d is not None]
    return (max(starts) if starts else None, min(ends) if ends else None)


def _closure(result: Family, starts: Iterable[str], steps_of: Any, dated: bool = True) -> None:
    """Add everything reachable from ``starts`` by ``steps_of`` to ``result`` (breadth first), each with
    its window (the intersection of the hops' windows along its path; open when not ``dated``)."""
    queue = deque(starts)
    while queue:
        cur = queue.popleft()
        for nxt, step in steps_of(cur):
            if nxt not in result:
                result[nxt] = (*result[cur], step)
                hop = _step_window(step) if dated else OPEN
                result.windows[nxt] = _intersect(result.window(cur), hop)
                queue.append(nxt)


# --- umbrellas -----------------------------------------------------------------------------------------


def expand_umbrella(group_id: str, date: Any = None, registry: Registry | None = None) -> list[str]:
    """Components of an umbrella on ``date`` (recursively: components of components); [] when it had none."""
    reg = _reg(registry)
    gid = reg.canonical_id(group_id)
    reg.group(gid)
    day, incoming = _day(date), _incoming(reg)
    found: dict[str, None] = {}
    queue = deque([gid])
    while queue:
        cur = queue.popleft()
        for src, r in incoming.get(cur, []):
            if (
                r.type == "component_of"
                and _active(r, day, reg.groups[src], reg.groups[cur])
                and src not in found
                and src != gid
            ):
                found[src] = None
                queue.append(src)
    return list(found)


def rollup(group_id: str, date: Any = None, registry: Registry | None = None) -> list[str]:
    """Umbrellas a group was a component of on ``date``, nearest first (then their umbrellas)."""
    reg = _reg(registry)
    gid = reg.canonical_id(group_id)
    reg.group(gid)
    day = _day(date)
    found: dict[str, None] = {}
    queue = deque([gid])
    while queue:
        cur = queue.popleft()
        for r in reg.groups[cur].relations:
            if (
                r.type == "component_of"
                and _active(r, day, reg.groups[cur], reg.groups[r.target])
                and r.target not in found
                and r.target != gid
            ):
                found[r.target] = None
                queue.append(r.target)
    return list(found)


# --- events --------------------------------------------------------------------------------------------


def tag_as_of(
    events: pd.DataFrame,
    family: Iterable[str] | None = None,
    *,
    group_col: str = "group_id",
    date_col: str = "date_start",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """``events`` with ``org_as_of`` (the organisation the group was on the event's date: its identity-chain
    link then, or its single predecessor active then if the event predates it) and ``org_name_as_of``.

    Only rows whose group is in ``family`` (any iterable of ids, e.g. a :class:`Family`) are tagged when a
    family is given; others get missing values.
    """
    reg = _reg(registry)
    out = events.copy()
    out["org_as_of"] = pd.Series(pd.NA, index=out.index, dtype="object")
    out["org_name_as_of"] = pd.Series(pd.NA, index=out.index, dtype="object")
    members = {reg.canonical_id(g) for g in family} if family is not None else None
    dates = pd.to_datetime(out[date_col], errors="coerce")
    for gid, index in out.groupby(group_col, dropna=True).groups.items():
        canonical = reg.canonical_id(str(gid))
        if canonical not in reg.groups or (members is not None and canonical not in members):
            continue
        chain = identity_chain(canonical, reg)
        ids, names = _chain_lookup(reg, chain, dates.loc[index])
        ids, names = _before_founding(reg, canonical, chain, dates.loc[index], ids, names)
        out.loc[index, "org_as_of"] = ids
        out.loc[index, "org_name_as_of"] = names
    return out


def _before_founding(
    reg: Registry, gid: str, chain: list[ChainLink], dates: pd.Series, ids: list[Any], names: list[Any]
) -> tuple[list[Any], list[Any]]:
    """Events dated before the group existed (datasets back-code names) get the predecessor active then,
    when there is exactly one."""
    first = chain[0].start
    if first is None:
        return ids, names
    cache: dict[dt.date, tuple[str, ...]] = {}
    # only rows without a link, dated before the day after the first start, can be before the founding (a
    # branch's thousands of events are looked at in numpy; the few left one by one)
    untagged = np.fromiter((found is pd.NA for found in ids), dtype=bool, count=len(ids))
    early = dates.to_numpy(dtype="datetime64[D]") <= np.datetime64(first)
    for i in np.flatnonzero(untagged & early):
        day = dates.iloc[i]
        if pd.isna(day) or not pd.isna(ids[i]) or day.date() >= first:
            continue
        key = day.date()
        if key not in cache:
            cache[key] = as_of(gid, key, reg).predecessors_active
        if len(cache[key]) == 1:
            ids[i] = cache[key][0]
            names[i] = reg.groups[ids[i]].name
    return ids, names


def _chain_lookup(reg: Registry, chain: list[ChainLink], dates: pd.Series) -> tuple[list[Any], list[Any]]:
    """Vectorised :func:`_link_at`: the link whose start is the last one not after each date."""
    starts = np.array(
        [np.datetime64(link.start) if link.start else np.datetime64("0001-01-01") for link in chain],
        dtype="datetime64[D]",
    )
    ends = [np.datetime64(link.end) if link.end else None for link in chain]
    values = dates.to_numpy(dtype="datetime64[D]")
    pos = np.searchsorted(starts, values, side="right") - 1
    ids: list[Any] = []
    names: list[Any] = []
    for p, v in zip(pos, values, strict=True):
        if np.isnat(v) or p < 0 or (ends[p] is not None and v >= ends[p]):
            ids.append(pd.NA)
            names.append(pd.NA)
        else:
            gid = chain[p].group_id
            ids.append(gid)
            names.append(reg.groups[gid].name)
    return ids, names
