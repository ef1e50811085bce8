"""spillover: evidence-backed assessments of armed groups from public conflict-event data.

    import spillover as sp
    store = sp.open_store()               # the store the command line uses
    g = sp.select(store, "AQIM")          # the group and its predecessors, each real event once
    sp.expansion(g).to_frame()            # countries entered, with dates and evidence
    sp.autonomy(g).to_dict()              # the same object the report's JSON and the web API carry

The functions are loaded on first use, so that ``import spillover`` (and the command line) stays fast.
"""

from __future__ import annotations

from typing import Any

from spillover._public import NAMES

__version__ = "0.1.0"
__all__ = list(NAMES)


def __getattr__(name: str) -> Any:
    if name in __all__:
        from spillover import api

        return getattr(api, name)
    raise AttributeError(f"module 'spillover' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
