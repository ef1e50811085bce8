"""Loaders: one per dataset family, each mapping the dataset's official layouts into the event schema.

``LOADERS`` is the registry; :func:`spillover.sources.stage.stage_file` detects the source and layout of
a file and normalises it; :mod:`spillover.store` commits the result.  Files with a header row are told
apart by their header; GDELT exports have none and are recognised by their content (57, 58 or 61
tab-separated fields, a numeric id and a YYYYMMDD day), so no header-based file can be taken for GDELT.
"""

from __future__ import annotations

from spillover.sources.acled import ACLEDLoader
from spillover.sources.base import Loader
from spillover.sources.gdelt import GDELTLoader
from spillover.sources.ged import GEDLoader
from spillover.sources.gtd import GTDLoader
from spillover.sources.layouts import Layout, LayoutError
from spillover.sources.rand import RANDLoader

LOADERS: dict[str, Loader] = {
    loader.source: loader for loader in (GEDLoader(), GTDLoader(), ACLEDLoader(), RANDLoader(), GDELTLoader())
}

#: The layouts with one row per actor (ACLED's monadic exports): a file of one is never an edit of a file of
#: the others (:func:`spillover.versions.supersede_edited`).  Layout names are unique across loaders.
MONADIC_LAYOUTS: frozenset[str] = frozenset(
    layout.name for loader in LOADERS.values() for layout in loader.layouts if layout.monadic
)

__all__ = ["LOADERS", "MONADIC_LAYOUTS", "Layout", "LayoutError", "Loader"]
