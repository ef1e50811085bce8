"""How long the command line and the web app take: wall and CPU seconds of each beside the start-up floor.

Each command runs in a fresh process (``python -m spillover.cli …``), timed from the parent: wall time with
``time.perf_counter`` and CPU time (user + system of the child) from ``resource.getrusage(RUSAGE_CHILDREN)``
before and after.  The floor, ``python -c "import typer, rich"``, is measured in the same run, and every
command is printed as figures and as a ratio to it, with its target and PASS or MISS.  The store holds every
event file of the shared data folder (as the tests' ``loaded_store``), built once into
``benchmarks/_work/latency.duckdb``.  The timed source tree is byte-compiled first (:func:`byte_compiled`), as an
installed package is.

Results kept between runs (:mod:`spillover.memo`, in ``SPILLOVER_CACHE``) are part of what is measured, so
every command is run three times over, each in a cache folder of its own:

* **first run**: the first run of the command after a load, in the environment of the user who loaded:
  its cache holds what ``spillover data add`` leaves there (:func:`loaded`: the load's last step,
  :func:`spillover.loading.after.keep_after_load`, run in the command's environment by the source
  tree timed: the registry, and the store's names counted and resolved) and nothing else: the selection,
  the links and the measures are computed;
* **empty cache**: the first run with an empty cache folder (another user of the store, or the first
  command after an upgrade of the package: the registry is built and the store's names are counted; their
  resolutions are read from the store, where the load kept them);
* **again**: the best of ``--repeat`` further runs in the first run's cache (the steady state: the store has
  not changed).  The targets are read on this column; the first run's figure is printed beside it.

The web app's row is its first full group page in a fresh server process (``create_app`` in the child, no
warm-up thread): ``GET /groups/aqim``, then every section fragment and chart the page loads; the figures
are the wall and CPU time of the child from the first request to the last response (the server's start-up
is printed apart).

    python benchmarks/latency.py                 # first run + best of 3 further runs of each command
    python benchmarks/latency.py --repeat 5 --json -
    python benchmarks/latency.py --src /tmp/old/src   # another source tree (git archive), for a before/after

Targets (issue 17, "Speed"): ``--help`` ≤ 3× the floor; ``profile``, ``expansion``, ``tactics`` ≤ 2 CPU s on
AQIM; ``assess --no-pdf`` ≤ 4 CPU s, ``assess`` with the PDF ≤ 8 CPU s; ``check`` of the reference article ≤ 3
CPU s; the web app's first full group page ≤ 1 s.  CPU seconds are the figure to read on a shared machine
(the load average is printed): wall time grows with the other processes, CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO / "src"))

from _common import build_store, data_dir, work_dir  # noqa: E402

FLOOR = ("floor: import typer, rich", [sys.executable, "-c", "import typer, rich"])
REFERENCE = REPO.parent / "shared" / "reference" / "aqim-assessment.txt"
HELP_RATIO_TARGET = 3.0

#: The web app's first full group page, run in the child: prints its own figures as JSON on stdout.
WEB_PAGE = """
import json, sys, time
from fastapi.testclient import TestClient
start = time.perf_counter()
from spillover.web.app import create_app
client = TestClient(create_app(sys.argv[1], report_dir=sys.argv[2]), base_url="http://127.0.0.1")
up = time.perf_counter() - start
paths = ["/groups/aqim"]
paths += [f"/groups/aqim/sections/{n}" for n in ("expansion", "onsets", "opportunism", "autonomy", "theatres")]
paths += [f"/api/groups/aqim/charts/{c}" for c in ("timeline", "tactics", "map")]
wall, cpu = time.perf_counter(), time.process_time()
for path in paths:
    client.get(path).raise_for_status()
