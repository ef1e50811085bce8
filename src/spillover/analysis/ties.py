"""A group's dated ties as the analyses use them: the period its parent tie holds, and what its allies and
rivals did beside it — each tie cited with its layer, dataset id and date.

The ties come from :func:`spillover.actors.relations.relations` (the curated registry, UCDP, MMP, BAAD1), so
no group is special-cased here: a rivalry that begins (JNIM and ISGS from 2020, the Islamic State and
al-Qaeda from 2014) changes the answer for dates after it and not before.

* :func:`parent_window` — the period over which a group is compared with its parent: from the first dated
  affiliation, pledge or membership to the parent, to the last one's end, cut at the first rivalry with the
  parent and at the "as of" date.
* :func:`tie_context` — the alliances and rivalries in force "as of" a date, and for each: the share of the
  group's events (during the tie) in first-level units where the other group is active, and the events
  whose actor fields name both groups, on the same side (joint) or on opposite sides (fighting each other).
  The other group's activity is read from the datasets' actor labels (:mod:`spillover.selection.labels`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spillover.actors.dates import parse_fuzzy, to_date
from spillover.analysis._common import ids
from spillover.results import Result

PARENT_KINDS: tuple[str, ...] = ("affiliation", "pledge", "component")
#: Directions of a relations row in which the group is the one tied to the other (a branch to its parent).
OUTWARD: frozenset[str] = frozenset({"out", "as written"})
#: Attributions that name a group for sure (an "A and/or B" label names neither for sure).
SURE = frozenset({"certain", "joint"})


@dataclass
class Tie(Result):
    """One dated relation, as an analysis cites it."""

    other_id: str | None
    other: str
    kind: str  # alliance, rivalry, affiliation, pledge, component …
    type: str  # the registry's term (allied_with, rival_of …)
    start: str | None
    end: str | None
    layer: str  # curated, ucdp, mmp, baad1
    dataset_id: str | None
    sources: str
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "ref": self.ref, "citation": self.citation}

    def holds_on(self, day: dt.date | None) -> bool:
        """Begun by ``day`` and not ended before it (``day`` None: not ended)."""
        if day is None:
            return not self.end
        begun = not self.start or to_date(self.start) <= day
        return begun and not (self.end and parse_fuzzy(self.end).last < day)

    @property
    def words(self) -> str:
        """The relation in words ("allied with", "rival of")."""
        return self.type.replace("_", " ")

    @property
    def ref(self) -> str:
        """Short: "mmp:1757 allied with 2012-04" or "curated rival of 2020"."""
        return f"{self.dataset_id or self.layer} {self.words} {self.start or 'undated'}"

    @property
    def citation(self) -> str:
        """ "mmp:1757 (mmp): allied with from 2012-04; <works>": the relation, where it is recorded, its dates."""
        where = f"{self.dataset_id} ({self.layer})" if self.dataset_id else self.layer
        span = f" from {self.start}" if self.start else " (undated)"
        span += f" to {self.end}" if self.end else ""
        return f"{where}: {self.words}{span}" + (f"; {self.sources}" if self.sources else "")


def tie_of(row: dict[str, Any]) -> Tie:
    return Tie(
        row["other_id"], row["other_name"], row["kind"], row["type"], row["start"], row["end"], row["layer"],
        row["dataset_id"], row["sources"] or "", row["description"],
    )  # fmt: skip


def _first(text: str | None) -> dt.date | None:
    return to_date(text) if text else None


def _last(text: str | None) -> dt.date | None:
    return parse_fuzzy(text).last if text else None


def relation_rows(group_id: str, as_of: dt.date | None, kinds: Iterable[str]) -> list[dict[str, Any]]:
    from spillover.actors.relations import relations

    return list(relations(group_id, as_of=as_of, types=tuple(kinds)).rows)


@dataclass
class ParentWindow(Result):
    """The period over which the group is compared with its parent, and the ties that set it."""

    parent_id: str
    start: dt.date | None  # None: the earliest tie is undated (or no tie is recorded)
    end: dt.date | None  # None: open
    ties: list[Tie]  # the affiliations, pledges and memberships to the parent
    rivalry: Tie | None  # the first rivalry with the parent begun by the "as of" date
    as_of: dt.date | None
    note: str

    def holds(self, dates: pd.Series) -> pd.Series:
        """Which ``dates`` fall inside the window."""
        d = pd.to_datetime(dates)
        inside = pd.Series(True, index=dates.index)
        if self.start is not None:
            inside &= d >= pd.Timestamp(self.start)
        if self.end is not None:
            inside &= d <= pd.Timestamp(self.end)
        return inside

    @property
    def empty(self) -> bool:
        return self.start is not None and self.end is not None and self.end < self.start


def parent_window(group_id: str, parent_id: str, as_of: dt.date | None) -> ParentWindow:
    """From the first tie of the group to the parent to the last one's end, cut the day before a rivalry
    with the parent begins and at ``as_of`` (see the module docstring)."""
    rows = relation_rows(group_id, None, PARENT_KINDS)
    ties = [tie_of(r) for r in rows if r["other_id"] == parent_id and r["direction"] in OUTWARD]
    rivalries = [
        tie_of(r) for r in relation_rows(group_id, as_of, ("rivalry",)) if r["other_id"] == parent_id
    ]  # fmt: skip
    rivalry = min(rivalries, key=lambda t: _first(t.start) or dt.date.min) if rivalries else None
    starts = [_first(t.start) for t in ties]
    start = None if not ties or None in starts else min(s for s in starts if s is not None)
    ends = [_last(t.end) for t in ties]
    end = None if not ties or None in ends else max(e for e in ends if e is not None)
    cuts = [d for d in (end, as_of) if d is not None]
    if rivalry is not None and rivalry.start:
        cuts.append(_first(rivalry.start) - dt.timedelta(days=1))
    end = min(cuts) if cuts else None
    if not ties:
        note = (
            "no dated affiliation, pledge or membership to the parent is recorded: compared over every date"
        )
    else:
        note = (
            f"compared with the parent over {start or 'the start of the data'} to {end or 'the end of the data'}, "
            f"while the tie holds ({'; '.join(t.ref for t in ties)})"
        )
    if rivalry is not None:
        note += f", cut when the rivalry began ({rivalry.ref})"
    return ParentWindow(parent_id, start, end, ties, rivalry, as_of, note)


@dataclass
class TieActivity(Result):
    """What the group and one ally (or rival) did during their tie, from the datasets' actor labels."""

    other_id: str
    other: str
    kind: str  # alliance or rivalry
    ties: list[Tie]  # every layer's record of the tie
    start: dt.date | None
    end: dt.date | None  # the tie's end, or the "as of" date
    n_group: int  # group events during the tie with a known first-level unit
    n_other: int  # the other group's events during the tie (any dataset naming it)
    colocated_share: float | None  # share of n_group in units where the other group is active then
    shared_areas: list[str]
    n_same_side: int  # events naming both for sure on one side (joint action)
    n_opposite: int  # events naming both for sure on opposite sides (fighting each other)
    joint: list[str] = field(default_factory=list)  # ids of the events on one side
    fighting: list[str] = field(default_factory=list)  # ids of the events on opposite sides
    evidence: list[str] = field(default_factory=list)  # ids of the co-located events

    @property
    def citations(self) -> list[str]:
        return [t.citation for t in self.ties]


