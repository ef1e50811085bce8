"""Does an ingest change build the same store?  Loads the same files with this tree and with an older one
(``--before SRC``, e.g. a ``git archive`` of main's ``src``), each in a fresh process, and compares every
table and every raw Parquet file row for row (as multisets: ``EXCEPT ALL`` both ways).

Two kinds of store are built by each tree:

* ``real``: every event file of the catalogue in the shared data folder, loaded one after the other into
  one store (as the tests load them: so events already known, versions and re-ingests are covered too),
  then each file loaded a second time (nothing may change);
* one store per file given on the command line (e.g. the benchmark's generated files).

Usage::

    /work/main/.venv/bin/python benchmarks/same_store.py --before /tmp/main/src [FILE ...]
    /work/main/.venv/bin/python benchmarks/same_store.py --before /tmp/main/src --no-real benchmarks/_work/ged_*.csv

Prints one line per table and store (rows, and the rows only one side has) and exits 1 on any difference.
Only ``files.ingested_at`` (the clock) is left out of the comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, data_dir  # noqa: E402

#: Tables compared, with the columns left out (set by the clock, not by the data).
TABLES: dict[str, tuple[str, ...]] = {
    "files": ("ingested_at",),
    "events": (),
    "event_actors": (),
    "raw_rows": (),
    "quarantine": (),
    "skipped_rows": (),
    "event_stamps": (),
    "event_versions": ("valid_from", "valid_to"),
    "event_actor_versions": (),
    "deleted_events": ("recorded_at",),
}


def real_files() -> list[tuple[str, dict]]:
    """Every event file of the catalogue, with the options it is loaded with."""
    sys.path.insert(0, str(REPO / "tests"))
    from realdata import event_datasets, load_kwargs

    folder = data_dir()
    return [(str(folder / d.file), load_kwargs(d)) for d in event_datasets() if (folder / d.file).is_file()]


def worker(store: Path, plan: list[tuple[str, dict]]) -> None:
    """Load the files of ``plan`` in order into ``store`` (this process's tree), then each again."""
    from spillover.store import Store

    with Store(store) as s:
        for path, kwargs in plan + plan:
            s.ingest(path, **kwargs)


def build(src: Path, store: Path, plan: list[tuple[str, dict]]) -> None:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--worker", str(store), "--plan", json.dumps(plan)]
    subprocess.run(cmd, env=env, check=True)


def compare(a: Path, b: Path) -> list[str]:
    """The differences between two stores (and their raw Parquet files), as lines."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    lines, problems = [], []
    for table, skip in TABLES.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE a.{table}").fetchall() if r[0] not in skip]
        sel = ", ".join(f'"{c}"' for c in cols)
        n_a = con.execute(f"SELECT count(*) FROM a.{table}").fetchone()[0]  # type: ignore[index]
        n_b = con.execute(f"SELECT count(*) FROM b.{table}").fetchone()[0]  # type: ignore[index]
        only_a = con.execute(
            f"SELECT count(*) FROM (SELECT {sel} FROM a.{table} EXCEPT ALL SELECT {sel} FROM b.{table})"
        ).fetchone()[0]  # type: ignore[index]
        only_b = con.execute(
            f"SELECT count(*) FROM (SELECT {sel} FROM b.{table} EXCEPT ALL SELECT {sel} FROM a.{table})"
        ).fetchone()[0]  # type: ignore[index]
        lines.append(f"  {table:22} {n_a:>10,} rows  only before {only_a:,}  only after {only_b:,}")
        if only_a or only_b or n_a != n_b:
            problems.append(table)
    raw_a, raw_b = a.with_name(a.stem + ".raw"), b.with_name(b.stem + ".raw")
    names_a = sorted(p.name for p in raw_a.glob("*.parquet"))
    names_b = sorted(p.name for p in raw_b.glob("*.parquet"))
    if names_a != names_b:
        problems.append("raw files")
    for name in sorted(set(names_a) & set(names_b)):
        pa_, pb_ = (str(d / name) for d in (raw_a, raw_b))
        differ = con.execute(
            f"SELECT (SELECT count(*) FROM (FROM read_parquet('{pa_}') EXCEPT ALL FROM read_parquet('{pb_}'))) + "
            f"(SELECT count(*) FROM (FROM read_parquet('{pb_}') EXCEPT ALL FROM read_parquet('{pa_}')))"
        ).fetchone()[0]  # type: ignore[index]
        schema_a = con.execute(f"DESCRIBE FROM read_parquet('{pa_}')").fetchall()
        schema_b = con.execute(f"DESCRIBE FROM read_parquet('{pb_}')").fetchall()
        if differ or schema_a != schema_b:
            problems.append(f"raw {name[:12]}")
    lines.append(f"  raw Parquet files: {len(names_a)} before, {len(names_b)} after")
    return lines + ([f"  DIFFERENT: {', '.join(problems)}"] if problems else ["  identical"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", type=Path, help="files loaded each into a store of its own")
    p.add_argument("--before", type=Path, required="--worker" not in (argv or sys.argv), metavar="SRC")
    p.add_argument("--no-real", action="store_true", help="skip the store of the shared real files")
    p.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--plan", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker(args.worker, [tuple(x) for x in json.loads(args.plan)])
        return 0
    plans = [] if args.no_real else [("real", real_files())]
    plans += [(f.name, [(str(f.resolve()), {})]) for f in args.files]
    different = False
    with tempfile.TemporaryDirectory(prefix="same-store-") as tmp:
        for label, plan in plans:
            before, after = Path(tmp) / f"before-{label}.duckdb", Path(tmp) / f"after-{label}.duckdb"
            build(args.before, before, plan)
            build(REPO / "src", after, plan)
            lines = compare(before, after)
            print(f"{label} ({len(plan)} file{'s' if len(plan) > 1 else ''}):", *lines, sep="\n", flush=True)
            different |= "identical" not in lines[-1]
            for path in Path(tmp).iterdir():  # one pair of stores at a time on disk
                if path.is_dir():
                    for f in path.iterdir():
                        f.unlink()
                    path.rmdir()
                else:
                    path.unlink()
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
