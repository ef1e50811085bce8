"""How far one machine goes: the query layer's expansion and tactic aggregations over 10M–100M events.

For each size, synthetic events (:mod:`spillover.synthetic`) are generated once into a git-ignored work
folder and reused; smaller sets are prefixes of the largest (same seed and chunk size), linked rather than
copied.  Each measurement runs in a fresh subprocess so that its peak memory (the process and its children,
e.g. Spark's JVM) is its own:

* **duckdb** — the query layer on DuckDB reading the Parquet parts in place (``memory_limit``, ``threads``).
  The synthetic parts are declared co-partitioned (:data:`spillover.query.engines.PARTS_MARKER`), so each
  batch of ~5M events is joined and aggregated alone and the partial results combined: memory stays at one
  batch and time grows linearly; ``--whole`` adds **duckdb-whole**, the same queries over all the data at
  once, for comparison;
* **pandas** — the same aggregations written with pandas on the same Parquet (only where pandas can hold
  the data: otherwise reported as "not attempted" with the memory it would need, extrapolated from the
  largest size it ran);
* **spark** — the query layer on local Spark (``local[N]``, UI off), on the smallest size only.

Workloads (per size): ``expansion`` = :func:`~spillover.query.country_first_last` of every actor name,
``tactics`` = :func:`~spillover.query.monthly_tactics` of every actor name, and the same two for one family
filter (``*_family``: names containing 'of Mali' or 'of Iraq'), the analyst's usual question.

Usage::

    python benchmarks/scale.py --quick                 # 1M events, smoke test
    python benchmarks/scale.py --sizes 10M,50M,100M    # the full run (generates ~3.5 GB per 100M events)
    python benchmarks/scale.py --max-size 4M --engines duckdb   # 1M, 2M, 4M: a quick growth fit

Printed: the time of each workload per size and engine, the growth exponent k of time with size (the slope
of log time against log events, over ≥ 3 sizes: 1 = linear), and PASS/MISS of the target (DuckDB at 100M
events: expansion and tactics each under 60 s within 8 GB).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "_work"
SEED = 0
CHUNK = 1_000_000
#: Parquet bytes per synthetic event (events + actors, zstd), measured: used to check disk space first.
BYTES_PER_EVENT = 36
FAMILY = {"Mali": ("of Mali",), "Iraq": ("of Iraq",)}
WORKLOADS = ("expansion", "tactics", "expansion_family", "tactics_family")


# --- sizes and data sets --------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """'10M' → 10_000_000, '500k' → 500_000, '2500000' → 2_500_000."""
    text = text.strip().upper().replace("_", "")
    factor = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1_000}k"


def dataset_dir(n: int) -> Path:
    return WORK / f"syn_{label(n)}"


def _complete(path: Path, n: int) -> bool:
    from spillover.synthetic import read_manifest

    meta = read_manifest(path)
    return meta is not None and meta.n_events == n and meta.seed == SEED and meta.chunk_size == CHUNK


def ensure_datasets(sizes: list[int]) -> dict[int, Path]:
    """Generate the largest size once (if missing) and link the smaller ones as prefixes of it."""
    from spillover.synthetic import generate

    largest = max(sizes)
    base = dataset_dir(largest)
    if not _complete(base, largest):
        need = largest * BYTES_PER_EVENT
        free = shutil.disk_usage(WORK.parent if not WORK.exists() else WORK).free
        if need > free * 0.9:
            sys.exit(
                f"not enough disk: {largest:,} events need ~{need / 1e9:.1f} GB, {free / 1e9:.1f} GB free"
            )
        print(f"generating {largest:,} synthetic events into {base} (once; reused afterwards)")
        t0 = time.perf_counter()
        generate(largest, base, seed=SEED, chunk_size=CHUNK, progress=True)
        print(f"generated in {time.perf_counter() - t0:.0f} s")
    out = {largest: base}
    for n in sizes:
        if n != largest:
            out[n] = link_prefix(base, n)
    return out


def link_prefix(base: Path, n: int) -> Path:
    """A set of the first ``n`` events of ``base``: symlinks to its first parts (``n`` a multiple of the chunk)."""
    if n % CHUNK:
        raise ValueError(f"sizes must be multiples of {CHUNK:,} to reuse the generated parts")
    from spillover.query.engines import PARTS_MARKER

    target = dataset_dir(n)
    if _complete(target, n):
        if (base / PARTS_MARKER).is_file():  # a prefix of co-partitioned parts is co-partitioned
            shutil.copy2(base / PARTS_MARKER, target / PARTS_MARKER)
        return target
    shutil.rmtree(target, ignore_errors=True)
    for table in ("events", "event_actors"):
        (target / table).mkdir(parents=True)
        for k in range(n // CHUNK):
            (target / table / f"part-{k:05d}.parquet").symlink_to(
                (base / table / f"part-{k:05d}.parquet").resolve()
            )
    meta = json.loads((base / "synthetic.json").read_text())
    meta.update(n_events=n, path=str(target), parts=n // CHUNK, n_actor_rows=None)
    (target / "synthetic.json").write_text(json.dumps(meta, indent=2))
    if (base / PARTS_MARKER).is_file():
        shutil.copy2(base / PARTS_MARKER, target / PARTS_MARKER)
    return target


# --- peak memory ----------------------------------------------------------------------------------


def own_high_water_mark() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


class PeakMemory:
    """Peak resident memory of this process and its children (Spark's JVM), sampled every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            with contextlib.suppress(Exception):  # a child may exit between listing and reading
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, own_high_water_mark())