@dataclass
class TiesContext(Result):
    """A group's alliances and rivalries in force "as of" a date, with what it did beside each."""

    group_id: str
    as_of: dt.date | None
    parent_window: ParentWindow | None
    allies: list[TieActivity]
    rivals: list[TieActivity]
    note: str = ""
    #: the group beside its parent over the parent window (events naming both, co-location)
    parent: TieActivity | None = None
    #: groups the family was ever a branch of (affiliation, pledge, membership), by id
    former_parents: list[str] = field(default_factory=list)

    def with_other(self, other_id: str | None) -> list[TieActivity]:
        """The ties (alliance or rivalry) with ``other_id``."""
        return [t for t in (*self.allies, *self.rivals) if t.other_id == other_id]


def _area(events: pd.DataFrame) -> pd.Series:
    """ "ISO3/admin1" (a first-level unit's name is unique only within its country)."""
    if "admin1" not in events or events.empty:
        return pd.Series(dtype=object, index=events.index)
    known = events["admin1"].notna() & events["country_iso3"].notna()
    return (events["country_iso3"].astype(str) + "/" + events["admin1"].astype(str)).where(known)


def _during(dates: pd.Series, start: dt.date | None, end: dt.date | None) -> pd.Series:
    d = pd.to_datetime(dates)
    mask = pd.Series(True, index=dates.index)
    if start is not None:
        mask &= d >= pd.Timestamp(start)
    if end is not None:
        mask &= d <= pd.Timestamp(end)
    return mask


def tie_activity(
    ties: list[Tie],
    group_events: pd.DataFrame,
    labels: pd.DataFrame,
    other_events: pd.DataFrame,
    *,
    family: set[str],
    as_of: dt.date | None,
    min_other_events: int = 1,
) -> TieActivity:
    """Co-location and events naming both, over the tie's span (every layer's record of it, cut at ``as_of``).
    ``labels``: :func:`~spillover.selection.labels.event_labels` of ``group_events``; ``other_events``: the
    other group's :func:`~spillover.selection.labels.labelled_activity`."""
    first = ties[0]
    starts = [_first(t.start) for t in ties]
    start = None if None in starts else min(s for s in starts if s is not None)
    ends = [_last(t.end) for t in ties]
    end = None if None in ends else max(e for e in ends if e is not None)
    end = min(d for d in (end, as_of) if d is not None) if (end or as_of) else None
    mine = group_events[_during(group_events["date_start"], start, end)]
    theirs = other_events[_during(other_events["date_start"], start, end)]
    per_area = _area(theirs).value_counts()
    active = set(per_area[per_area >= min_other_events].index)
    area = _area(mine).dropna()
    inside = area.isin(active)
    # events naming both for sure: the group's side(s) and the other's side in each
    sure = labels[labels["certainty"].isin(SURE) & labels["event_id"].isin(set(mine["event_id"]))]
    own = sure[sure["group_id"].isin(family)].groupby("event_id")["side"].agg(set)
    other = sure[sure["group_id"] == first.other_id].groupby("event_id")["side"].agg(set)
    both = own.index.intersection(other.index)
    same = [e for e in both if own[e] & other[e]]
    opposite = [e for e in both if not own[e] & other[e]]
    colocated = mine.loc[inside[inside].index]
    return TieActivity(
        other_id=str(first.other_id), other=first.other, kind=first.kind, ties=ties, start=start, end=end,
        n_group=len(area), n_other=int(theirs["event_id"].nunique()),
        colocated_share=float(inside.mean()) if len(area) else None,
        shared_areas=sorted(set(area[inside])), n_same_side=len(same), n_opposite=len(opposite),
        joint=sorted(same), fighting=sorted(opposite), evidence=ids(colocated),
    )  # fmt: skip


