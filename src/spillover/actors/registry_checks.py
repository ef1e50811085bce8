"""Checks of a built registry: periods that end before they start, sources that are not cited, pattern
rules, rename/merge cycles and aliases two groups claim for one period.  Each failure is a
:class:`~spillover.actors.registry.RegistryError` naming the file, the group and the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spillover._lazy import lazy_module
from spillover.actors.dates import FuzzyDate, overlaps
from spillover.actors.models import AliasClaim, RegistryError, SourceRef

if TYPE_CHECKING:  # the registry calls these checks as it is built
    from spillover.actors.registry import Registry

nx = lazy_module("networkx")  # imported when a graph is built (~0.2 s)

# --- checks ----------------------------------------------------------------------------------------


def check_registry(reg: Registry) -> None:
    """Refuse inverted dates, unknown targets or kinds or sources, rename cycles and duplicate aliases."""
    for g in list(reg.groups.values()):
        file = reg.origins.get(g.id)
        if reg.kinds and g.origin == "curated" and g.kind not in reg.kinds:
            raise RegistryError(
                f"unknown kind {g.kind!r} (known: {', '.join(sorted(reg.kinds))})",
                file=file,
                group=g.id,
                field="kind",
            )
        _check_period(g.founded, g.dissolved, file, g.id, "founded/dissolved")
        for i, leader in enumerate(g.leaders):
            _check_period(leader.start, leader.end, file, g.id, f"leaders[{i}] ({leader.name})")
            _check_sources(reg, leader.sources, file, g.id, f"leaders[{i}].sources")
        for i, faction in enumerate(g.factions):
            _check_period(faction.start, faction.end, file, g.id, f"factions[{i}] ({faction.name})")
            if faction.group is not None and faction.group not in reg:
                raise RegistryError(
                    f"faction refers to unknown group {faction.group!r}{_did_you_mean(reg, faction.group)}",
                    file=file,
                    group=g.id,
                    field=f"factions[{i}].group",
                )
        _check_sources(reg, g.sources, file, g.id, "sources")
        for i, r in enumerate(g.relations):
            where = f"relations[{i}] ({r.type} {r.target})"
            _check_period(r.start, r.end, file, g.id, where)
            if r.target not in reg.groups:
                raise RegistryError(
                    f"relation to unknown group {r.target!r}{_did_you_mean(reg, r.target)}",
                    file=file,
                    group=g.id,
                    field=f"relations[{i}].target",
                )
            if r.target == g.id:
                raise RegistryError(
                    "relation to itself", file=file, group=g.id, field=f"relations[{i}].target"
                )
            _check_sources(reg, r.sources, file, g.id, f"relations[{i}].sources")
        for dataset, alias in g.aliases.items():
            _check_period(alias.start, alias.end, file, g.id, f"aliases.{dataset} ({alias.name})")
    _check_rules(reg)
    _check_cycles(reg)
    _check_duplicate_aliases(reg)


def _check_period(
    start: FuzzyDate | None, end: FuzzyDate | None, file: str | None, gid: str, where: str
) -> None:
    if start is not None and end is not None and end.last < start.first:
        raise RegistryError(
            f"dates inverted: ends {end} before it starts {start}", file=file, group=gid, field=where
        )


def _check_sources(reg: Registry, refs: Iterable[SourceRef], file: str | None, gid: str, where: str) -> None:
    for ref in refs:
        if isinstance(ref, str) and ref not in reg.sources:
            raise RegistryError(
                f"unknown source key {ref!r} (define it under 'sources:')", file=file, group=gid, field=where
            )


def _check_rules(reg: Registry) -> None:
    for rule in reg.name_rules:
        for cand in rule.candidates:
            if cand not in reg:
                raise RegistryError(
                    f"name rule {rule.pattern!r} names unknown candidate {cand!r}",
                    file=reg.files[0] if reg.files else None,
                    field="name_rules.candidates",
                )
    for rule in reg.patterns:
        if reg.kinds and rule.kind not in reg.kinds:
            raise RegistryError(
                f"pattern {rule.name!r} has unknown kind {rule.kind!r}",
                file=reg.files[0] if reg.files else None,
                field="patterns.kind",
            )


def _check_cycles(reg: Registry) -> None:
    graph = nx.DiGraph()
    for g in list(reg.groups.values()):
        for r in g.relations:
            if r.type in {"renamed_to", "merged_into"}:
                graph.add_edge(g.id, r.target)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    path = " → ".join([cycle[0][0]] + [edge[1] for edge in cycle])
    first = cycle[0][0]
    raise RegistryError(
        f"rename/merge cycle: {path}", file=reg.origins.get(first), group=first, field="relations"
    )


def _compatible(a: str, b: str) -> bool:
    return a == b or "other" in (a, b)


def _check_duplicate_aliases(reg: Registry) -> None:
    by_norm: dict[str, list[AliasClaim]] = defaultdict(list)
    for claim in reg.alias_claims():
        if claim.layer == "curated" and not claim.weak:
            by_norm[claim.norm].append(claim)
    for claims in by_norm.values():
        for i, a in enumerate(claims):
            for b in claims[i + 1 :]:
                if a.group_id == b.group_id or not _compatible(a.dataset, b.dataset):
                    continue
                # a claim for some countries wins over one for everywhere; two claims for the same country
                # are a deliberate ambiguity there (the resolver reports it, attribution is uncertain)
                if a.countries or b.countries:
                    continue
                if overlaps((a.start, a.end), (b.start, b.end)):
                    raise RegistryError(
                        f"alias {b.alias!r} ({b.dataset}) is also claimed by {a.group_id!r} ({a.dataset}) "
                        "for an overlapping period; give the aliases periods, or keep one",
                        file=reg.origins.get(b.group_id),
                        group=b.group_id,
                        field=f"aliases.{b.dataset}",
                    )


def _did_you_mean(reg: Registry, name: str) -> str:
    from rapidfuzz import process

    close = process.extract(name, list(reg.groups), limit=3)
    return f" (did you mean {', '.join(repr(c[0]) for c in close)}?)" if close else ""
