"""Shared helpers for the benchmarks: where the data is, building full-size inputs, machine facts."""

from __future__ import annotations

import os
import platform
import resource
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
#: Bump when the way inputs are built changes, so cached files are rebuilt.
BUILD_VERSION = 1


def data_dir() -> Path:
    """The shared real-data folder: ``$SPILLOVER_DATA_DIR``, else ``<repo>/../shared/data``."""
    env = os.environ.get("SPILLOVER_DATA_DIR")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    if not (path / "MANIFEST.md").is_file():
        raise SystemExit(
            f"{path}: no shared data here (no MANIFEST.md). Set SPILLOVER_DATA_DIR to the folder "
            "that holds the UCDP/GTD/ACLED sample files."
        )
    return path


def work_dir(override: str | None = None) -> Path:
    """Where generated inputs are cached (``benchmarks/_work``, git-ignored)."""
    path = Path(override) if override else BENCH_DIR / "_work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    On Linux this is ``VmHWM`` from ``/proc/self/status``, not ``ru_maxrss``: the kernel carries a
    process's ``ru_maxrss`` over fork + exec, so a fresh child of a driver holding 800 MB reports
    ≥ 800 MB however little it uses (checked on this machine: ru_maxrss 810 MB, VmHWM 9 MB).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _memory_total_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, object]:
    import duckdb

    try:
        import spillover

        spillover_version = getattr(spillover, "__version__", "?")
    except ImportError:  # pragma: no cover - the benchmark needs it anyway
        spillover_version = "not installed"
    mem = _memory_total_gb()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(mem, 1) if mem else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "numpy": np.__version__,
        "spillover": spillover_version,
    }


def read_pool(paths: Sequence[Path]) -> pd.DataFrame:
    """The real rows of several files of one layout, every value as text (as written)."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    columns = list(frames[0].columns)
    for p, f in zip(paths, frames, strict=True):
        if list(f.columns) != columns:
            raise SystemExit(f"{p}: columns differ from {paths[0].name}; cannot pool them")
    return pd.concat(frames, ignore_index=True)


def build_resampled(
    target: Path,
    sources: Sequence[Path],
    rows: int,
    seed: int,
    assign_ids: Callable[[pd.DataFrame, np.ndarray], None],
) -> Path:
    """Write ``rows`` rows drawn with replacement from the real rows of ``sources`` as a plain CSV.

    ``assign_ids(frame, counter)`` rewrites the id column(s) in place (``counter`` is 1 … rows), so every
    event is distinct.  Written under a temporary name and renamed, so a half-written file is never reused.
    """
    if target.is_file():
        return target
    pool = read_pool(sources)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(pool), size=rows)
    frame = pool.iloc[picks].reset_index(drop=True)
    assign_ids(frame, np.arange(1, rows + 1))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    tmp = target.with_suffix(".csv.tmp")
    pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    os.replace(tmp, target)
    return target


def warm_cache(path: Path) -> None:
    """Read a file once so that both contenders find it in the page cache."""
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def dir_size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1024**2
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024**2


def build_store(target: Path) -> Path:
    """Every event file of the catalogue in one store (as the tests' ``loaded_store``), built once."""
    if target.is_file():
        return target
    from spillover.sources.catalogue import catalogue
    from spillover.store import Store

    folder = data_dir()
    partial = target.with_suffix(".partial.duckdb")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        for ds in catalogue().values():
            if ds.kind != "events":
                continue
            opts = ds.load_options
            print(f"loading {ds.file} …", file=sys.stderr)
            store.ingest(
                folder / ds.file,
                allow_extra=bool(opts.get("allow_extra", False)),
                provided=dict(opts.get("provided", {})),
            )
    partial.rename(target)
    partial.with_name(partial.stem + ".raw").rename(target.with_name(target.stem + ".raw"))
    return target
