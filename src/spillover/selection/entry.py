"""``select``: the one selection every surface asks for, from a store (:mod:`~spillover.selection.group`)
or from a query engine (:mod:`~spillover.selection.engine`, the ``all`` view only).

Apart from both, so that neither imports the other: the engine path reuses the store path's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from spillover.actors import Resolver
from spillover.period import period_bounds
from spillover.selection.defaults import DEFAULT_CERTAINTY, DEFAULT_INCLUDE, DEFAULT_VIEW, VIEW_ALL
from spillover.selection.group import GroupSelection, UnknownView, select_each
from spillover.store import Store


def select(
    source: Any,
    group: str,
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    view: str = DEFAULT_VIEW,
    since: str | None = None,
    until: str | None = None,
    certainty: Iterable[str] = DEFAULT_CERTAINTY,
    resolver: Resolver | None = None,
    links: pd.DataFrame | None = None,
) -> GroupSelection:
    """The events of ``group`` — and of the family members named in ``include`` (predecessors,
    successors, affiliates, splinters, components) — from every source of ``source``, in ``view``.

    This is the one selection every surface uses (CLI, report, web app, Python API, engine path), with the
    same defaults: the group and its predecessors, the fused view (each real event once), events a source
    only suspects the group of left out and counted.  ``source`` is a :class:`~spillover.store.Store` or a
    query-layer engine (:func:`spillover.query.open_engine`; the engine path has the ``all`` view only).
    ``view``: ``"fused"``, ``"all"`` (every stored row) or a source name; :class:`UnknownView` otherwise.
    ``since``/``until`` keep events overlapping the period (a year, month or day each, read by
    :func:`~spillover.period.period_bounds`: ``until="2012"`` keeps all of 2012).  ``links``: cross-source links to fuse with
    (default: matched now among the selected events).

    >>> from spillover.selection import select
    >>> g = select(store, "AQIM")                                    # doctest: +SKIP
    >>> g.view, len(g.events) > 0                                    # doctest: +SKIP
    ('fused', True)
    """
    include, certainty = tuple(include), tuple(certainty)
    if not isinstance(source, Store):
        from spillover.selection.engine import select_on

        if view != VIEW_ALL:
            raise UnknownView(
                f"view {view!r} is not available on a query engine (its rows are not fused): use view 'all'"
            )
        since, until = period_bounds(since, until)
        return select_on(source, group, include=include, certainty=certainty, since=since, until=until)
    return select_each(
        source, [group], include=include, view=view, since=since, until=until, certainty=certainty,
        resolver=resolver, links=links,
    )[group]  # fmt: skip
