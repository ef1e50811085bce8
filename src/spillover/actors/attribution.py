"""Events → groups, keeping joint and uncertain attribution visible.

An ACLED event by "JNIM and/or Islamic State (Greater Sahara)" is counted for *each* candidate with
certainty ``uncertain``; an event with two perpetrators named for sure is ``joint`` for both; a name that
several groups claim is ``uncertain`` for each of them.  Nothing is handed to one group by default.
Components also count for their umbrella on the event's date (``via`` = ``rollup:<component>``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

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


def attribute_events(
    event_actors: pd.DataFrame,
    resolver: Resolver | None = None,
    *,
    roles: tuple[str, ...] | None = None,
    with_rollup: bool = True,
) -> pd.DataFrame:
    """One row per (event_id, group_id): ``certainty`` (certain / joint / uncertain) and ``via``.

    ``event_actors`` has columns event_id, source, role, name, ordinal, uncertain, date and optionally
    country (ISO3) (one row per actor name of an event, as the store keeps them): a name whose aliases hold
    only for a period or in some countries is resolved again with the event's date and country.  ``roles`` limits the roles considered (default: all).
    """
    resolver = resolver or Resolver()
    frame = event_actors if roles is None else event_actors[event_actors["role"].isin(roles)]
    undated = {
        key: resolver.resolve(key[1], key[0])
        for key in dict.fromkeys(zip(frame["source"], frame["name"].astype(str), strict=True))
    }
    rows: list[dict[str, Any]] = []
    for rec in frame.to_dict("records"):
        res = undated[(rec["source"], str(rec["name"]))]
        if res.date_sensitive and pd.notna(rec.get("date")):
            res = resolver.resolve(str(rec["name"]), rec["source"], rec["date"], rec.get("country"))
        flagged = bool(rec.get("uncertain")) if pd.notna(rec.get("uncertain")) else False
        for gid, part, uncertain in _leaves(res):
            rows.append(
                {
                    "event_id": rec["event_id"],
                    "group_id": gid,
                    "source": rec.get("source"),
                    "date": rec.get("date"),
                    "role": rec.get("role"),
                    "name": rec["name"],
                    "uncertain": uncertain or flagged,
                    "joint_hint": part.joint,
                    "via": _via(part),
                }
            )
    if not rows:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    found = pd.DataFrame(rows)
    found["certainty"] = _certainty(found)
    if with_rollup:
        rolled = _rollups(found, resolver)
        if len(rolled):
            found = pd.concat([found, rolled], ignore_index=True)
    found["_c"] = found["certainty"].map(CERTAINTY_RANK)
    found["_r"] = found["role"].map(ROLE_RANK).fillna(len(ROLE_RANK))
    found["_v"] = found["via"].str.startswith("rollup:").astype(int)
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
    """Extra rows crediting each umbrella a component belonged to on the event's date."""
    umbrellas: dict[tuple[str, Any], list[str]] = {}
    extra = []
    for rec in found.to_dict("records"):
        key = (rec["group_id"], rec["date"] if pd.notna(rec["date"]) else None)
        if key not in umbrellas:
            umbrellas[key] = rollup(key[0], key[1], registry=resolver.registry)
        for umbrella in umbrellas[key]:
            extra.append({**rec, "group_id": umbrella, "via": f"rollup:{rec['group_id']}"})
    return pd.DataFrame(extra, columns=found.columns)
