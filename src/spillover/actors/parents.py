"""Parents and branches of a group at a date: the one rule the report, the web app and the analyses use.

A *parent* is an organisation the group is an affiliate of, has pledged allegiance to, or is a component
of, on the date asked (any date when none is given).  A rival is never a parent: a group whose rivalry
with the candidate holds on that date (either side's ``rival_of``) is left out, so a splinter that turned on
its former umbrella (MUJAO and AQIM in 2012) is not read as its branch.  Groups of the same identity chain
(GSPC → AQIM) are one organisation and never parents of each other.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from spillover.actors.dates import to_date

if TYPE_CHECKING:
    from spillover.actors.registry import Registry

#: Relation types that make the target a parent, most telling first.
PARENT_TYPES: tuple[str, ...] = ("affiliate_of", "pledged_allegiance_to", "component_of")

#: Registry kinds that are actors but not armed groups.
NON_ARMED_KINDS = frozenset(
    ("state", "social-group", "identity-group", "civilians", "international", "supporters", "political",
     "state-faction", "protesters", "rioters")
)  # fmt: skip


def is_armed_group(reg: Registry, gid: str) -> bool:
    """True unless the group's kind is one of :data:`NON_ARMED_KINDS` (states, civilians, parties…)."""
    return reg.group(gid).kind not in NON_ARMED_KINDS


def _day(at: Any) -> dt.date | None:
    return None if at is None else to_date(at)


def rivals(reg: Registry, gid: str, at: Any = None) -> set[str]:
    """Groups in open rivalry with ``gid`` on ``at`` (ever, when no date), from either side's relations."""
    from spillover.actors.lineage import _active

    day, gid = _day(at), reg.canonical_id(gid)
    out = {
        reg.canonical_id(r.target)
        for r in reg.group(gid).relations
        if r.type == "rival_of" and _active(r, day)
    }
    for g in reg.groups.values():
        out |= {
            g.id
            for r in g.relations
            if r.type == "rival_of" and reg.canonical_id(r.target) == gid and _active(r, day)
        }
    return out


def parents(reg: Registry, gid: str, at: Any = None) -> list[str]:
    """The group's parents on ``at`` (ever, when no date), most telling relation first, latest first within
    a type; rivals and the group's own identity chain excluded."""
    from spillover.actors.lineage import _active, identity_chain

    day, gid = _day(at), reg.canonical_id(gid)
    own = {link.group_id for link in identity_chain(gid, reg)}
    excluded = own | rivals(reg, gid, at)
    candidates = [
        r for r in reg.group(gid).relations
        if r.type in PARENT_TYPES and _active(r, day, reg.group(gid), reg.group(r.target))
    ]  # fmt: skip
    candidates.sort(
        key=lambda r: (PARENT_TYPES.index(r.type), -(r.start.first.toordinal() if r.start else 0))
    )
    out: list[str] = []
    for r in candidates:
        target = reg.canonical_id(r.target)
        if target not in excluded and target not in out:
            out.append(target)
    return out


def branches(reg: Registry, parent_id: str, at: Any = None) -> list[str]:
    """Groups whose parent on ``at`` is ``parent_id`` (its affiliates, pledged groups and components)."""
    parent_id = reg.canonical_id(parent_id)
    return sorted(
        g.id
        for g in reg.groups.values()
        if g.id != parent_id
        and any(reg.canonical_id(r.target) == parent_id for r in g.relations if r.type in PARENT_TYPES)
        and parent_id in parents(reg, g.id, at)
    )