# --- the workloads on each engine -----------------------------------------------------------------


def family_filters() -> dict[str, Any]:
    from spillover.query import GroupFilter

    return {name: GroupFilter.family(*patterns) for name, patterns in FAMILY.items()}


def query_layer_workloads(con: Any) -> dict[str, Callable[[], pd.DataFrame]]:
    from spillover.query import country_first_last, monthly_tactics

    fam = family_filters()
    return {
        "expansion": lambda: country_first_last(con),
        "tactics": lambda: monthly_tactics(con),
        "expansion_family": lambda: country_first_last(con, fam),
        "tactics_family": lambda: monthly_tactics(con, fam),
    }


def _pandas_memberships(actors: pd.DataFrame, family: bool, unique_names: bool) -> pd.DataFrame:
    if not family:  # de-duplicated unless the writer declared every (event, name) pair unique, as DuckDB does
        pairs = actors[["event_id", "name"]]
        return (pairs if unique_names else pairs.drop_duplicates()).rename(columns={"name": "group"})
    parts = []
    lowered = actors["name"].str.lower()
    for group, patterns in FAMILY.items():
        hit = pd.Series(False, index=actors.index)
        for pattern in patterns:
            hit |= lowered.str.contains(pattern.lower(), regex=False)
        parts.append(actors.loc[hit, ["event_id"]].assign(group=group))
    return pd.concat(parts).drop_duplicates()


def _pandas_activity(joined: pd.DataFrame, keys: list[str], first_last: bool) -> pd.DataFrame:
    """The query layer's metrics, in pandas, normalised like the query layer's results."""
    from ibis import schema

    from spillover.query.normalise import normalise

    spec: dict[str, tuple[str, str]] = {
        "events": ("event_id", "size"),
        "fatalities": ("fatalities", "sum"),
        "fatalities_known": ("fatalities", "count"),
    }
    types = {
        "group": "string",
        "country_iso3": "string",
        "month": "date",
        "tactic": "string",
        "events": "int64",
        "fatalities": "float64",
        "fatalities_known": "int64",
        "first_event": "date",
        "last_event": "date",
    }
    if first_last:
        spec |= {"first_event": ("date_start", "min"), "last_event": ("date_start", "max")}
    out = joined.groupby(keys, dropna=False, sort=False).agg(**spec).reset_index()
    return normalise(out, schema({c: types[c] for c in out.columns}), keys)


