"""``spillover actors audit``: the curated relations checked against the relations datasets.

Every curated relation is compared with the dataset relations (MMP, BAAD1) of the same two organisations
(a group and the earlier or later names of its identity chain count as one organisation: MMP files the
GIA → GSPC split under AQIM).  Outcome, one per curated relation:

* ``confirmed``: a dataset relation of a compatible kind whose date, within the precision of both dates,
  falls in the curated relation's period (an undated side cannot disagree);
* ``date disagrees``: compatible kind, no date in the period: both dates and sources are shown;
* ``type disagrees``: the datasets link the pair, but never with a compatible kind;
* ``not covered``: no dataset links the pair.

Then the dataset relations the curated layer lacks: pairs and kinds with no curated relation at all.
Kinds are compatible when the datasets use one word for both (MMP codes a renaming as a merger, BAAD has no
pledge or component tie: an alliance or affiliation stands for them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spillover.actors.dates import FuzzyDate
from spillover.actors.layers import DatasetRelation
from spillover.actors.lineage import identity_chain
from spillover.actors.models import RELATION_KINDS, Relation
from spillover.actors.registry import Registry
from spillover.actors.relations import resolved_dataset_relations
from spillover.actors.ucdp import CITATION as UCDP_CITATION

#: Dataset kinds that confirm a curated kind.
COMPATIBLE: dict[str, frozenset[str]] = {
    "alliance": frozenset({"alliance"}),
    "rivalry": frozenset({"rivalry"}),
    "affiliation": frozenset({"affiliation", "alliance"}),
    "pledge": frozenset({"affiliation", "alliance"}),
    "component": frozenset({"affiliation", "alliance", "merger"}),
    "splinter": frozenset({"splinter"}),
    "merger": frozenset({"merger"}),
    "renaming": frozenset({"merger", "splinter"}),
}
#: The generated relations layer: its groups are the datasets', not curated by hand.
GENERATED = "groups_relations.yaml"
OUTCOMES = ("confirmed", "date disagrees", "type disagrees", "not covered")


@dataclass
class AuditResult:
    curated: pd.DataFrame  # one row per curated relation with its outcome and the dataset evidence
    missing: pd.DataFrame  # dataset relations with no curated counterpart
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "curated": self.curated.to_dict("records"),
            "missing": self.missing.to_dict("records"),
        }


def _curated_relations(reg: Registry) -> list[tuple[str, Relation]]:
    return [
        (g.id, r)
        for g in reg.groups.values()
        if g.origin == "curated"
        for r in g.relations
        if not (len(r.sources) == 1 and r.sources[0] == UCDP_CITATION)
    ]


def _period(r: Relation) -> tuple[dt.date, dt.date]:
    return (r.start.first if r.start else dt.date.min, r.end.last if r.end else dt.date.max)


def _dates_agree(curated: Relation, d: DatasetRelation) -> bool:
    """The dataset's date, within its precision, meets the curated period (both open when undated); a
    curated start alone is a point known to its precision, so a dataset date must fall within it."""
    if d.start is None or curated.start is None:
        return True
    lo, hi = d.start.first, (d.end or d.start).last
    c_lo = curated.start.first
    c_hi = curated.end.last if curated.end else (curated.start.last if not _lasting(curated) else dt.date.max)
    return lo <= c_hi and c_lo <= hi


def _lasting(r: Relation) -> bool:
    """Ties that last (alliances, affiliations) are confirmed by a dataset date any time after they began;
    events (a split, a merger, a renaming) must match the date itself."""
    return RELATION_KINDS[r.type] in {"alliance", "rivalry", "affiliation", "pledge", "component"}


def _show(date: FuzzyDate | None) -> str:
    return str(date) if date else "undated"


def audit(registry: Registry, data_dir: str | None = None) -> AuditResult:
    """Compare every curated relation with the dataset relations of its pair."""
    reg = registry
    chain_of: dict[str, frozenset[str]] = {}

    def chain(gid: str) -> frozenset[str]:
        if gid not in chain_of:
            members = frozenset(link.group_id for link in identity_chain(gid, reg))
            for m in members:
                chain_of[m] = members
        return chain_of[gid]

    by_pair: dict[frozenset[frozenset[str]], list[DatasetRelation]] = {}
    for d, a, b in resolved_dataset_relations(reg, data_dir):
        if a is None or b is None or a == b:
            continue
        by_pair.setdefault(frozenset({chain(a), chain(b)}), []).append(d)

    rows, matched = [], set()
    for gid, r in _curated_relations(reg):
        target = reg.canonical_id(r.target)
        pair = frozenset({chain(gid), chain(target)})
        evidence = by_pair.get(pair, [])
        kind = RELATION_KINDS[r.type]
        same_kind = [d for d in evidence if d.kind in COMPATIBLE[kind]]
        agreeing = [d for d in same_kind if _dates_agree(r, d)]
        if agreeing:
            outcome, shown = "confirmed", agreeing
        elif same_kind:
            outcome, shown = "date disagrees", same_kind
        elif evidence:
            outcome, shown = "type disagrees", evidence
        else:
            outcome, shown = "not covered", []
        matched |= {d.ref for d in same_kind}
        rows.append(
            {
                "group_id": gid,
                "type": r.type,
                "target": target,
                "curated_date": f"{_show(r.start)} – {_show(r.end) if r.end else ''}".strip(" –"),
                "curated_sources": "; ".join(reg.cite(s).short() for s in r.sources),
                "outcome": outcome,
                "dataset_ids": ", ".join(d.ref for d in shown),
                "dataset_dates": ", ".join(f"{d.ref} {d.type_dataset} {_show(d.start)}" for d in shown),
                "cited": ", ".join(r.dataset_ids),
                "evidence_ids": ", ".join(d.ref for d in evidence),
                "unsupported": r.unsupported,
            }
        )
    curated = pd.DataFrame(rows)
    missing = _missing(
        reg,
        by_pair,
        matched,
        {frozenset({chain(g), chain(reg.canonical_id(r.target))}) for g, r in _curated_relations(reg)},
    )
    counts = {o: int((curated["outcome"] == o).sum()) for o in OUTCOMES} | {
        "dataset relations lacking": len(missing),
        "of which between curated groups": int(missing["between_curated"].sum()),
        "of which for a pair the curated layer links": int(missing["pair_in_curated"].sum()),
    }
    return AuditResult(curated, missing, counts)


def _missing(
    reg: Registry,
    by_pair: dict[frozenset[frozenset[str]], list[DatasetRelation]],
    matched: set[str],
    curated_pairs: set[frozenset[frozenset[str]]],
) -> pd.DataFrame:
    """Dataset relations between two registry groups that no curated relation of a compatible kind covers."""
    hand_made = {
        gid
        for gid, g in reg.groups.items()
        if g.origin == "curated" and not reg.origins.get(gid, "").endswith(GENERATED)
    }
    rows = []
    for pair, evidence in by_pair.items():
        between = all(any(m in hand_made for m in side) for side in pair)
        for d in evidence:
            if d.ref in matched:
                continue
            rows.append(
                {
                    "dataset_id": d.ref,
                    "kind": d.kind,
                    "dataset_type": d.type_dataset,
                    "source_name": d.source_name,
                    "target_name": d.target_name,
                    "date": _show(d.start),
                    "pair_in_curated": pair in curated_pairs,
                    "between_curated": between,
                    "description": d.description,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "dataset_id",
            "kind",
            "dataset_type",
            "source_name",
            "target_name",
            "date",
            "pair_in_curated",
            "between_curated",
            "description",
        ],
    )
