"""Assess every group of the registry that has events in a store, and list the ones that fail.

    python scripts/every_group.py STORE [--min-events 1] [--sample N] [--out DIR] [--group ID ...]

The test suite checks rules on the groups a casebook documents; this sweep checks that no group makes an
analysis fail.  Each group is assessed through the Python API (HTML and JSON, no PDF) as ``spillover assess``
would; a failure is printed with the group, its events and the last frames of the traceback, and the script
exits 1 when any group failed (also when a figure could not be drawn).  The first sweep, on every shared event
file (2,653 groups), found two crashes that hit 10 groups (``ucdp-580``, ``national-warriors``…).  It takes
about a second a group on one core once the selections are kept (``SPILLOVER_CACHE``).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import traceback
import warnings
from collections import Counter
from pathlib import Path


def groups_with_events(store: object, min_events: int) -> Counter[str]:
    """The registry's groups with at least ``min_events`` stored events, counted from the store's names."""
    from spillover.actors import default_registry
    from spillover.actors.resolver import default_resolver
    from spillover.selection.group import resolved_store_names

    resolved = resolved_store_names(store, default_resolver())
    counts: Counter[str] = Counter()
    for ids, events in zip(resolved["group_ids"], resolved["events"], strict=True):
        for gid in ids if ids is not None else ():
            counts[gid] += int(events)
    registry = default_registry()
    return Counter({g: n for g, n in counts.items() if n >= min_events and g in registry})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--min-events", type=int, default=1)
    parser.add_argument("--sample", type=int, default=None, help="assess this many groups, drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--group", action="append", default=None, help="only this group (repeatable)")
    parser.add_argument(
        "--out", type=Path, default=None, help="where the reports go (default: a temp folder)"
    )
    args = parser.parse_args(argv)

    from rich.progress import track

    from spillover.report.assess import assess
    from spillover.store import Store

    warnings.simplefilter("ignore")  # every group's own warnings (missing sources, sparse data) are expected
    failed: dict[str, str] = {}
    with Store(args.store, read_only=True) as store, tempfile.TemporaryDirectory() as tmp:
        counts = groups_with_events(store, args.min_events)
        groups = sorted(counts if args.group is None else set(args.group))
        if args.sample is not None:
            groups = sorted(random.Random(args.seed).sample(groups, min(args.sample, len(groups))))
        out = args.out or Path(tmp)
        for gid in track(groups, description=f"assessing {len(groups)} groups"):
            try:
                done = assess(store, gid, out_dir=out, formats=("html",), show_progress=False)
            except Exception as exc:  # noqa: BLE001 - every failure is listed, none stops the sweep
                failed[gid] = "".join(traceback.format_exception(exc)[-3:]).strip()
                print(
                    f"FAILED {gid} ({counts.get(gid, 0)} events): {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )
                continue
            if done.figure_failures:
                failed[gid] = f"figures not drawn: {done.figure_failures}"
                print(f"FAILED {gid}: figures not drawn: {done.figure_failures}", file=sys.stderr)
    for gid, trace in failed.items():
        print(f"\n== {gid} ({counts.get(gid, 0)} events)\n{trace}")
    print(f"\n{len(groups)} groups assessed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
