"""A group's dated ties — alliance, rivalry, affiliation, splinter, merger, pledge, component — with sources.

:func:`relations` gathers, for a group and the earlier names of its identity chain (GSPC for AQIM), the
curated registry's relations and the relations datasets' (MMP, BAAD1) that involve it, each row with its
date and precision, its type in the registry's terms and the dataset's, its sources and its description.
``as_of`` keeps the ties that had begun by then (and had not ended); ``types`` keeps some kinds.
:func:`relations_chart` draws them over time (Altair, data inline, names not ids) for the report and the
web group page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from spillover.actors.dates import to_date
from spillover.actors.layers import DatasetRelation, baad, mmp
from spillover.actors.lineage import default_registry, identity_chain
from spillover.actors.models import RELATION_KINDS
from spillover.actors.registry import Registry
from spillover.actors.resolver import Resolver

KINDS: tuple[str, ...] = tuple(dict.fromkeys(RELATION_KINDS.values()))

COLUMNS = [
    "group_id", "group_name", "kind", "type", "other_id", "other_name", "direction", "start", "start_precision",
    "end", "layer", "dataset_type", "dataset_id", "sources", "description",
]  # fmt: skip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelationsResult:
    """The ties of ``group_id`` (and of the earlier names of its chain), one row per relation and source."""

    group_id: str
    group_name: str
    as_of: dt.date | None
    types: tuple[str, ...]
    rows: tuple[dict[str, Any], ...] = field(repr=False)
    layers: tuple[str, ...] = ("curated",)  # the layers consulted: curated, mmp, baad1 (absent files: not)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "group_name": self.group_name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "types": list(self.types),
            "layers": list(self.layers),
            "relations": [dict(r) for r in self.rows],
        }

    def __len__(self) -> int:
        return len(self.rows)


@lru_cache(maxsize=4)
def dataset_relations(folder: str) -> tuple[DatasetRelation, ...]:
    """Every MMP and BAAD1 relation of the data folder (empty when the files are absent); read once per
    content of the files and kept between runs (:mod:`spillover.memo`)."""
    from spillover.memo import file_fingerprint, kept

    files = (mmp.RELATIONS_FILE, mmp.KEY_FILE, baad.EDGES_FILE, baad.ATTRS_FILE, baad.COUNTRY_FILE)
    inputs = tuple(file_fingerprint(Path(folder) / f) for f in files)
    return kept("dataset-relations", inputs, lambda: _read_dataset_relations(folder))


def _read_dataset_relations(folder: str) -> tuple[DatasetRelation, ...]:
    path = Path(folder)
    out: list[DatasetRelation] = []
    if (path / mmp.RELATIONS_FILE).is_file():
        out += mmp.load(path).relations
    if (path / baad.EDGES_FILE).is_file():
        out += baad.load(path).relations
    return tuple(out)


def keep_dataset_relations() -> None:
    """The data folder's relations datasets read and kept between runs (:func:`dataset_relations`), by the
    load's last step (:mod:`spillover.loading.after`): the first autonomy after a load (its parent window and
    ties) then reads them instead of parsing the MMP and BAAD1 files (~0.15 CPU s).  They depend on the data
    folder's files, not on the store.  A failure is logged, never raised (the autonomy reads them again)."""
    try:
        dataset_relations(_data_folder())
    except Exception as exc:  # noqa: BLE001 - keeping the relations is never needed for correctness
        log.info("the relations datasets were not kept after the load (%s)", exc)


def _data_folder() -> str:
    import os

    from spillover.actors.ucdp import DATA_DIR_ENV

    return os.environ.get(DATA_DIR_ENV, "")


_RESOLVED: dict[tuple[int, str], tuple[Registry, list[tuple[DatasetRelation, str | None, str | None]]]] = {}


def resolved_dataset_relations(
    registry: Registry, folder: str | None = None
) -> list[tuple[DatasetRelation, str | None, str | None]]:
    """Each dataset relation with the registry ids of its two groups (None when a name does not resolve);
    resolved once per registry and folder (the analyses ask for the ties of a group and of its peers)."""
    folder = folder if folder is not None else _data_folder()
    key = (id(registry), folder)
    if (
        key not in _RESOLVED or _RESOLVED[key][0] is not registry
    ):  # the registry is kept: its id is not reused
        resolver = _resolver(registry)  # built once per process: indexing every alias costs ~0.2 s
        out = []
        for r in dataset_relations(folder):
            a, b = resolver.resolve(r.source_name), resolver.resolve(r.target_name)
            out.append((r, a.group_id, b.group_id))
        if len(_RESOLVED) > 4:
            _RESOLVED.clear()
        _RESOLVED[key] = (registry, out)
    return _RESOLVED[key][1]


def _resolver(registry: Registry) -> Resolver:
    """The shared resolver when ``registry`` is the default one (an autonomy asks for the ties of the group
    and of each of its parent's branches: indexing every alias again per call cost ~0.2 s each)."""
    from spillover.actors.resolver import default_resolver

    shared = default_resolver()
    return shared if shared.registry is registry else Resolver(registry)