print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "startup_s": up}))
"""


def commands(out: Path, store: Path) -> list[tuple[str, list[str], str, float]]:
    """(label, argv, unit of the target: "cpu" or "wall", target) of every measured command."""
    cli = [sys.executable, "-m", "spillover.cli"]
    return [
        ("spillover --help", [*cli, "--help"], "ratio", HELP_RATIO_TARGET),
        ("spillover profile AQIM", [*cli, "profile", "AQIM"], "cpu", 2.0),
        ("spillover expansion AQIM", [*cli, "expansion", "AQIM"], "cpu", 2.0),
        ("spillover tactics AQIM", [*cli, "tactics", "AQIM"], "cpu", 2.0),
        ("spillover assess AQIM --no-pdf", [*cli, "assess", "AQIM", "--no-pdf", "--out", str(out)], "cpu", 4.0),
        ("spillover assess AQIM (with PDF)", [*cli, "assess", "AQIM", "--out", str(out)], "cpu", 8.0),
        ("spillover check (reference article)",
         [*cli, "check", str(REFERENCE), "--group", "AQIM", "--no-fail"], "cpu", 3.0),
        ("web: first full group page", [sys.executable, "-c", WEB_PAGE, str(store), str(out / "web")], "wall", 1.0),
    ]  # fmt: skip


KEEP = """
import sys
try:
    from spillover.loading.after import keep_after_load
except ImportError:  # a tree from before round 8 (--src): the step lived there
    from spillover.selection.resolutions import keep_after_load
from spillover.store import Store
with Store(sys.argv[1]) as store:
    keep_after_load(store)
"""


def loaded(path: Path, env: dict[str, str], cwd: Path) -> None:
    """What a load (``spillover data add``) leaves, once its files are in: the store's actor names resolved
    and kept in the store, and what the load computed kept in the cache of ``env`` (the registry, the
    store's names: :func:`spillover.loading.after.keep_after_load`).  Run in a child with the
    commands' environment and source tree (same data folder, configuration and so the same registry and
    keys); its time is the load's, not a command's.  A tree without that step leaves the cache empty."""
    done = subprocess.run(
        [sys.executable, "-c", KEEP, str(path)], env=env, cwd=cwd, capture_output=True, text=True
    )
    if done.returncode or "not resolved" in done.stderr:  # e.g. the store is open elsewhere
        print(f"note: the load's last step failed ({done.stderr.strip().splitlines()[-1:]})")


def holding_events(path: Path) -> Path:
    """``path``, once it is known to hold events: timed on an empty store, every command answers "no
    events" at once and each figure would read as a PASS."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        (events,) = con.execute("SELECT count(*) FROM events").fetchone()
    if not events:
        raise SystemExit(
            f"{path}: the store holds no events; remove it to have it built from the shared data"
        )
    print(f"store {path}: {events:,} events")
    return path


def byte_compiled(src: Path) -> Path:
    """The timed source tree with every module's bytecode written beside it, as an installed package has it
    (pip compiles it at install).  Why: with ``PYTHONDONTWRITEBYTECODE`` set (as in the project's shared
    environment) no run writes it, and every child compiled the package's modules again: ~0.5 CPU s of a
    first ``assess`` that no installed copy pays.  A tree that cannot be written is timed as it is."""
    import compileall

    compileall.compile_dir(str(src), quiet=2)
    return src


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Wall and CPU seconds of one run of ``argv`` in a child process, and its exit code; a child that
    prints its own figures as JSON (the web page) is read instead."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    figures = {
        "wall_s": wall,
        "cpu_s": cpu,
        "process_wall_s": wall,
        "process_cpu_s": cpu,
        "exit": done.returncode,
    }
    if argv[1:2] == ["-c"] and argv[2] == WEB_PAGE and done.returncode == 0:
        figures.update(json.loads(done.stdout.decode().strip().splitlines()[-1]))
    return figures


def best_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "wall_s": min(r["wall_s"] for r in runs), "cpu_s": min(r["cpu_s"] for r in runs),
        "exit": max(r["exit"] for r in runs), **({"startup_s": min(r["startup_s"] for r in runs)}
                                                 if "startup_s" in runs[0] else {}),
    }  # fmt: skip


def verdict(row: dict, floor: dict, part: str = "again") -> str:
    """PASS or MISS of the row's target, read on the runs after the first (or on ``part``)."""
    figures = row[part]
    if row["unit"] == "ratio":
        value = figures["cpu_s"] / floor["cpu_s"] if floor["cpu_s"] else float("inf")
    else:
        value = figures["cpu_s" if row["unit"] == "cpu" else "wall_s"]
    return "PASS" if figures["exit"] == 0 and value <= row["target"] else "MISS"


