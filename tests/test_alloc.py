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


def test_the_command_line_exits_with_its_code_and_its_exit_hooks_run(tmp_path) -> None:  # noqa: ANN001
    """:func:`spillover.errors.main_guarded` freezes what the command left (``left_to_exit``) before it
    exits: the exit code is the command's, and what runs at exit still runs (an ``atexit`` hook, the removal
    of a temporary folder left open), nothing left waits for a collection."""
    import subprocess
    import sys
    from pathlib import Path

    marker, folder = tmp_path / "hook-ran", tmp_path / "left-open"
    script = f"""
import atexit, gc, sys, tempfile
from pathlib import Path
from spillover.errors import main_guarded

def app(args=None, prog_name=None, standalone_mode=False):
    left = tempfile.TemporaryDirectory(dir={str(tmp_path)!r})
    Path(left.name, "x").write_text("x")
    Path({str(folder)!r}).write_text(left.name)
    cycle = [left]
    cycle.append(cycle)  # only a collection would free it
    atexit.register(lambda: Path({str(marker)!r}).write_text(str(gc.get_freeze_count())))
    return 4

main_guarded(app)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 4, done.stderr
    assert int(marker.read_text()) > 0  # the objects alive were frozen before the hooks ran
    assert not Path(folder.read_text()).exists()  # the temporary folder was still removed at exit
