"""Which factions a theatre is: the one rule that names a group's theatres (the report, the web app, the
command line and the Python API serialise what it returns, they do not name theatres themselves).

A theatre (a cluster of :func:`spillover.analysis.fragmentation.theatres`) is named by

1. the **labels** the datasets give the group's events there — the actor field that attributed each event
   to the group, as written (ACLED's "Boko Haram - Jama'atu Ahli is-Sunnah …" and "Boko Haram - Wilayat
   Gharb Ifriqiyyah", UCDP's "Jama'atu Ahlis Sunna …" and "IS"): every label carried by at least
   ``min_share`` of the theatre's labelled events, with its dataset and count; and
2. the **related groups** active there — splinters, rivals and components of the group from the relations
   layers (:func:`spillover.actors.relations.relations`) whose tie holds during the period and whose own
   events (by the datasets' actor labels) number at least ``min_events`` within ``eps_km`` of the
   theatre's events in that period — each with the relation it rests on (layer, dataset id, date, sources).

No group is special-cased: the labels are the datasets', the relations the layers'.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from spillover.analysis._common import ids

#: Relation kinds whose other group may be a faction of the group's theatres.
FACTION_KINDS: tuple[str, ...] = ("splinter", "rivalry", "component")
EARTH_RADIUS_KM = 6371.0088
RELATED_COLUMNS = [
    "event_id", "group_id", "date_start", "latitude", "longitude", "other", "kind", "start", "end", "ref",
    "citation",
]  # fmt: skip


def related_activity(sel: Any, kinds: tuple[str, ...] = FACTION_KINDS) -> pd.DataFrame:
    """The events of the groups tied to ``sel``'s group by ``kinds`` (any date), one row per event and tie,
    with the tie's dates and citation (``RELATED_COLUMNS``)."""
    from spillover.analysis.ties import relation_rows, tie_of
    from spillover.selection.labels import labelled_activity

    ties = [tie_of(r) for r in relation_rows(sel.group_id, None, kinds)]
    ties = [t for t in ties if t.other_id and t.other_id not in sel.family.ids]
    if not ties:
        return pd.DataFrame(columns=RELATED_COLUMNS)
    activity = labelled_activity(sel.source, {t.other_id for t in ties})
    if activity.empty:
        return pd.DataFrame(columns=RELATED_COLUMNS)
    frame = pd.DataFrame(
        [
            {"group_id": t.other_id, "other": t.other, "kind": t.kind, "start": t.start, "end": t.end,
             "ref": t.ref, "citation": t.citation}
            for t in ties
        ]
    ).drop_duplicates(["group_id", "kind", "ref"])  # fmt: skip
    located = activity.dropna(subset=["latitude", "longitude"])
    located = located[~located["geo_precision"].isin(["country", "none"])]
    return located.merge(frame, on="group_id")[RELATED_COLUMNS].reset_index(drop=True)


def own_labels(labels: pd.DataFrame, family: set[str]) -> pd.DataFrame:
    """The labels that attributed each event to the group: ``event_id, name, source``."""
    if labels is None or labels.empty:
        return pd.DataFrame(columns=["event_id", "name", "source"])
    mine = labels[labels["group_id"].isin(family)]
    return mine[["event_id", "name", "source"]].drop_duplicates().reset_index(drop=True)


def _overlaps(start: str | None, end: str | None, period: Any) -> bool:
    from spillover.actors.dates import parse_fuzzy

    begun = not start or pd.Timestamp(parse_fuzzy(start).first) <= pd.Timestamp(period.end)
    return begun and not (end and pd.Timestamp(parse_fuzzy(end).last) < pd.Timestamp(period.start))


def _near(cluster: pd.DataFrame, events: pd.DataFrame, eps_km: float) -> np.ndarray:
    """Which ``events`` lie within ``eps_km`` of some event of the cluster (great-circle distance)."""
    from sklearn.metrics.pairwise import haversine_distances

    if events.empty or cluster.empty:
        return np.zeros(len(events), dtype=bool)
    a = np.radians(events[["latitude", "longitude"]].to_numpy(dtype=float))
    b = np.radians(cluster[["latitude", "longitude"]].to_numpy(dtype=float))
    return (haversine_distances(a, b).min(axis=1) * EARTH_RADIUS_KM) <= eps_km


def name_theatre(
    cluster: pd.DataFrame,
    period: Any,
    labels: pd.DataFrame | None,
    related: pd.DataFrame | None,
    *,
    eps_km: float,
    min_events: int,
    min_share: float = 0.1,
) -> dict[str, Any]:
    """``faction_labels``, ``related_factions`` and ``name`` of one theatre (see the module docstring).
    ``labels``: :func:`own_labels`; ``related``: :func:`related_activity`."""
    named: list[dict[str, Any]] = []
    if labels is not None and len(labels):
        here = labels[labels["event_id"].isin(set(cluster["event_id"]))]
        n = here["event_id"].nunique()
        counts = here.groupby(["name", "source"])["event_id"].nunique().sort_values(ascending=False)
        named = [
            {"label": name, "source": source, "events": int(k), "share": float(k / n)}
            for (name, source), k in counts.items()
            if n and k / n >= min_share
        ]
    found: list[dict[str, Any]] = []
    if related is not None and len(related):
        d = pd.to_datetime(related["date_start"])
        during = related[(d >= pd.Timestamp(period.start)) & (d <= pd.Timestamp(period.end))]
        held = [_overlaps(s, e, period) for s, e in zip(during["start"], during["end"], strict=True)]
        during = during[np.array(held, dtype=bool)]
        for gid, rows in during.groupby("group_id", sort=True):
            close = rows[_near(cluster, rows, eps_km)].drop_duplicates("event_id")
            close = close.sort_values(["date_start", "event_id"])  # evidence in one order on every surface
            if len(close) >= min_events:
                found.append({
                    "group_id": gid, "faction": rows["other"].iloc[0], "kinds": sorted(set(rows["kind"])),
                    "events": len(close), "relations": sorted(set(rows["citation"])),
                    "refs": sorted(set(rows["ref"])), "evidence": ids(close),
                })  # fmt: skip
    found.sort(key=lambda f: -f["events"])
    return {"faction_labels": named, "related_factions": found, "name": theatre_name(named, found)}


def theatre_name(named: list[dict[str, Any]], found: list[dict[str, Any]]) -> str | None:
    """ "Label A (acled, 61%) / Label B (ged, 39%); beside Rival (rivalry, curated rival_of 2016-08: 120 events)"."""
    parts = []
    if named:
        parts.append(" / ".join(f"{n['label']} ({n['source']}, {n['share']:.0%})" for n in named))
    if found:
        parts.append(
            "beside "
            + "; ".join(
                f"{f['faction']} ({'/'.join(f['kinds'])}: {', '.join(f['refs'])}; {f['events']} events)"
                for f in found
            )
        )
    return "; ".join(parts) or None