def pandas_workloads(data: Path) -> dict[str, Callable[[], pd.DataFrame]]:
    """The same aggregations in plain pandas (reading the needed columns of the same Parquet parts)."""
    from spillover.query.engines import parts_marker
    from spillover.schema import TACTICS

    unique_names = parts_marker(data).get("unique_names_per_event") is True
    cols = ["event_id", "date_start", "date_end", "country_iso3", "tactic", "suicide", "fatalities"]
    events = pd.read_parquet(data / "events", columns=cols)
    actors = pd.read_parquet(data / "event_actors", columns=["event_id", "name"])
    start, end = (
        pd.to_datetime(events["date_start"]),
        pd.to_datetime(events["date_end"].fillna(events["date_start"])),
    )
    same = (start.dt.year == end.dt.year) & (start.dt.month == end.dt.month)
    events["month"] = start.dt.to_period("M").dt.start_time.where(same)
    tactic = events["tactic"].where(events["tactic"].isin(list(TACTICS)), "unknown")
    events["tactic"] = tactic.mask(events["suicide"].fillna(False).astype(bool), "suicide_attack")

    def expansion(family: bool) -> pd.DataFrame:
        joined = _pandas_memberships(actors, family, unique_names).merge(events, on="event_id")
        return _pandas_activity(joined, ["group", "country_iso3"], True)

    def tactics(family: bool) -> pd.DataFrame:
        joined = _pandas_memberships(actors, family, unique_names).merge(events, on="event_id")
        return _pandas_activity(joined, ["group", "month", "tactic"], False)

    return {
        "expansion": lambda: expansion(False),
        "tactics": lambda: tactics(False),
        "expansion_family": lambda: expansion(True),
        "tactics_family": lambda: tactics(True),
    }


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(engine: str, data: Path, memory_limit: str, threads: int, check: bool) -> dict[str, Any]:
    """Run every workload on one engine in this process; times, peak memory and result sizes."""
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}  # this process's threads (Spark's JVM not included)
    rows: dict[str, int] = {}
    results: dict[str, pd.DataFrame] = {}
    session = None
    with PeakMemory() as peak:
        t_setup = time.perf_counter()
        if engine in ("duckdb", "duckdb-whole"):
            from spillover.query import connect

            spill = WORK / "duckdb_tmp"
            con = connect(
                data,
                memory_limit=memory_limit,
                threads=threads,
                temp_directory=str(spill),
                preserve_insertion_order=False,
                partitioned=engine == "duckdb",
            )
            workloads = query_layer_workloads(con)
        elif engine == "spark":
            from spillover.query import connect_spark, local_spark_session

            session = local_spark_session(threads, memory=os.environ.get("SPILLOVER_SPARK_MEMORY", "6g"))
            session.sparkContext.setLogLevel("ERROR")
            workloads = query_layer_workloads(connect_spark(session, data))
        elif engine == "pandas":
            workloads = pandas_workloads(data)
        else:
            raise ValueError(engine)
        setup = time.perf_counter() - t_setup
        for name, run in workloads.items():
            t0, c0 = time.perf_counter(), _cpu_seconds()
            out = run()
            times[name] = time.perf_counter() - t0
            cpu[name] = _cpu_seconds() - c0
            rows[name] = len(out)
            if check:
                results[name] = out
        if session is not None:
            session.stop()
    report = {
        "engine": engine,
        "setup_s": setup,
        "times_s": times,
        "cpu_s": cpu,
        "rows": rows,
        "peak_bytes": peak.peak,
    }
    if check:
        WORK.mkdir(exist_ok=True)
        for name, frame in results.items():
            frame.to_pickle(WORK / f"check_{engine}_{name}.pkl")
    return report


