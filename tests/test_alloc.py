"""The collector pause used while the registry, the store's names and a selection are built."""

from __future__ import annotations

import gc

import pytest

from spillover import _alloc


def test_collector_paused_resumes_after_the_block_and_after_an_error() -> None:
    assert gc.isenabled()
    with _alloc.collector_paused():
        assert not gc.isenabled()
        with _alloc.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the outer one's pause alone
    assert gc.isenabled()
    with pytest.raises(ValueError), _alloc.collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_freeze_once_freezes_a_single_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_alloc, "_FROZEN_ONCE", False)
    gc.unfreeze()
    try:
        kept = [{"n": i} for i in range(1000)]
        with _alloc.collector_paused(freeze_once=True):
            pass
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        more = [{"n": i} for i in range(1000)]
        with _alloc.collector_paused(freeze_once=True):
            pass
        # Never twice in one process: a second freeze would add `more` (1,001 objects); the count may only
        # fall, as frozen objects that die leave the permanent generation.
        assert gc.get_freeze_count() <= frozen
        assert len(more) == 1000
    finally:
        gc.unfreeze()