def tie_context(
    sel: Any, parent_id: str | None, as_of: dt.date | None, *, min_other_events: int = 1
) -> TiesContext:
    """The alliances and rivalries of ``sel``'s group in force on ``as_of`` (None: every tie not ended),
    each with its activity beside the group, and the parent window when there is a parent."""
    from spillover.selection.labels import event_labels, labelled_activity

    window = parent_window(sel.group_id, parent_id, as_of) if parent_id else None
    rows = relation_rows(sel.group_id, as_of, ("alliance", "rivalry"))
    if as_of is None:
        rows = [r for r in rows if not r["end"]]
    by_other: dict[tuple[str, str], list[Tie]] = {}
    for r in rows:
        if r["other_id"] and r["other_id"] not in sel.family.ids:
            by_other.setdefault((r["kind"], r["other_id"]), []).append(tie_of(r))
    events = up_to(sel.events, as_of)
    labels = event_labels(events, sel.source)
    activity = labelled_activity(sel.source, {other for _, other in by_other})
    out: dict[str, list[TieActivity]] = {"alliance": [], "rivalry": []}
    for (kind, other), ties in sorted(by_other.items()):
        ties.sort(key=lambda t: _first(t.start) or dt.date.min)
        out[kind].append(tie_activity(
            ties, events, labels, activity[activity["group_id"] == other], family=set(sel.family.ids),
            as_of=as_of, min_other_events=min_other_events,
        ))  # fmt: skip
    note = "" if sel.source is not None and len(labels) else "the events' actor labels are not available here"
    beside_parent = None
    if window is not None and window.ties:
        beside_parent = tie_activity(
            window.ties, events[window.holds(events["date_start"])], labels,
            labelled_activity(sel.source, {parent_id}), family=set(sel.family.ids), as_of=window.end,
            min_other_events=min_other_events,
        )  # fmt: skip
    former = sorted(
        # directed relations only: a dataset's undirected "affiliates" (MMP) does not say which is the branch
        {r["other_id"] for r in relation_rows(sel.group_id, None, PARENT_KINDS) if r["direction"] == "out"}
        - {None, *sel.family.ids}
    )
    return TiesContext(
        sel.group_id, as_of, window, out["alliance"], out["rivalry"], note, beside_parent, former
    )


def describe_ties(context: TiesContext, top: int = 3) -> str:
    """One sentence: the rivalry with the parent if any, then the rivals and allies the data show most of
    (events naming both first), the others counted."""
    parts = []
    w = context.parent_window
    if w is not None and w.rivalry is not None:
        parts.append(f"a rival of its parent since {w.rivalry.start} ({w.rivalry.ref})")
    for label, items in (("rivals", context.rivals), ("allies", context.allies)):
        seen = sorted(
            (t for t in items if t.n_other or t.n_opposite or t.n_same_side),
            key=lambda t: (-(t.n_opposite + t.n_same_side), -t.n_other, t.other),
        )
        shown = [
            f"{t.other} since {t.ties[0].start or 'an undated time'} ({t.ties[0].ref}: {t.n_opposite} events "
            f"fighting each other, {t.n_same_side} on one side"
            + (f", {t.colocated_share:.0%} of its {t.n_group} events where it is active" if t.colocated_share is not None else "")
            + ")"
            for t in seen[:top]
        ]  # fmt: skip
        rest = len(items) - len(shown)
        if shown or rest:
            more = f"{'; ' if shown else ''}{rest} more{' with no events in the data' if len(seen) <= top else ''}"
            parts.append(
                f"{label} as of {context.as_of or 'the end of the data'}: "
                + "; ".join(shown)
                + (more if rest else "")
            )
    return ". ".join(parts)


def up_to(events: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """The events that began by ``as_of`` (all of them when it is None)."""
    if as_of is None or events.empty:
        return events
    return events[pd.to_datetime(events["date_start"]) <= pd.Timestamp(as_of)]
