"""Building large structures without the cyclic garbage collector running over them again and again.

Why: a first run builds the actor registry (tens of thousands of pydantic objects), resolves the store's
thousands of names and makes a selection; each allocates hundreds of thousands of objects that live on, and
CPython's collector, triggered every few hundred allocations, walks the growing young generations each time
(measured: ~0.3 s of a 1 s registry build).  These builds make little cyclic garbage, so the collector is
paused while they run and resumes after (it then collects whatever cycles they left, as usual).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested blocks are fine: the outer one resumes it).

    ``freeze``: for what lives as long as the process (the registry), the objects alive at the end move to
    the collector's permanent generation (:func:`gc.freeze`), so that no later collection walks them again
    (otherwise the first full collection after the block, ~0.3 s, walks every one of them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
