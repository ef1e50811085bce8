"""Which events belong to which group: actor-name filters resolved through ``event_actors``.

A group is never a column of ``events``: an event names its actors in ``event_actors`` (one row per name
and role), so "the events of AQIM" means "the events one of whose actor names is an AQIM name".  The
filters here turn a group specification into an Ibis table ``(event_id, group)`` — one row per event and
group, whatever the number of roles in which the group's names appear — that the aggregations join to
``events``.  The same expression runs on DuckDB and on Spark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd


@dataclass(frozen=True)
class GroupFilter:
    """The actor names that make an event one of a group's.

    ``names`` match exactly (e.g. every alias the actor registry knows); ``contains`` are
    case-insensitive substrings (a quick family filter: ``'Islamic Maghreb'``, ``'GSPC'``).  ``roles``
    and ``sources`` restrict where a name counts (empty: anywhere).
    """

    names: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.names and not self.contains:
            raise ValueError("a GroupFilter needs at least one exact name or one substring")

    @classmethod
    def family(cls, *patterns: str, roles: Sequence[str] = (), sources: Sequence[str] = ()) -> GroupFilter:
        """Every name containing any of ``patterns`` (case-insensitive)."""
        return cls(contains=tuple(patterns), roles=tuple(roles), sources=tuple(sources))

    @classmethod
    def exact(cls, *names: str, roles: Sequence[str] = (), sources: Sequence[str] = ()) -> GroupFilter:
        """Exactly these names (as written in the sources)."""
        return cls(names=tuple(names), roles=tuple(roles), sources=tuple(sources))


#: What the query functions accept as ``groups``:
#:
#: * ``None`` — every actor name is its own group (the group is the name);
#: * a :class:`GroupFilter` — one group, labelled ``'group'``;
#: * a mapping label → :class:`GroupFilter`, label → several filters (any of them), or label → exact name(s);
#: * a DataFrame with columns ``group, name`` (exact names, e.g. resolved by the actor registry), and
#:   optionally ``source``: a name then counts only in that source (names are resolved per dataset).
Groups: TypeAlias = (
    GroupFilter
    | Mapping[str, GroupFilter | tuple[GroupFilter, ...] | str | Sequence[str]]
    | pd.DataFrame
    | None
)
#: One group's filter: a name counts when it passes any of the filters.
Spec: TypeAlias = GroupFilter | tuple[GroupFilter, ...]

DEFAULT_LABEL = "group"


def as_group_filters(groups: Groups) -> dict[str, Spec] | None:
    """Normalise a group specification to ``label → GroupFilter`` (or a tuple of filters, any of which
    counts: a group table with a ``source`` column gives one filter per source); None: every name is a group."""
    if groups is None:
        return None
    if isinstance(groups, GroupFilter):
        return {DEFAULT_LABEL: groups}
    if isinstance(groups, pd.DataFrame):
        missing = {"group", "name"} - set(groups.columns)
        if missing:
            raise ValueError(
                f"a group table needs the columns 'group' and 'name' (missing: {sorted(missing)})"
            )
        table = groups.dropna(subset=["group", "name"])
        if table.empty:
            raise ValueError("the group table has no (group, name) row")
        if "source" not in table.columns:
            by_label = table.groupby("group")["name"]
            return {str(label): GroupFilter(names=tuple(sorted(set(names)))) for label, names in by_label}
        return {
            str(label): tuple(
                GroupFilter(names=tuple(sorted(set(part["name"]))), sources=(str(source),))
                for source, part in rows.groupby("source")
            )
            for label, rows in table.groupby("group")
        }
    out: dict[str, Spec] = {}
    for label, spec in groups.items():
        if isinstance(spec, GroupFilter) or (
            isinstance(spec, tuple) and spec and all(isinstance(f, GroupFilter) for f in spec)
        ):
            out[str(label)] = spec
        elif isinstance(spec, str):
            out[str(label)] = GroupFilter(names=(spec,))
        else:
            out[str(label)] = GroupFilter(names=tuple(spec))
    if not out:
        raise ValueError("no group given: pass None for every actor, or at least one group")
    return out


def _any(predicates: Iterable[ir.BooleanValue]) -> ir.BooleanValue:
    preds = list(predicates)
    return ibis.or_(*preds) if len(preds) > 1 else preds[0]


def name_predicate(actors: ir.Table, group: Spec) -> ir.BooleanValue:
    """Ibis condition on ``event_actors`` rows: the name (in an allowed role and source) is the group's."""
    if isinstance(group, tuple):
        return _any(name_predicate(actors, one) for one in group)
    tests: list[ir.BooleanValue] = []
    if group.names:
        tests.append(actors.name.isin(list(group.names)))
    lowered = actors.name.lower()
    tests += [lowered.contains(pattern.lower()) for pattern in group.contains]
    condition = _any(tests)
    if group.roles:
        condition &= actors.role.isin(list(group.roles))
    if group.sources:  # event ids are source-prefixed ('acled:…'), so no join is needed to filter a source
        condition &= _any(actors.event_id.startswith(f"{source}:") for source in group.sources)
    return condition


def memberships(actors: ir.Table, groups: Groups, *, distinct: bool = True) -> ir.Table:
    """``(event_id, group)``, once per event and group, from the ``event_actors`` table.

    ``distinct=False`` skips the de-duplication of "every name is a group" when the data guarantee that
    no event names the same actor twice (declared by the writer of the Parquet parts)."""
    filters = as_group_filters(groups)
    if filters is None:
        pairs = actors.select("event_id", group=actors.name)
        return pairs.distinct() if distinct else pairs
    parts = [
        actors.filter(name_predicate(actors, f)).select("event_id", group=ibis.literal(label, type="string"))
        for label, f in filters.items()
    ]
    return ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()


def matched_actor_rows(actors: ir.Table, groups: Groups) -> ir.Table:
    """``event_actors`` rows whose name is one of a group's, with the ``group`` label."""
    filters = as_group_filters(groups)
    if filters is None:
        return actors.mutate(group=actors.name)
    parts = [
        actors.filter(name_predicate(actors, f)).mutate(group=ibis.literal(label, type="string"))
        for label, f in filters.items()
    ]
    return ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0]
