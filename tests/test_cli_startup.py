"""A guard against gross start-up regressions of the command line: ``spillover --help`` against the floor
``python -c "import typer, rich"``, both measured in this run (a ratio, never an absolute time; the figures
and the 3× target are printed by ``benchmarks/latency.py``)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
RUNS = 5
#: Fails only on a gross regression (the target is 3×): e.g. pandas or the registry imported to parse arguments.
MAX_RATIO = 5.0
HEAVY = ("pandas", "duckdb", "scipy", "altair", "spillover.report", "spillover.web", "spillover.actors")


def _cpu_seconds(argv: list[str]) -> float:
    """User + system CPU seconds of the quickest of RUNS runs of ``argv`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    best = float("inf")
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def test_help_starts_within_five_times_the_floor() -> None:
    floor = _cpu_seconds([sys.executable, "-c", "import typer, rich"])
    help_ = _cpu_seconds([sys.executable, "-m", "spillover.cli", "--help"])
    assert help_ <= MAX_RATIO * max(floor, 0.01), f"--help {help_:.2f} CPU s, floor {floor:.2f} CPU s"


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, runpy; sys.argv = ['spillover', '--help']\n"
        "try:\n    runpy.run_module('spillover.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        f"print('heavy:', ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(SRC)}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "heavy:", done.stdout[-300:]


def test_the_web_app_starts_without_ibis_and_the_query_names_stay() -> None:
    """The web app reads its events table with DuckDB (:mod:`spillover.query.events_table`): importing it
    must not load Ibis through the query package (~0.4 s of the server's start-up); the package's names are
    still there, imported on first use, and ``normalise`` is the function, not its module."""
    code = (
        "import sys, spillover.web.app\n"
        "print('ibis' in sys.modules)\n"
        "import spillover.query.normalise, spillover.query as q\n"
        "from spillover.query import connect, normalise\n"
        "print(callable(normalise), q.normalise is normalise, connect.__module__, 'ibis' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(SRC)}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["False", "True", "True", "spillover.query.engines", "True"], done.stdout


def test_the_store_is_opened_without_the_parquet_writer() -> None:
    """Every command opens the store; only an ingest writes the raw rows' Parquet copy, so importing the store
    must not load ``pyarrow.parquet`` (with ``pyarrow.fs`` and ``ssl``: ~0.06 s of each command)."""
    code = "import sys, spillover.store, spillover.selection.group\nprint('pyarrow.parquet' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(SRC)}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["False"], done.stdout
