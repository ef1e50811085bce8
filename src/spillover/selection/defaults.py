"""The selection's defaults, in a module that imports nothing: the command line shows them in its help
without loading pandas, the store or the actor registry (see :mod:`spillover.selection.group` for what
they mean)."""

from __future__ import annotations

CERTAINTIES = ("certain", "joint", "uncertain")
#: Family members counted as the group's unless told otherwise (every surface: CLI, report, web, Python).
DEFAULT_INCLUDE: tuple[str, ...] = ("identity",)
#: Attributions counted unless told otherwise: events a source only *suspects* the group of are left out
#: (and counted, see ``GroupSelection.n_left_out``).
DEFAULT_CERTAINTY: tuple[str, ...] = ("certain", "joint")

#: Every source's rows as stored (possibly counting one real event several times).
VIEW_ALL = "all"
#: One row per real-world event (cross-source links collapsed).
VIEW_FUSED = "fused"
#: The view every surface uses unless told otherwise: each real event counted once.
DEFAULT_VIEW = VIEW_FUSED
