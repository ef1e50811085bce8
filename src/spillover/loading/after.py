"""What a load keeps once its files are in, so that the first command after it starts from them.

Three things, the first two computed with the registry the load builds anyway: the store's actor names
resolved, kept in the store (:mod:`spillover.selection.resolutions`: for every user of the store file); the
store's names counted and resolved, kept in the loading user's cache (:mod:`spillover.memo`: a pickle, so never
in the store, which may come from someone else); and what every analysis of a group reads from the data
folder, kept in the same cache: its relations datasets and its instability onsets.  Called by
:func:`spillover.loading.files.load_files` and by a complete API pull (:mod:`spillover.loading.pulls`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spillover.actors.relations import keep_dataset_relations
from spillover.actors.resolver import default_resolver
from spillover.memo import enabled
from spillover.selection.group import resolved_store_names
from spillover.selection.resolutions import keep_resolutions, resolver_key

if TYPE_CHECKING:
    from spillover.store import Store

log = logging.getLogger(__name__)


def keep_after_load(store: Store, file_ids: Iterable[str] | None = None) -> None:
    """The store's names resolved into its table (:func:`~spillover.selection.resolutions.keep_resolutions`)
    under the sources of the files just loaded (every source of the store when they are not given: after an
    API pull), then counted and resolved into the user's cache (:func:`keep_resolved_names`); and the data
    folder's relations datasets (:func:`~spillover.actors.relations.keep_dataset_relations`) and instability
    onsets (:func:`keep_onsets`) kept there.  A failure is logged, never raised: the load itself is done, and
    the first command computes what is not kept."""
    try:
        sources = None
        if file_ids is not None:
            found = store.con.execute(
                "SELECT DISTINCT source FROM events WHERE list_contains(?, file_id)", [list(file_ids)]
            ).fetchall()
            sources = [r[0] for r in found]
        keep_resolutions(store, sources=sources)
        keep_resolved_names(store)  # after the table: the names are resolved from it
    except Exception as exc:  # noqa: BLE001 - keeping the resolutions is never needed for correctness
        log.warning(
            "the store's actor names were not resolved after the load (%s): the first command will", exc
        )
    if enabled():
        keep_dataset_relations()  # not the store's: the data folder's, which the first autonomy reads
        keep_onsets()  # the data folder's too, which every analysis of a group reads


def keep_resolved_names(store: Store) -> None:
    """The store's names with their event counts and resolutions
    (:func:`~spillover.selection.group.resolved_store_names`), computed by the load and so kept in the
    loading user's cache (:mod:`spillover.memo`, keyed by the store's content), where that user's first
    command reads them instead of counting the store's names (0.1 CPU s for 200,000 events, 2.5 s for
    2,000,000).  Nothing when results are not kept (``SPILLOVER_NO_MEMO``, a registry not from files)."""
    resolver = default_resolver()
    if enabled() and resolver_key(resolver) is not None:
        resolved_store_names(store, resolver)


def keep_onsets() -> None:
    """The data folder's instability onsets (:func:`spillover.instability.load_onsets`, as the analyses call
    it), read into the user's cache, where the first analysis after the load finds them: reading them
    resolves every UCDP conflict's actors against the registry (0.2 CPU s).  They depend on the data folder's
    files and the registry, not on the store.  A failure (a data folder without the files: the analyses then
    say which are missing) is logged, never raised."""
    from spillover.instability import load_onsets

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing sources: the analysis that reads them says so
            load_onsets()
    except Exception as exc:  # noqa: BLE001 - keeping the onsets is never needed for correctness
        log.info("the instability onsets were not kept after the load (%s)", exc)
