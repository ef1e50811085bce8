"""Which events are a group's: one selection for every surface (CLI, report, web app, Python API, engine).

:func:`select` resolves the group through the actor registry, keeps the names of the store that stand for
a member of its family, attributes their events with a certainty and shows them in a *view* (``fused``:
each real event once, the default; ``all``: every stored row; or one source).  Every analysis takes the
resulting :class:`GroupSelection`, which states who is included, for which dates and in which view.

The defaults (:mod:`spillover.selection.defaults`) import nothing; the rest is imported on first use
(PEP 562), so that the command line can show the defaults in its help without loading pandas, the store
or the actor registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spillover._lazy import lazy_attributes
from spillover.selection.defaults import (
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_INCLUDE,
    DEFAULT_VIEW,
    VIEW_ALL,
    VIEW_FUSED,
)

if TYPE_CHECKING:
    from spillover.selection.entry import select
    from spillover.selection.group import (
        GroupSelection,
        UnknownGroup,
        UnknownView,
        check_view,
        resolve_group,
        store_sources,
        view_choices,
    )

_FROM_GROUP = frozenset(
    {
        "GroupSelection",
        "UnknownGroup",
        "UnknownView",
        "check_view",
        "resolve_group",
        "store_sources",
        "view_choices",
    }
)


__getattr__ = lazy_attributes(
    __name__,
    dict.fromkeys(_FROM_GROUP, "spillover.selection.group") | {"select": "spillover.selection.entry"},
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
