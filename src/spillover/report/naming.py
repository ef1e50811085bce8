"""Registry ids by name, for every text of the report (codes stay in the evidence annex only)."""

from __future__ import annotations

from spillover.formatting import date_at, dates_at  # noqa: F401 - dates_at re-exported


def group_name(gid: str) -> str:
    """A registry id by the group's name (``gspc`` → "Salafist Group for Preaching and Combat")."""
    from spillover.actors import default_registry

    groups = default_registry().groups
    return groups[gid].name if gid in groups else str(gid)


def relation_date(gid: str, kind: str, other: str, date) -> str:  # noqa: ANN001 - date-like
    """A dated relation's date at the precision the registry knows it (a split known to the year: "2011")."""
    from spillover.actors import default_registry

    group = default_registry().groups.get(gid)
    for rel in group.relations if group is not None else ():
        if rel.type == kind and rel.target == other and rel.start is not None:
            return str(rel.start)
    return date_at(date)


def group_names(gids) -> str:  # noqa: ANN001 - iterable of registry ids
    """Several groups by name, joined: "Armed Islamic Group and Salafist Group for Preaching and Combat"."""
    names = [group_name(g) for g in gids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""
