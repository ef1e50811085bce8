"""The analyses on a query-layer engine: the heavy aggregates (events per country, per month and tactic)
are computed by the engine, and only small tables come back to pandas, where the statistics run as on the
store path.

* :func:`expansion_on` — :func:`~spillover.analysis.expansion.measure_expansion` with its per-country
  table aggregated by the engine (:func:`spillover.query.country_activity`);
* :func:`tactic_profile_on` — :func:`~spillover.analysis.tactics.profile_from_tables` over the engine's
  monthly tactic counts and tactic totals;
* :func:`profile_on` — :func:`spillover.analysis.engine_profile.profile` for a registry group (its family's names) or a
  raw-name substring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from spillover.actors import default_resolver, family
from spillover.analysis.profile import Profile
from spillover.selection import GroupSelection, UnknownGroup, resolve_group
from spillover.selection.engine import family_name_table
from spillover.selection.group import family_names

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from spillover.analysis.expansion import ExpansionResult
    from spillover.analysis.tactics import TacticProfile


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
    from spillover.analysis.engine_profile import profile as engine_profile
    from spillover.query import actor_names

    if not raw_names:
        resolver = default_resolver()
        # the names first: resolving them makes the groups of pattern rules (ethnic-militia-fulani-NGA)
        resolved = resolver.resolve_names(actor_names(con), name_col="name", source_col="source")
        try:
            gid = resolve_group(group, resolver)
        except UnknownGroup:
            pass
        else:
            fam = family(gid, include=include, registry=resolver.registry)
            names = family_names(resolved, fam.ids)
            label = resolver.registry.group(gid).name
            if names.empty:
                raise UnknownGroup(f"{label}: none of its names is in the data")
            return engine_profile(con, names[["source", "name"]], label=label)
    return engine_profile(con, group)


__all__ = ["expansion_on", "profile_on", "tactic_profile_on"]
