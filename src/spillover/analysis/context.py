"""What the actor registry knows about a group, as the plain tables the analyses take.

The analyses (tactics, autonomy, fragmentation) do not read the registry themselves: they take
organisational events, leaders and factions as DataFrames, so they can be fed from any source.  This module
builds those tables from the registry for a group and its family.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from spillover.actors import Registry, default_registry

ORG_EVENT_COLUMNS = ["date", "kind", "group_id", "other_group_id", "description", "source", "date_precision"]
LEADER_COLUMNS = ["group_id", "name", "start", "end", "kind", "start_precision", "end_precision"]
FACTION_COLUMNS = ["name", "group_id", "leader", "region", "countries", "start", "end"]


def _date(fuzzy: object) -> pd.Timestamp | None:
    day = getattr(fuzzy, "date", None)
    return pd.Timestamp(day) if day is not None else None


def _precision(fuzzy: object) -> str | None:
    """How precisely the registry knows a date ("day", "month", "year"): printed at that precision
    (:func:`spillover.formatting.date_at`), never as an invented day."""
    return getattr(fuzzy, "precision", None)


def org_events(group_ids: Iterable[str], registry: Registry | None = None) -> pd.DataFrame:
    """Dated relations (renames, mergers, pledges, splits, affiliations) touching any of ``group_ids``."""
    reg = registry or default_registry()
    members = set(group_ids)
    rows = []
    for gid, group in reg.groups.items():
        for rel in group.relations:
            if gid not in members and rel.target not in members:
                continue
            cited = "; ".join(reg.cite(ref).short() for ref in rel.sources[:2])
            rows.append(
                {
                    "date": _date(rel.start),
                    "kind": rel.type,
                    "group_id": gid,
                    "other_group_id": rel.target,
                    "description": f"{group.name} {rel.type.replace('_', ' ')} {reg.groups[rel.target].name}"
                    if rel.target in reg.groups
                    else f"{group.name} {rel.type} {rel.target}",
                    "source": cited,
                    "date_precision": _precision(rel.start),
                }
            )
    frame = pd.DataFrame(rows, columns=ORG_EVENT_COLUMNS)
    return frame.dropna(subset=["date"]).drop_duplicates().sort_values("date", ignore_index=True)


def leaders(group_ids: Iterable[str], registry: Registry | None = None) -> pd.DataFrame:
    """Leaders of the groups with their dates and whether they rose from within (organic) or were appointed."""
    reg = registry or default_registry()
    rows = [
        {
            "group_id": gid,
            "name": leader.name,
            "start": _date(leader.start),
            "end": _date(leader.end),
            "kind": leader.kind,
            "start_precision": _precision(leader.start),
            "end_precision": _precision(leader.end),
        }
        for gid in sorted(group_ids)
        if gid in reg.groups
        for leader in reg.groups[gid].leaders
    ]
    # in order of tenure (then group), whatever the order of ``group_ids`` (a family's members are a set)
    frame = pd.DataFrame(rows, columns=LEADER_COLUMNS)
    return frame.sort_values(["start", "group_id"], na_position="last", kind="stable", ignore_index=True)


def factions(group_ids: Iterable[str], registry: Registry | None = None) -> pd.DataFrame:
    """Sub-commands and factions the registry knows, for describing theatres."""
    reg = registry or default_registry()
    rows = []
    for gid in sorted(group_ids):  # one order whatever the order of ``group_ids`` (often a set)
        group = reg.groups.get(gid)
        if group is None:
            continue
        for faction in group.factions:
            lead = faction.leaders[0] if faction.leaders else None
            sub = reg.groups.get(faction.group) if faction.group else None
            rows.append(
                {
                    "name": faction.name,
                    "group_id": faction.group or gid,
                    "leader": lead.name if lead else None,
                    "region": faction.region,
                    "countries": tuple(
                        getattr(sub, "countries", None) or ([sub.country] if sub and sub.country else [])
                    ),
                    "start": _date(lead.start) if lead else None,
                    "end": _date(lead.end) if lead else None,
                }
            )
    return pd.DataFrame(rows, columns=FACTION_COLUMNS)
