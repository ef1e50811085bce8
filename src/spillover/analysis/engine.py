"""The analyses on a query-layer engine: DuckDB over the store or over Parquet, or Apache Spark.

The store path (:func:`spillover.analysis.selection.select_group`) reads the group's rows with SQL on the
embedded store.  Here the same selection runs on any engine of :mod:`spillover.query`: the engine does the
heavy part — the distinct actor names of every source, the family's actor rows and events, and the
aggregates (events per country, per month and tactic) — and only the family's rows and the small
aggregated tables come back to pandas, where the statistics run as before:

* :func:`select_group_on` — the group's events, attributed through the actor registry exactly as
  :func:`~spillover.analysis.selection.select_group` does (same names, same certainty rule), in the
  ``all`` view (every stored row: the cross-source fusion of the store path is not run on an engine);
* :func:`expansion_on` — :func:`~spillover.analysis.expansion.measure_expansion` with its per-country
  table aggregated by the engine (:func:`spillover.query.country_activity`);
* :func:`tactic_profile_on` — :func:`~spillover.analysis.tactics.profile_from_tables` over the engine's
  monthly tactic counts and tactic totals (:func:`spillover.query.monthly_tactics`,
  :func:`spillover.query.tactic_totals`);
* :func:`profile_on` — :func:`spillover.query.profile` for a registry group (its family's names) or a
  raw-name substring.

Data flow stays one-directional: sources → store (or its Parquet export) → query layer → analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from spillover.actors import Resolver, default_registry, family
from spillover.actors.lineage import Family
from spillover.analysis.profile import Profile, UnknownGroup
from spillover.analysis.selection import (
    CERTAINTIES,
    GroupSelection,
    best_attributions,
    family_names,
    resolve_group,
    tagged_in_order,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from spillover.analysis.expansion import ExpansionResult
    from spillover.analysis.tactics import TacticProfile


def family_name_table(names: pd.DataFrame, label: str) -> pd.DataFrame:
    """``group, source, name``: a selection's names as one query-layer group (a name counts only in the
    source it was resolved for)."""
    return names[["source", "name"]].drop_duplicates().assign(group=label)


def select_group_on(
    con: BaseBackend,
    group: str,
    *,
    include: Iterable[str] = ("predecessors",),
    certainty: Iterable[str] = CERTAINTIES,
    resolver: Resolver | None = None,
) -> GroupSelection:
    """:func:`~spillover.analysis.selection.select_group` on an engine (view ``all``)."""
    from spillover.query import actor_names

    resolver = resolver or Resolver(default_registry())
    gid = resolve_group(group, resolver)
    fam = family(gid, include=tuple(include), registry=resolver.registry)
    names = family_names(actor_names(con), fam.ids, resolver)
    events = _empty_events() if names.empty else _attributed(con, names, fam, resolver, set(certainty))
    events = tagged_in_order(events, fam, resolver)
    return GroupSelection(
        group_id=gid,
        name=resolver.registry.group(gid).name,
        family=fam,
        events=events,
        names=names,
        include=tuple(include),
    )


def _attributed(
    con: BaseBackend, names: pd.DataFrame, fam: Family, resolver: Resolver, certainty: set[str]
) -> pd.DataFrame:
    """The family's events with ``group_id, certainty, via`` (the best attribution of each event)."""
    from spillover.query import actor_rows, events_for

    table = family_name_table(names, "family")
    best = best_attributions(actor_rows(con, table).drop(columns="group"), resolver, fam, certainty)
    events = events_for(con, table).drop(columns="group")
    return events.merge(best, on="event_id", how="inner")


def _empty_events() -> pd.DataFrame:
    from spillover.schema import EVENT_COLUMN_NAMES

    cols = (*EVENT_COLUMN_NAMES, "group_id", "certainty", "via")
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def _one_group(sel: GroupSelection) -> pd.DataFrame:
    """The selection's names as one group, restricted to the events the selection kept (all certainties:
    every event naming a family member; otherwise the aggregates would count events it left out)."""
    return family_name_table(sel.names, sel.group_id)


def expansion_on(con: BaseBackend, sel: GroupSelection, **options: object) -> ExpansionResult:
    """:func:`~spillover.analysis.expansion.measure_expansion` of a selection made on ``con``, its
    per-country table aggregated by the engine."""
    from spillover.analysis.expansion import measure_expansion
    from spillover.query import country_activity

    activity = country_activity(con, _one_group(sel)).drop(columns="group")
    return measure_expansion(sel.events, group=sel.name, activity=activity, **options)  # type: ignore[arg-type]


def tactic_profile_on(con: BaseBackend, sel: GroupSelection) -> TacticProfile:
    """The selection's tactic profile from the engine's monthly tactic counts and tactic totals."""
    from spillover.analysis.tactics import profile_from_tables
    from spillover.query import monthly_tactics, tactic_totals

    groups = _one_group(sel)
    return profile_from_tables(monthly_tactics(con, groups), tactic_totals(con, groups))


def profile_on(
    con: BaseBackend, group: str, *, include: tuple[str, ...] = (), raw_names: bool = False
) -> Profile:
    """:func:`spillover.analysis.profile.profile` on an engine: a group the registry knows is profiled
    through its (and ``include``'s) names; any other text, or ``raw_names``, matches raw actor names."""
    from spillover.query import actor_names
    from spillover.query import profile as engine_profile

    if not raw_names:
        resolver = Resolver(default_registry())
        try:
            gid = resolve_group(group, resolver)
        except UnknownGroup:
            pass
        else:
            fam = family(gid, include=include, registry=resolver.registry)
            names = family_names(actor_names(con), fam.ids, resolver)
            label = resolver.registry.group(gid).name
            if names.empty:
                raise UnknownGroup(f"{label}: none of its names is in the data")
            return engine_profile(con, names[["source", "name"]], label=label)
    return engine_profile(con, group)


__all__ = ["expansion_on", "family_name_table", "profile_on", "select_group_on", "tactic_profile_on"]