def relations(
    group: str,
    as_of: Any = None,
    types: list[str] | tuple[str, ...] | None = None,
    registry: Registry | None = None,
    data_dir: str | Path | None = None,
) -> RelationsResult:
    """The dated ties of ``group`` (any name or id) from the curated registry and the relations datasets."""
    reg = registry if registry is not None else default_registry()
    gid = _resolver(reg).lookup(group)
    kinds = tuple(types) if types else KINDS
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown relation kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    day = to_date(as_of) if as_of is not None else None
    chain = {link.group_id for link in identity_chain(gid, reg)}
    folder = str(data_dir) if data_dir is not None else _data_folder()
    rows = _curated_rows(reg, chain) + _dataset_rows(reg, chain, folder)
    kept = [r for r in rows if r["kind"] in kinds and _holds(r, day)]
    kept.sort(key=lambda r: (r["start"] or "", r["kind"], r["other_name"]))
    found = tuple(dict.fromkeys(r.dataset for r in dataset_relations(folder)))
    return RelationsResult(gid, reg.group(gid).name, day, kinds, tuple(kept), ("curated", *found))


def _holds(row: dict[str, Any], day: dt.date | None) -> bool:
    """Begun by ``day`` (a coarse date counts from its first day) and not ended before it."""
    if day is None:
        return True
    if row["start"] and to_date(row["start"]) > day:
        return False
    return not (row["end"] and _last_day(row["end"]) < day)


def _last_day(text: str) -> dt.date:
    from spillover.actors.dates import parse_fuzzy

    return parse_fuzzy(text).last


def _curated_rows(reg: Registry, chain: set[str]) -> list[dict[str, Any]]:
    rows = []
    for g in list(reg.groups.values()):
        for r in g.relations:
            target = reg.canonical_id(r.target)
            if g.id not in chain and target not in chain:
                continue
            mine = g.id in chain
            rows.append(
                {
                    "group_id": g.id if mine else target,
                    "group_name": reg.groups[g.id if mine else target].name,
                    "kind": RELATION_KINDS[r.type],
                    "type": r.type,
                    "other_id": target if mine else g.id,
                    "other_name": reg.groups[target if mine else g.id].name,
                    "direction": "out" if mine else "in",
                    "start": str(r.start) if r.start else None,
                    "start_precision": r.start.precision if r.start else None,
                    "end": str(r.end) if r.end else None,
                    "layer": "curated" if g.origin != "ucdp" else "ucdp",
                    "dataset_type": None,
                    "dataset_id": ", ".join(r.dataset_ids) or None,
                    "sources": "; ".join(reg.cite(s).short() for s in r.sources),
                    "description": r.note,
                }
            )
    return rows


def _dataset_rows(reg: Registry, chain: set[str], folder: str | None) -> list[dict[str, Any]]:
    rows = []
    for r, a, b in resolved_dataset_relations(reg, folder):
        if a not in chain and b not in chain:
            continue
        mine, other = (a, b) if a in chain else (b, a)
        citation = mmp.CITATION if r.dataset == mmp.DATASET else baad.CITATION
        rows.append(
            {
                "group_id": mine,
                "group_name": reg.groups[mine].name,
                "kind": r.kind,
                "type": r.type_registry,
                "other_id": other,
                "other_name": reg.groups[other].name
                if other in reg.groups
                else (r.target_name if a == mine else r.source_name),
                "direction": ("out" if a == mine else "in")
                if r.directed
                else "as written"
                if a == mine
                else "as written (reversed)",
                "start": str(r.start) if r.start else None,
                "start_precision": r.start.precision if r.start else None,
                "end": str(r.end) if r.end else None,
                "layer": r.dataset,
                "dataset_type": r.type_dataset,
                "dataset_id": r.ref,
                "sources": citation.short(),
                "description": r.description,
            }
        )
    return rows


def relations_chart(result: RelationsResult) -> Any:
    """The group's ties over time: one row per other group, a mark per tie at its start, coloured by kind;
    data inline (the chart opens offline), names not ids."""
    import altair as alt

    frame = result.to_frame()
    frame = frame[frame["start"].notna()].copy()
    frame["date"] = [to_date(s).isoformat() for s in frame["start"]]
    frame["until"] = [
        (_last_day(e).isoformat() if isinstance(e, str) else d)
        for e, d in zip(frame["end"], frame["date"], strict=True)
    ]
    data = frame[
        ["other_name", "kind", "date", "until", "layer", "dataset_id", "sources", "description"]
    ].fillna("")
    base = alt.Chart(alt.Data(values=data.to_dict("records")))
    y = alt.Y("other_name:N", title=None, sort=alt.EncodingSortField("date", op="min"))
    colour = alt.Color("kind:N", title="tie", scale=alt.Scale(domain=list(KINDS)))
    tooltip = ["other_name:N", "kind:N", "date:T", "layer:N", "dataset_id:N", "sources:N", "description:N"]
    spans = base.mark_rule(strokeWidth=3, opacity=0.5).encode(x="date:T", x2="until:T", y=y, color=colour)
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("date:T", title="start of the tie"), y=y, color=colour, shape="layer:N", tooltip=tooltip
    )
    title = f"Ties of {result.group_name}" + (f" as of {result.as_of}" if result.as_of else "")
    return (spans + points).properties(title=title, width=560)
