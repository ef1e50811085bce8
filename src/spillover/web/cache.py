"""The web layer's memo and section envelope: results are computed once per store content and kept.

Why a bounded, thread-safe memo: FastAPI runs every (sync) endpoint in a thread pool, several requests may
ask for one group's analysis at once, and each analysis should run once; a failed analysis becomes an
"error" section (the rest of the page still shows) and is not kept, so the next request tries again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

OK = "ok"
INSUFFICIENT = "insufficient data"
NOT_AVAILABLE = "not available"
FAILED = "error"
MISSING = object()


@dataclass
class Section:
    """One analysis on a page: its status, a sentence saying what it found (or why not), and its data
    (the analysis result's ``to_dict()``, plus names for display)."""

    status: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK


def guarded(what: str, compute: Callable[[], Section]) -> Section:
    """Run one analysis; a failure becomes an "error" section so that the rest of the page still shows."""
    try:
        return compute()
    except Exception as exc:  # noqa: BLE001 - one failing analysis must not take the page down
        log.exception("%s failed", what)
        return Section(FAILED, f"{what} failed: {type(exc).__name__}: {exc}")


class LRUCache:
    """A bounded, thread-safe memo: each key is computed once even when many threads ask at the same time."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)

    def peek(self, key: Hashable) -> Any:
        """The cached value, or :data:`MISSING` (never computes)."""
        with self._lock:
            return self._values.get(key, MISSING)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
                self._key_locks.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value
