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

_FROZEN_ONCE = False


@contextmanager
def collector_paused(*, freeze_once: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested blocks are fine: the outer one resumes it).

    ``freeze_once``: for what lives as long as the process (the default registry), the objects alive at the
    end of the block move to the collector's permanent generation (:func:`gc.freeze`), so that no later
    collection walks them again (otherwise the first full collection after the block, ~0.3 s, walks every
    one of them).  Done once per process at most: whatever else is alive then (a little garbage included)
    is frozen with them, so a long-running process (the web app, a test session) never freezes twice."""
    global _FROZEN_ONCE
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_once and not _FROZEN_ONCE:
            _FROZEN_ONCE = True
            gc.freeze()
        if was_enabled:
            gc.enable()


def left_to_exit() -> None:
    """Spare the collection Python runs once more at exit: a process whose work is done (the command
    line, once its command returned) freezes what it leaves alive, so that the last collection walks none
    of it (after a first assessment, the exit took 0.6–0.7 CPU s over its results and frames, now ~0.1 s).  The cyclic garbage left is
    freed with the process; the ``atexit`` hooks (temporary folders, log handlers) run as before."""
    gc.freeze()
