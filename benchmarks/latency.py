"""How long the command line takes: wall and CPU seconds of each command beside the start-up floor.

Each command runs in a fresh process (``python -m spillover.cli …``), timed from the parent: wall time with
``time.perf_counter`` and CPU time (user + system of the child) from ``resource.getrusage(RUSAGE_CHILDREN)``
before and after.  The floor, ``python -c "import typer, rich"``, is measured in the same run, and every
command is printed as figures and as a ratio to it.  The store holds every event file of the shared data
folder (as the tests' ``loaded_store``), built once into ``benchmarks/_work/latency.duckdb``.

    python benchmarks/latency.py                 # best of 3 runs of each command
    python benchmarks/latency.py --repeat 5 --json -

Targets (issue "Speed"): ``--help`` ≤ 3× the floor; ``profile``, ``expansion``, ``tactics`` ≤ 2 CPU s on AQIM;
``assess --no-pdf`` ≤ 4 CPU s.  CPU seconds are the figure to read on a shared machine (the load average is
printed): wall time grows with the other processes, CPU time much less.
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

from _common import data_dir, work_dir  # noqa: E402

FLOOR = ("floor: import typer, rich", [sys.executable, "-c", "import typer, rich"])
#: (label, command-line arguments after ``spillover``, target in CPU seconds or None)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("--help", ["--help"], None),
    ("profile AQIM", ["profile", "AQIM"], 2.0),
    ("expansion AQIM", ["expansion", "AQIM"], 2.0),
    ("tactics AQIM", ["tactics", "AQIM"], 2.0),
    ("assess AQIM --no-pdf", ["assess", "AQIM", "--no-pdf"], 4.0),
]
HELP_RATIO_TARGET = 3.0


def build_store(path: Path) -> Path:
    """A store with every event file of the catalogue, from the shared data folder (built once)."""
    if path.is_file():
        return path
    from spillover.sources.catalogue import catalogue
    from spillover.store import Store

    events = [d for d in catalogue().values() if d.kind == "events"]
    folder = data_dir()
    partial = path.with_suffix(".building.duckdb")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        for ds in events:
            opts = ds.load_options
            store.ingest(
                folder / ds.file,
                allow_extra=bool(opts.get("allow_extra", False)),
                provided=dict(opts.get("provided", {})),
            )
    os.replace(partial, path)
    raw = partial.parent / (partial.name + ".raw")
    if raw.exists():
        raw.rename(path.parent / (path.name + ".raw"))
    return path


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of one run of ``argv`` in a child process, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    return wall, cpu, done.returncode


def best_of(argv: list[str], repeat: int, env: dict[str, str], cwd: Path) -> dict[str, float]:
    runs = [timed(argv, env, cwd) for _ in range(repeat)]
    codes = {code for _, _, code in runs}
    return {"wall_s": min(w for w, _, _ in runs), "cpu_s": min(c for _, c, _ in runs), "exit": max(codes)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the best is kept)")
    parser.add_argument("--store", type=Path, help="an existing store to use instead of building one")
    parser.add_argument("--only", nargs="*", help="labels of the commands to run (default: all)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON ('-': stdout only)")
    parser.add_argument(
        "--src", type=Path, default=REPO / "src",
        help="the source tree to time (e.g. an older commit's, from git archive, for a before/after)",
    )  # fmt: skip
    args = parser.parse_args()

    store = args.store or build_store(work_dir() / "latency.duckdb")
    with tempfile.TemporaryDirectory(prefix="spillover-latency-") as tmp:
        cwd = Path(tmp)
        env = {
            **os.environ, "PYTHONPATH": str(args.src.resolve()), "SPILLOVER_STORE": str(store),
            "SPILLOVER_DATA_DIR": str(data_dir()), "SPILLOVER_CONFIG": str(cwd / "spillover.toml"),
            "SPILLOVER_CACHE": str(cwd / "cache"),
        }  # fmt: skip
        (cwd / "spillover.toml").write_text("", encoding="utf-8")
        load = os.getloadavg()[0]
        floor = best_of(FLOOR[1], args.repeat, env, cwd)
        rows = [{"command": FLOOR[0], **floor, "target_cpu_s": None}]
        for label, argv, target in COMMANDS:
            if args.only and label not in args.only:
                continue
            figures = best_of([sys.executable, "-m", "spillover.cli", *argv, "--out", str(cwd / "out")]
                              if argv[0] == "assess" else [sys.executable, "-m", "spillover.cli", *argv],
                              args.repeat, env, cwd)  # fmt: skip
            rows.append({"command": f"spillover {label}", **figures, "target_cpu_s": target})
    for row in rows:
        row["wall_ratio"] = row["wall_s"] / floor["wall_s"]
        row["cpu_ratio"] = row["cpu_s"] / floor["cpu_s"] if floor["cpu_s"] else None

    result = {"load_average_1min": load, "cores": os.cpu_count(), "repeat": args.repeat, "rows": rows}
    if args.json:
        text = json.dumps(result, indent=2)
        if args.json == "-":
            print(text)
            return 0
        Path(args.json).write_text(text, encoding="utf-8")
    print(f"load average {load:.2f} on {os.cpu_count()} cores; best of {args.repeat} runs; store {store}")
    print(f"source tree {args.src}")
    print(f"{'command':<34}{'wall s':>9}{'CPU s':>9}{'× floor (wall)':>16}{'× floor (CPU)':>15}  target")
    for row in rows:
        if row["command"] == "spillover --help":
            target = f"≤ {HELP_RATIO_TARGET:g}× floor"
        else:
            target = f"≤ {row['target_cpu_s']:g} CPU s" if row["target_cpu_s"] else ""
        cpu_ratio = f"{row['cpu_ratio']:.1f}" if row["cpu_ratio"] is not None else "—"
        failed = "" if row["exit"] == 0 else f"  (exit {row['exit']:g})"
        print(
            f"{row['command']:<34}{row['wall_s']:>9.2f}{row['cpu_s']:>9.2f}{row['wall_ratio']:>16.1f}"
            f"{cpu_ratio:>15}  {target}{failed}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
