"""Events → groups, keeping joint and uncertain attribution visible.

An ACLED event by "JNIM and/or Islamic State (Greater Sahara)" is counted for *each* candidate with
certainty ``uncertain``; an event with two perpetrators named for sure is ``joint`` for both; a name that
several groups claim is ``uncertain`` for each of them.  Nothing is handed to one group by default.
Components also count for their umbrella on the event's date (``via`` = ``rollup:<component>``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from spillover._frames import column_or_missing
from spillover.actors.lineage import rollup
from spillover.actors.resolver import Resolution, Resolver

CERTAINTY_RANK = {"certain": 0, "joint": 1, "uncertain": 2}
ROLE_RANK = {"perpetrator": 0, "side_a": 1, "side_b": 2, "assoc_a": 3, "assoc_b": 4}
OUTPUT_COLUMNS = ["event_id", "group_id", "source", "date", "role", "name", "certainty", "via"]


def _leaves(res: Resolution) -> list[tuple[str, Resolution, bool]]:
    """(group id, the resolution that produced it, uncertain) for every group a name stands for."""
    if res.parts:
        return [leaf for part in res.parts for leaf in _leaves(part)]
    if res.category != "named" or res.status == "unresolved":
        return []
    return [(gid, res, res.uncertain or res.status in ("ambiguous", "scoped")) for gid in res.group_ids]


def _via(res: Resolution) -> str:
    if res.via == "alias":
        return f"alias:{res.matched_alias}"
    return res.via


def _as_given(values: pd.Series) -> Any:
    """A column's values as the rows give them (dates as nanosecond timestamps, whatever unit the store used)."""
    if values.dtype.kind == "M":
        return values.astype("datetime64[ns]").to_numpy()
    return values.to_numpy(dtype=object)


def attribute_events(
    event_actors: pd.DataFrame,
    resolver: Resolver | None = None,
    *,
    roles: tuple[str, ...] | None = None,
    with_rollup: bool = True,
    per_role: bool = False,
) -> pd.DataFrame:
    """One row per (event_id, group_id): ``certainty`` (certain / joint / uncertain) and ``via``.

    ``event_actors`` has columns event_id, source, role, name, ordinal, uncertain, date and optionally
    country (ISO3) (one row per actor name of an event, as the store keeps them): a name whose aliases hold
    only for a period or in some countries is resolved again with the event's date and country.  ``roles`` limits the roles considered (default: all).
    ``per_role``: one row per (event_id, group_id, role) instead, the roles one after the other in the order the
    rows give them (what one call per role would give: the joint rule reads one role of an event anyway).

    Each distinct name is resolved once (each distinct name, date and country where its aliases are dated), and
    every row takes the groups of its resolution: no Python work per row beyond looking its resolution up.
    """
    resolver = resolver or Resolver()
    frame = event_actors if roles is None else event_actors[event_actors["role"].isin(roles)]
    if frame.empty:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    sources, names = (
        column_or_missing(frame, "source").to_numpy(dtype=object),
        frame["name"].astype(str).to_numpy(),
    )
    undated = {
        key: resolver.resolve(key[1], key[0]) for key in dict.fromkeys(zip(sources, names, strict=True))
    }
    resolved = [undated[key] for key in zip(sources, names, strict=True)]
    dates, countries = (
        column_or_missing(frame, "date"),
        column_or_missing(frame, "country").to_numpy(dtype=object),
    )
    dated = [i for i, res in enumerate(resolved) if res.date_sensitive]
    if dated:
        # each distinct name, source, date and country asked once (rows of one day and place repeat them)
        known_date, raw = dates.notna().to_numpy(), dates.to_numpy()
        stamp = raw.dtype.kind == "M"  # the resolver reads a Timestamp, as the column gives it
        asked: dict[tuple[Any, ...], Resolution] = {}
        for i in dated:
            if known_date[i]:
                key = (names[i], sources[i], raw[i], countries[i])
                if key not in asked:
                    day = pd.Timestamp(raw[i]) if stamp else raw[i]
                    asked[key] = resolver.resolve(names[i], sources[i], day, countries[i])
                resolved[i] = asked[key]
    leaves: dict[int, list[tuple[str, Resolution, bool]]] = {}
    rows, groups, uncertain, joint, via = [], [], [], [], []
    for i, res in enumerate(resolved):
        found_here = leaves.get(id(res))
        if found_here is None:
            found_here = leaves[id(res)] = _leaves(res)
        for gid, part, unsure in found_here:
            rows.append(i)
            groups.append(gid)
            uncertain.append(unsure)
            joint.append(part.joint)
            via.append(_via(part))
    if not rows:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    flagged = column_or_missing(frame, "uncertain").astype("boolean").fillna(False).to_numpy(dtype=bool)
    at = pd.Index(rows)
    found = pd.DataFrame({
        "event_id": _as_given(frame["event_id"])[at], "group_id": groups, "source": sources[at],
        "date": _as_given(dates)[at], "role": column_or_missing(frame, "role").to_numpy(dtype=object)[at],
        "name": frame["name"].to_numpy(dtype=object)[at], "uncertain": np.asarray(uncertain) | flagged[at],
        "joint_hint": joint, "via": via,
    })  # fmt: skip
    found["certainty"] = _certainty(found)
    if with_rollup:
        rolled = _rollups(found, resolver)
        if len(rolled):
            found = pd.concat([found, rolled], ignore_index=True)
    if per_role:  # as one call per role would give them, one after the other (roles in the rows' order)
        found["_b"] = found["role"].map({r: k for k, r in enumerate(pd.unique(frame["role"]))})
    found["_c"] = found["certainty"].map(CERTAINTY_RANK)
    found["_r"] = found["role"].map(ROLE_RANK).fillna(len(ROLE_RANK))
    found["_v"] = found["via"].str.startswith("rollup:").astype(int)
    if per_role:
        best = found.sort_values(["_b", "event_id", "group_id", "_c", "_v", "_r"], kind="stable")
        return best.drop_duplicates(["_b", "event_id", "group_id"])[OUTPUT_COLUMNS].reset_index(drop=True)
    best = found.sort_values(["event_id", "group_id", "_c", "_v", "_r"], kind="stable")
    return best.drop_duplicates(["event_id", "group_id"])[OUTPUT_COLUMNS].reset_index(drop=True)