def target_text(row: dict) -> str:
    if row["unit"] == "ratio":
        return f"≤ {row['target']:g}× floor (CPU)"
    return f"≤ {row['target']:g} {'CPU' if row['unit'] == 'cpu' else 'wall'} s"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs after the first (the best is kept)")
    parser.add_argument(
        "--store", type=Path, help="the store to time on (built there from the shared data when missing)"
    )
    parser.add_argument("--only", nargs="*", help="words of the labels of the commands to run (default: all)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON ('-': stdout only)")
    parser.add_argument(
        "--src", type=Path, default=REPO / "src",
        help="the source tree to time (e.g. an older commit's, from git archive, for a before/after)",
    )  # fmt: skip
    args = parser.parse_args()

    store = holding_events(build_store(args.store or work_dir() / "latency.duckdb")).resolve()
    byte_compiled(args.src.resolve())
    with tempfile.TemporaryDirectory(prefix="spillover-latency-") as tmp:
        cwd = Path(tmp)
        env = {
            **os.environ, "PYTHONPATH": str(args.src.resolve()), "SPILLOVER_STORE": str(store),
            "SPILLOVER_DATA_DIR": str(data_dir()), "SPILLOVER_CONFIG": str(cwd / "spillover.toml"),
        }  # fmt: skip
        (cwd / "spillover.toml").write_text("", encoding="utf-8")
        loaded(store, {**env, "SPILLOVER_CACHE": str(cwd / "cache-load")}, cwd)  # the store as loaded
        load = os.getloadavg()[0]
        floor = best_of([timed(FLOOR[1], env, cwd) for _ in range(max(args.repeat, 1))])
        rows = []
        for label, argv, unit, target in commands(cwd / "out", store):
            if args.only and not any(word in label for word in args.only):
                continue
            empty = timed(argv, {**env, "SPILLOVER_CACHE": str(cwd / f"empty-{len(rows)}")}, cwd)
            own = {**env, "SPILLOVER_CACHE": str(cwd / f"cache-{len(rows)}")}
            loaded(store, own, cwd)  # the cache as the load left it
            first = timed(argv, own, cwd)
            again = best_of([timed(argv, own, cwd) for _ in range(args.repeat)])
            rows.append(
                {
                    "command": label,
                    "unit": unit,
                    "target": target,
                    "first": first,
                    "empty": empty,
                    "again": again,
                }
            )
        load_after = os.getloadavg()[0]
    for row in rows:
        row["verdict"], row["first_verdict"] = verdict(row, floor), verdict(row, floor, "first")
        for part in ("first", "empty", "again"):
            row[part]["cpu_ratio"] = row[part]["cpu_s"] / floor["cpu_s"] if floor["cpu_s"] else None

    result = {
        "load_average_1min": [load, load_after], "cores": os.cpu_count(), "repeat": args.repeat,
        "source_tree": str(args.src), "store": str(store), "floor": floor, "rows": rows,
    }  # fmt: skip
    if args.json:
        text = json.dumps(result, indent=2, default=float)
        if args.json == "-":
            print(text)
            return 0
        Path(args.json).write_text(text, encoding="utf-8")
    print(
        f"load average {load:.2f} → {load_after:.2f} on {os.cpu_count()} cores; first run after the load, first "
        f"run with an empty cache, best of {args.repeat} further runs; store {store}; source tree {args.src}"
    )
    heads = f"{'first: wall':>12}{'CPU':>7}{'empty cache: wall':>19}{'CPU':>7}{'again: wall':>13}{'CPU':>7}"
    print(f"{'command':<38}{heads}{'× floor':>9}  target (again; first)")
    print(f"{FLOOR[0]:<38}{'':>38}{floor['wall_s']:>13.2f}{floor['cpu_s']:>7.2f}{1:>9.1f}")
    for row in rows:
        f, e, a = row["first"], row["empty"], row["again"]
        ratio = f"{a['cpu_ratio']:.1f}" if a["cpu_ratio"] is not None else "—"
        code = max(r["exit"] for r in (f, e, a))
        failed = f"  (exit {code:g})" if code else ""
        extra = f"  (server start-up {a['startup_s']:.1f} s)" if "startup_s" in a else ""
        print(
            f"{row['command']:<38}{f['wall_s']:>12.2f}{f['cpu_s']:>7.2f}{e['wall_s']:>19.2f}{e['cpu_s']:>7.2f}"
            f"{a['wall_s']:>13.2f}{a['cpu_s']:>7.2f}{ratio:>9}  {target_text(row)} {row['verdict']}; "
            f"{row['first_verdict']}{failed}{extra}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
