"""A group's selection on a query-layer engine (DuckDB over the store or over Parquet, or Apache Spark).

:func:`select_on` attributes the group's events exactly as :func:`spillover.selection.select` does on the
store (same names, same certainty rule), the engine doing the heavy reads (the distinct actor names of
every source, the family's actor rows and events); only the family's rows come back to pandas.  The
engine path has the ``all`` view only: the cross-source fusion runs on the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from spillover.actors import Resolver, default_resolver, family
from spillover.actors.lineage import Family
from spillover.selection.group import (
    CERTAINTIES,
    GroupSelection,
    best_attributions,
    family_names,
    normalise_flags,
    resolve_group,
    tagged_in_order,
    within_period,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend


def family_name_table(names: pd.DataFrame, label: str) -> pd.DataFrame:
    """``group, source, name``: a selection's names as one query-layer group (a name counts only in the
    source it was resolved for)."""
    return names[["source", "name"]].drop_duplicates().assign(group=label)


def select_on(
    con: BaseBackend,
    group: str,
    *,
    include: tuple[str, ...],
    certainty: tuple[str, ...],
    since: str | None = None,
    until: str | None = None,
    resolver: Resolver | None = None,
) -> GroupSelection:
    """:func:`~spillover.selection.select` on an engine (view ``all``): the same names, attribution and
    certainty rule, the heavy reads done by the engine."""
    from spillover.query import actor_names

    resolver = resolver or default_resolver()
    # the names first: resolving them makes the groups of pattern rules (ethnic-militia-fulani-NGA)
    resolved = resolver.resolve_names(actor_names(con), name_col="name", source_col="source")
    gid = resolve_group(group, resolver)
    fam = family(gid, include=include, registry=resolver.registry)
    names = family_names(resolved, fam.ids)
    stored = _empty_events() if names.empty else _attributed(con, names, fam, resolver, set(CERTAINTIES))
    stored = within_period(stored, since, until)
    kept = stored[stored["certainty"].isin(certainty)].reset_index(drop=True)
    events = normalise_flags(tagged_in_order(kept, fam, resolver))
    return GroupSelection(
        group_id=gid, name=resolver.registry.group(gid).name, family=fam, events=events, names=names,
        include=include, certainty=certainty, since=since, until=until, n_left_out=len(stored) - len(kept),
        source=con,
    )  # fmt: skip


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


__all__ = ["family_name_table", "select_on"]