def _certainty(found: pd.DataFrame) -> pd.Series:
    """uncertain if flagged; joint if another group is named for sure in the same role; else certain."""
    sure = found[~found["uncertain"]]
    per_role = sure.groupby(["event_id", "role"])["group_id"].nunique()
    many = per_role[per_role > 1].index
    key = pd.MultiIndex.from_frame(found[["event_id", "role"]])
    joint = key.isin(many) | found["joint_hint"].to_numpy()
    return pd.Series(
        [
            "uncertain" if u else ("joint" if j else "certain")
            for u, j in zip(found["uncertain"], joint, strict=True)
        ],
        index=found.index,
    )


def _rollups(found: pd.DataFrame, resolver: Resolver) -> pd.DataFrame:
    """Extra rows crediting each umbrella a component belonged to on the event's date (each distinct group and
    date asked once)."""
    # a group that is a component of nothing on any date (its undated roll-up is empty: most groups) is not
    # asked again for each of its dates
    ever = {g for g in dict.fromkeys(found["group_id"]) if rollup(g, None, registry=resolver.registry)}
    at = np.flatnonzero(found["group_id"].isin(ever).to_numpy())
    part = found.iloc[at]
    dates = part["date"].astype(object).where(part["date"].notna(), None)
    keys = list(zip(part["group_id"], dates, strict=True))
    umbrellas = {key: rollup(key[0], key[1], registry=resolver.registry) for key in dict.fromkeys(keys)}
    rows, groups = [], []
    for i, key in zip(at, keys, strict=True):
        for umbrella in umbrellas[key]:
            rows.append(i)
            groups.append(umbrella)
    extra = found.iloc[rows].reset_index(drop=True)
    return extra.assign(group_id=groups, via="rollup:" + extra["group_id"].astype(str))
