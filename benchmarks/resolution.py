"""Precision and recall of name resolution on the labelled name pairs (tests/data/name_pairs.csv).

A pair is predicted "same" when both names resolve (status resolved) to one registry group; anything else
(different groups, one unresolved or ambiguous) is predicted "different".  Two registries are measured in
the same run: the curated registry with the UCDP layer but without the generated MMP/BAAD layer (what the
normalisation rules alone achieve) and the shipped registry.  A false merge is a "different" pair
predicted "same": the rules must make none.

    SPILLOVER_DATA_DIR=../shared/data python benchmarks/resolution.py
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "name_pairs.csv"


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    false_merges: tuple[tuple[str, str], ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def read_pairs(path: Path = PAIRS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def score(resolver, pairs: list[dict[str, str]]) -> Score:  # noqa: ANN001 - spillover.actors.Resolver
    tp = fp = fn = tn = 0
    merges = []
    for p in pairs:
        a, b = resolver.resolve(p["name_a"]), resolver.resolve(p["name_b"])
        same = a.group_id is not None and a.group_id == b.group_id
        if p["label"] == "same":
            tp, fn = (tp + 1, fn) if same else (tp, fn + 1)
        elif same:
            fp += 1
            merges.append((p["name_a"], p["name_b"]))
        else:
            tn += 1
    return Score(tp, fp, fn, tn, tuple(merges))


def main() -> int:
    from spillover.actors import Resolver, load_registry
    from spillover.actors.layers.generate import _curated_registry

    pairs = read_pairs()
    print(f"{len(pairs)} labelled pairs ({sum(p['label'] == 'same' for p in pairs)} same)")
    for label, reg in (
        ("rules only (no MMP/BAAD layer)", _curated_registry()),
        ("shipped registry", load_registry()),
    ):
        s = score(Resolver(reg), pairs)
        print(
            f"{label:32s} precision {s.precision:.3f}  recall {s.recall:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})"
        )
        for a, b in s.false_merges:
            print(f"    false merge: {a!r} = {b!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