def run_isolated(engine: str, data: Path, args: argparse.Namespace, check: bool = False) -> dict[str, Any]:
    """:func:`measure` in a fresh Python process (its own peak memory), result as JSON."""
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        engine,
        "--data",
        str(data),
        "--memory-limit",
        args.memory_limit,
        "--threads",
        str(args.threads),
    ] + (["--check"] if check else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"engine": engine, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- comparing pandas with the query layer (sanity check at the smallest size) --------------------


def same_results(engine_a: str, engine_b: str) -> dict[str, bool]:
    """Do two engines give equal frames (both normalised by :func:`spillover.query.normalise`)?"""
    out = {}
    for name in WORKLOADS:
        a = pd.read_pickle(WORK / f"check_{engine_a}_{name}.pkl")
        b = pd.read_pickle(WORK / f"check_{engine_b}_{name}.pkl")
        try:
            pd.testing.assert_frame_equal(a, b.rename(columns={"primary_tactic": "tactic"}))
            out[name] = True
        except AssertionError as exc:
            print(f"{engine_a} vs {engine_b}, {name}: {str(exc)[:300]}")
            out[name] = False
    return out


# --- the report -----------------------------------------------------------------------------------


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


#: At 100M events, each of expansion and tactics under this many seconds …
TARGET_SECONDS = 60.0
#: … within this much memory (DuckDB engine, part by part).
TARGET_BYTES = 8e9
TARGET_EVENTS = 100_000_000


def growth_exponents(results: list[dict[str, Any]], key: str = "times_s") -> dict[str, dict[str, float]]:
    """Per engine measured at >= 3 sizes: the slope k of log(time) against log(events), per workload and
    for their total (time ∝ events^k: 1 is linear, above 1 worse than linear).  ``key``: ``times_s`` (wall)
    or ``cpu_s`` (CPU time of the measuring process, which a shared machine's load blurs less)."""
    import numpy as np

    out: dict[str, dict[str, float]] = {}
    for engine in dict.fromkeys(r["engine"] for r in results):
        runs = sorted((r for r in results if r["engine"] == engine and key in r), key=lambda r: r["size"])
        if len({r["size"] for r in runs}) < 3:
            continue
        sizes = np.log([r["size"] for r in runs])
        fits = {w: float(np.polyfit(sizes, np.log([r[key][w] for r in runs]), 1)[0]) for w in WORKLOADS}
        fits["total"] = float(np.polyfit(sizes, np.log([sum(r[key].values()) for r in runs]), 1)[0])
        out[engine] = fits
    return out


def target_verdicts(results: list[dict[str, Any]]) -> dict[str, str]:
    """PASS/MISS of the scale target (DuckDB at 100M events: expansion and tactics each under 60 s, peak
    memory under 8 GB); n/a when 100M events were not run."""
    run = next(
        (r for r in results if r["engine"] == "duckdb" and r["size"] == TARGET_EVENTS and "times_s" in r),
        None,
    )
    if run is None:
        return dict.fromkeys(("expansion", "tactics", "memory"), "n/a (100M events not run)")
    verdict = {w: "PASS" if run["times_s"][w] < TARGET_SECONDS else "MISS" for w in ("expansion", "tactics")}
    verdict["memory"] = "PASS" if run["peak_bytes"] < TARGET_BYTES else "MISS"
    return verdict


def sizes_up_to(largest: int) -> list[int]:
    """Three sizes for a growth fit, ending at ``largest``: a quarter, a half and all of it (multiples of
    the generator's part size)."""
    sizes = sorted({max(CHUNK, (largest * k // 4) // CHUNK * CHUNK) for k in (1, 2, 4)})
    if len(sizes) < 3:
        raise SystemExit(
            f"--max-size must be at least {4 * CHUNK // 1_000_000}M to fit a growth over 3 sizes"
        )
    return sizes


def print_report(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="spillover query layer at scale (time per workload, peak memory per engine and size)")
    for col in ("events", "engine", *WORKLOADS, "total", "peak memory", "vs duckdb"):
        table.add_column(col, justify="right" if col not in ("engine",) else "left")
    duck_total = {
        r["size"]: sum(r["times_s"].values()) for r in results if r["engine"] == "duckdb" and "times_s" in r
    }
    for r in results:
        size = f"{r['size']:,}"
        if "times_s" not in r:
            table.add_row(
                size, r["engine"], *[""] * len(WORKLOADS), "", "", r.get("note") or r.get("error", "")
            )
            continue
        total = sum(r["times_s"].values())
        ratio = (
            f"{total / duck_total[r['size']]:.1f}×"
            if r["size"] in duck_total and r["engine"] != "duckdb"
            else ""
        )
        table.add_row(
            size,
            r["engine"],
            *[f"{r['times_s'][w]:.1f} s" for w in WORKLOADS],
            f"{total:.1f} s",
            gb(r["peak_bytes"]),
            ratio,
        )
    console = Console(width=160)
    console.print(table)
    for key, what in (("times_s", "wall time"), ("cpu_s", "CPU time")):
        for engine, fits in growth_exponents(results, key).items():
            sizes = sorted({r["size"] for r in results if r["engine"] == engine and key in r})
            console.print(
                f"growth of {what} with size, {engine} ({', '.join(label(n) for n in sizes)} events; "
                "time ∝ events^k): " + ", ".join(f"{w} k = {k:.2f}" for w, k in fits.items())
            )
    verdicts = target_verdicts(results)
    console.print(
        f"target, duckdb at 100M events: expansion < {TARGET_SECONDS:g} s {verdicts['expansion']}, "
        f"tactics < {TARGET_SECONDS:g} s {verdicts['tactics']}, peak < {TARGET_BYTES / 1e9:g} GB {verdicts['memory']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10M,50M,100M", help="comma-separated sizes (10M, 500k, …)")
    parser.add_argument("--quick", action="store_true", help="1M events only (smoke test)")
    parser.add_argument(
        "--max-size",
        help="instead of --sizes: a quarter, a half and all of this size (e.g. 4M: 1M, 2M, 4M), for a quick growth fit",
    )
    parser.add_argument("--engines", default="duckdb,pandas,spark")
    parser.add_argument(
        "--whole", action="store_true", help="also run duckdb-whole (no part-by-part aggregation)"
    )
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads and Spark local[N]")
    parser.add_argument(
        "--pandas-max-gb",
        type=float,
        default=None,
        help="attempt pandas only when its extrapolated peak fits (default: 70%% of RAM)",
    )
    parser.add_argument("--json", type=Path, default=WORK / "results.json")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:  # child process: one engine, one data set
        print(json.dumps(measure(args.measure, args.data, args.memory_limit, args.threads, args.check)))
        return 0

    import psutil

    if args.max_size:
        sizes = sizes_up_to(parse_size(args.max_size))
    else:
        sizes = [1_000_000] if args.quick else sorted(parse_size(s) for s in args.sizes.split(","))
    engines = args.engines.split(",") + (["duckdb-whole"] if args.whole else [])
    pandas_cap = (args.pandas_max_gb * 1e9) if args.pandas_max_gb else psutil.virtual_memory().total * 0.7
    WORK.mkdir(parents=True, exist_ok=True)
    data = ensure_datasets(sizes)
    results: list[dict[str, Any]] = []
    pandas_bytes_per_event: float | None = None
    smallest = min(sizes)
    print(
        f"machine: {os.cpu_count()} cores, {gb(psutil.virtual_memory().total)} RAM, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for n in sizes:
        check = n == smallest
        for engine in engines:
            if engine == "spark" and n != smallest:
                continue
            if engine == "pandas" and pandas_bytes_per_event and pandas_bytes_per_event * n > pandas_cap:
                need = pandas_bytes_per_event * n
                results.append(
                    {"size": n, "engine": "pandas", "note": f"not attempted: would need ~{need / 1e9:.0f} GB"}
                )
                print(f"{label(n)} pandas: not attempted (would need ~{need / 1e9:.0f} GB)", flush=True)
                continue
            print(f"{label(n)} {engine} …", flush=True)
            r = run_isolated(
                engine, data[n], args, check=check and engine in ("duckdb", "duckdb-whole", "pandas", "spark")
            )
            r["size"] = n
            r["load_average"] = os.getloadavg()[0]
            results.append(r)
            print(f"  {json.dumps(r)}", flush=True)
            if engine == "pandas" and "peak_bytes" in r:
                pandas_bytes_per_event = r["peak_bytes"] / n
        if check:
            ran = [
                e
                for e in engines
                if any(r.get("engine") == e and r["size"] == n and "times_s" in r for r in results)
            ]
            for other in (e for e in ran if e != "duckdb"):
                print(f"same results as duckdb at {label(n)} — {other}: {same_results('duckdb', other)}")
    print_report(results)
    args.json.write_text(
        json.dumps(
            {
                "runs": results,
                "growth_exponents": growth_exponents(results),
                "growth_exponents_cpu": growth_exponents(results, "cpu_s"),
                "target": target_verdicts(results),
            },
            indent=2,
        )
    )
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
