"""How fast ``spillover check`` judges a written assessment, and how its time grows with the text.

Usage::

    /work/main/.venv/bin/python benchmarks/check.py                 # reference article and ~1.2 MB of it
    /work/main/.venv/bin/python benchmarks/check.py --size-mb 0.3   # a smaller long text
    /work/main/.venv/bin/python benchmarks/check.py --store S.duckdb --json -

Without ``--store`` a store of every event file of the shared data folder is built (once) in
``benchmarks/_work/web_store.duckdb`` (the same store as ``web_load.py``).

Measured, in one run on the same store:

* **baseline**: reading the text and splitting it into sentences (:func:`spillover.claims.text.sentences`):
  the least any checker must do, and linear in the text by construction;
* **check**: :func:`spillover.claims.check_claims` on the reference article
  (``../shared/reference/aqim-assessment.txt``, 12 KB) and on that article repeated to ``--size-mb``;
* the number of store queries of each check (a counting wrapper around ``Store.query``).

Printed: claims and verdict counts, wall and CPU time of each (CPU time, of every thread of the process, is
the figure to trust on a shared machine), the per-KB CPU time of both texts (equal when the check is linear in
the text; lower for the long text when fixed costs, such as selecting the group's events, dominate the
article) and the ratio of the check's time to the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import build_store, data_dir, machine_info, work_dir  # noqa: E402


def _api() -> tuple[Callable[..., Any], Callable[[str], list[str]]]:
    """``check_claims`` and ``sentences`` (the package, or the module they lived in before it)."""
    try:
        from spillover.claims import check_claims
        from spillover.claims.text import sentences
    except ImportError:  # the code before the claims package, for a before/after run
        from spillover.report.claims import check_claims, sentences
    return check_claims, sentences


def _verdicts(result: Any) -> list[Any]:
    return list(getattr(result, "verdicts", result))


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, the wall time and the CPU time of this process (all threads: DuckDB's too)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - start, time.process_time() - cpu


def measure(path: Path, text: str, store: Any, group: str) -> dict[str, Any]:
    """Baseline and check on one text, with the store queries counted."""
    check_claims, sentences = _api()
    path.write_text(text, encoding="utf-8")
    parts, base, base_cpu = timed(lambda: sentences(path.read_text(encoding="utf-8")))
    calls = 0
    original = store.query

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    store.query = counting
    try:
        result, took, took_cpu = timed(lambda: check_claims(text, store, group))
    finally:
        store.query = original
    verdicts = _verdicts(result)
    kb = len(text.encode("utf-8")) / 1024
    return {
        "kb": round(kb, 1),
        "sentences": len(parts),
        "baseline_s": round(base, 4),
        "baseline_cpu_s": round(base_cpu, 4),
        "check_s": round(took, 3),
        "check_cpu_s": round(took_cpu, 3),
        "check_ms_per_kb": round(1000 * took / kb, 2),
        "check_cpu_ms_per_kb": round(1000 * took_cpu / kb, 2),
        "ratio_to_baseline": round(took / base, 1) if base else None,
        "cpu_ratio_to_baseline": round(took_cpu / base_cpu, 1) if base_cpu else None,
        "store_queries": calls,
        "claims": len(verdicts),
        "verdicts": dict(Counter(v.verdict for v in verdicts)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a loaded store (default: build one from the shared data)")
    parser.add_argument(
        "--text", type=Path, help="the article (default: ../shared/reference/aqim-assessment.txt)"
    )
    parser.add_argument("--group", default="AQIM")
    parser.add_argument(
        "--size-mb", type=float, default=1.2, help="size of the long text (the article repeated)"
    )
    parser.add_argument(
        "--json", dest="json_out", help="write the figures as JSON to this path ('-': stdout only)"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("SPILLOVER_DATA_DIR", str(data_dir()))  # the onset lists and UCDP actor list
    from spillover.store import Store

    text_path = args.text or data_dir().parent / "reference" / "aqim-assessment.txt"
    article = text_path.read_text(encoding="utf-8")
    repeats = max(1, round(args.size_mb * 1024 * 1024 / len(article.encode("utf-8"))))
    store_path = args.store or build_store(work_dir() / "web_store.duckdb")
    scratch = work_dir() / "check_text.txt"
    with Store(store_path, read_only=True) as store:
        _api()[0](article[:200], store, args.group)  # warm the registry, the basemap and dateparser
        short = measure(scratch, article, store, args.group)
        long = measure(scratch, "\n\n".join([article] * repeats), store, args.group)
    scratch.unlink(missing_ok=True)
    growth = long["check_cpu_ms_per_kb"] / short["check_cpu_ms_per_kb"]
    figures = {"machine": machine_info(), "article": short, "long": long, "per_kb_growth": round(growth, 2)}
    if args.json_out:
        dump = json.dumps(figures, indent=2)
        if args.json_out == "-":
            print(dump)
            return 0
        Path(args.json_out).write_text(dump, encoding="utf-8")
    for name, f in (("article", short), (f"article x{repeats}", long)):
        print(
            f"{name:>14}: {f['kb']:>8.1f} KB, {f['sentences']:>6} sentences, {f['claims']} claims "
            f"{f['verdicts']}; check {f['check_s']:.2f} s wall, {f['check_cpu_s']:.2f} s CPU "
            f"({f['check_cpu_ms_per_kb']:.1f} ms CPU/KB); baseline {f['baseline_s'] * 1000:.1f} ms wall, "
            f"{f['baseline_cpu_s'] * 1000:.1f} ms CPU; ratio to baseline {f['ratio_to_baseline']}× wall, "
            f"{f['cpu_ratio_to_baseline']}× CPU; {f['store_queries']} store queries"
        )
    print(
        f"CPU time per KB, long text / article: {growth:.2f} (1.00 = linear in the text; below 1: fixed costs)"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times are inflated above that"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
