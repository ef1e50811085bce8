"""Who is whose parent, and which actors are armed groups: one definition each, read from the registry.

Every surface (the report, the web app, ``spillover autonomy``, the Python API) asks these functions, so
that a page and a report can never name different parents or peers for one group.

* :func:`parents` — the organisations a group is a branch of: the affiliations and pledges (then umbrella
  memberships) of the group, or failing that of a member of its family (its earlier names), in force on a
  date (by default: without an end), most recent first.  A rival (on that date) is never a parent, and
  neither is a member of the group's own family.
* :func:`branches` — a parent's other branches (its affiliates, followed transitively), the group's own
  family and the groups affiliated *through* the group left out: the peers a branch is ranked among.
* :data:`NON_ARMED_KINDS` — registry kinds that are actors but not armed groups (states, peace
  operations, civilians, protesters, parties …); :data:`GENERIC_KINDS` — kinds whose names are generic
  (identity militias, "other"), not one organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from spillover.actors.dates import to_date
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


def rivals(registry: Registry, group_id: str, at: date | None = None) -> set[str]:
    """Groups the registry records as rivals of ``group_id`` (in either direction); ``at``: only the
    rivalries begun by that day and not ended (default: every rivalry, ended or not)."""
    gid = registry.canonical_id(group_id)

    def holds(r: object) -> bool:
        return r.type == "rival_of" and (at is None or _begun_not_ended(r.start, r.end, at))  # type: ignore[attr-defined]

    out = {registry.canonical_id(r.target) for r in registry.group(gid).relations if holds(r)}
    for other, group in list(registry.groups.items()):
        if any(holds(r) and r.target in registry and registry.canonical_id(r.target) == gid
               for r in group.relations):  # fmt: skip
            out.add(other)
    return out


def _begun_not_ended(start: object, end: object, day: date) -> bool:
    begun = start is None or start.first <= day  # type: ignore[attr-defined]
    return begun and not (end is not None and end.last < day)  # type: ignore[attr-defined]


def parents(
    registry: Registry, group_id: str, members: Iterable[str] = (), at: date | None = None
) -> list[str]:
    """Parent organisations of ``group_id``, most telling relation type first, then most recent.

    The group's own relations are read first; only when it has none, those of the other ``members`` of its
    family (its earlier names).  ``at``: relations in force on that day (default: those without an end)."""
    gid = registry.canonical_id(group_id)
    family_ids = {gid, *(registry.canonical_id(m) for m in members if m in registry)}
    excluded = family_ids | rivals(registry, gid, at)  # a rival on the day (a later rivalry does not count)
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
    day = to_date(at) if at is not None else None
    own = set(group_family) | rivals(registry, parent_id, day)  # a rival is never a branch either
    fam = family(parent_id, at, include=("affiliates",), registry=registry)
    out = []
    for gid, path in fam.items():
        if gid == registry.canonical_id(parent_id) or gid in own:
            continue
        if any(step.target in own or step.source in own for step in path):
            continue
        out.append(gid)
    return sorted(out)


def no_parent_reason(registry: Registry, group_id: str, members: Iterable[str] = ()) -> str:
    """Why a group has no parent to compare with — naming the ties the registry does record when some are no
    longer in force (no text may say "records no pledge" of a group that pledged)."""
    ids = sorted({registry.canonical_id(group_id), *(m for m in members if m in registry)})
    ties = [
        (gid, rel)
        for gid in ids
        for rel in registry.group(gid).relations
        if rel.type in PARENT_RELATIONS and rel.target in registry
    ]  # fmt: skip
    if not ties:
        return "the registry records no parent organisation (affiliation, pledge or membership) for the group"
    described = []
    for gid, rel in ties:
        span = f"from {rel.start or 'an unknown date'}" + (f" to {rel.end}" if rel.end is not None else "")
        state = "ended" if rel.end is not None else "not a parent (a rival or its own family)"
        described.append(
            f"{registry.group(gid).name} {rel.type.replace('_', ' ')} {registry.group(rel.target).name} {span}, {state}"
        )
    return "the registry records no parent organisation in force: " + "; ".join(described)
