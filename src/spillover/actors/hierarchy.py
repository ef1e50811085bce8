"""Who is whose parent, and which actors are armed groups: one definition each, read from the registry.

Every surface (the report, the web app, ``spillover autonomy``, the Python API) asks these functions, so
that a page and a report can never name different parents or peers for one group.

* :func:`parents` — the organisations a group is a branch of: the affiliations and pledges (then umbrella
  memberships) of the group, or failing that of a member of its family (its earlier names), in force on a
  date (by default: without an end), most recent first.  A rival is never a parent, and neither is a member
  of the group's own family.
* :func:`branches` — a parent's other branches (its affiliates, followed transitively), the group's own
  family and the groups affiliated *through* the group left out: the peers a branch is ranked among.
* :data:`NON_ARMED_KINDS` — registry kinds that are actors but not armed groups (states, peace
  operations, civilians, protesters, parties …); :data:`GENERIC_KINDS` — kinds whose names are generic
  (identity militias, "other"), not one organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from spillover.actors.lineage import family
from spillover.actors.registry import Registry

#: Registry kinds that are actors but not armed groups.
NON_ARMED_KINDS: frozenset[str] = frozenset(
    {
        "state",
        "state-faction",
        "international",
        "civilians",
        "protesters",
        "rioters",
        "social-group",
        "political",
        "supporters",
        "identity-group",
    }
)
#: Registry kinds whose names stand for a category of actors rather than one organisation.
GENERIC_KINDS: frozenset[str] = frozenset({"identity-militia", "generic", "other"})
#: Relations that make the target a parent organisation, most telling first.
PARENT_RELATIONS: tuple[str, ...] = ("affiliate_of", "pledged_allegiance_to", "component_of")


def is_armed_group(registry: Registry, group_id: str) -> bool:
    """Whether the registry's entry is an armed group (not a state, civilians, a party …)."""
    gid = registry.canonical_id(group_id) if group_id in registry else group_id
    group = registry.groups.get(gid)
    return group is not None and group.kind not in NON_ARMED_KINDS


def _in_force(start: object, end: object, day: date | None) -> bool:
    if day is None:
        return end is None
    begun = start is None or start.first <= day  # type: ignore[attr-defined]
    ended = end is not None and end.first <= day  # type: ignore[attr-defined]
    return begun and not ended


def rivals(registry: Registry, group_id: str) -> set[str]:
    """Groups the registry records as rivals of ``group_id`` (in either direction)."""
    gid = registry.canonical_id(group_id)
    out = {registry.canonical_id(r.target) for r in registry.group(gid).relations if r.type == "rival_of"}
    for other, group in registry.groups.items():
        if any(r.type == "rival_of" and r.target in registry and registry.canonical_id(r.target) == gid
               for r in group.relations):  # fmt: skip
            out.add(other)
    return out


def parents(
    registry: Registry, group_id: str, members: Iterable[str] = (), at: date | None = None
) -> list[str]:
    """Parent organisations of ``group_id``, most telling relation type first, then most recent.

    The group's own relations are read first; only when it has none, those of the other ``members`` of its
    family (its earlier names).  ``at``: relations in force on that day (default: those without an end)."""
    gid = registry.canonical_id(group_id)
    family_ids = {gid, *(registry.canonical_id(m) for m in members if m in registry)}
    excluded = family_ids | rivals(registry, gid)
    for member in [gid, *sorted(family_ids - {gid})]:
        found = [
            r
            for r in registry.group(member).relations
            if r.type in PARENT_RELATIONS and r.target in registry and _in_force(r.start, r.end, at)
        ]
        found.sort(key=lambda r: r.start.first if r.start else date.min, reverse=True)
        found.sort(key=lambda r: PARENT_RELATIONS.index(r.type))
        out = list(dict.fromkeys(registry.canonical_id(r.target) for r in found))
        out = [p for p in out if p not in excluded]
        if out:
            return out
    return []


def branches(
    registry: Registry, parent_id: str, group_family: Iterable[str] = (), at: object = None
) -> list[str]:
    """The parent's branches (affiliates and pledged groups, transitively), without the group's own
    family and the groups affiliated through it; ``at``: only affiliations current on that date."""
    own = set(group_family) | rivals(registry, parent_id)  # a rival is never a branch either
    fam = family(parent_id, at, include=("affiliates",), registry=registry)
    out = []
    for gid, path in fam.items():
        if gid == registry.canonical_id(parent_id) or gid in own:
            continue
        if any(step.target in own or step.source in own for step in path):
            continue
        out.append(gid)
    return sorted(out)
