"""Which events are a group's: one selection for every surface (CLI, report, web app, Python API, engine).

:func:`select` resolves the group through the actor registry, keeps the names of the store that stand for
a member of its family, attributes their events with a certainty and shows them in a *view* (``fused``:
each real event once, the default; ``all``: every stored row; or one source).  Every analysis takes the
resulting :class:`GroupSelection`, which states who is included, for which dates and in which view.
"""

from __future__ import annotations

from spillover.selection.group import (
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_INCLUDE,
    DEFAULT_VIEW,
    VIEW_ALL,
    VIEW_FUSED,
    GroupSelection,
    UnknownGroup,
    UnknownView,
    check_view,
    resolve_group,
    select,
    store_sources,
    view_choices,
)

__all__ = [
    "CERTAINTIES",
    "DEFAULT_CERTAINTY",
    "DEFAULT_INCLUDE",
    "DEFAULT_VIEW",
    "VIEW_ALL",
    "VIEW_FUSED",
    "GroupSelection",
    "UnknownGroup",
    "UnknownView",
    "check_view",
    "resolve_group",
    "select",
    "store_sources",
    "view_choices",
]
