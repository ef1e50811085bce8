"""The actor labels of events as the datasets write them, resolved on each event's date.

Two questions of the analyses need the labels rather than the group's selected events:

* which *faction* a dataset names for an event of the group (ACLED's "Boko Haram - Jama'atu Ahli
  is-Sunnah …" beside "Boko Haram - Wilayat Gharb Ifriqiyyah", UCDP's "IS" beside "JNIM") — the label that
  attributed the event to the group, and the other actors the event names (the side it fought, an ally on
  its side): :func:`event_labels`;
* where *another* group — an ally, a rival, a splinter — was active: every stored event whose actor fields
  name it, on the dates its aliases hold: :func:`labelled_activity`.

Both read the store's ``event_actors`` (one row per name and role) and resolve names with the same dated
attribution as the selection (:func:`spillover.actors.attribute_events`, no roll-up of components).  A
selection whose source is not a store (a query engine) has no actor table here: both return an empty frame.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from spillover.actors import Resolver, attribute_events, default_resolver
from spillover.actors.attribution import ROLE_RANK
from spillover.store import Store

#: Which side of an event each actor role is on (perpetrators and side A with their associates, side B).
SIDE: dict[str, str] = {"perpetrator": "a", "side_a": "a", "assoc_a": "a", "side_b": "b", "assoc_b": "b"}
LABEL_COLUMNS = ["event_id", "stored_id", "source", "role", "side", "name", "group_id", "certainty"]
ACTIVITY_COLUMNS = [
    "event_id", "source", "role", "name", "group_id", "date_start", "country_iso3", "admin1", "latitude",
    "longitude", "geo_precision",
]  # fmt: skip


def view_to_stored(events: pd.DataFrame) -> pd.DataFrame:
    """``event_id`` (the view's row) → ``stored_id`` (each stored row behind it: a fused event has several)."""
    if events.empty:
        return pd.DataFrame(columns=["event_id", "stored_id"])
    if "event_ids" not in events:
        return pd.DataFrame({"event_id": events["event_id"], "stored_id": events["event_id"]})
    behind = events[["event_id", "event_ids"]].copy()
    behind["event_ids"] = [
        list(ids) if isinstance(ids, list | tuple | np.ndarray) and len(ids) else [eid]
        for eid, ids in zip(behind["event_id"], behind["event_ids"], strict=True)
    ]
    out = behind.explode("event_ids").rename(columns={"event_ids": "stored_id"})
    return out.dropna(subset=["stored_id"]).drop_duplicates().reset_index(drop=True)


def _actor_rows(store: Store, where: str, **frames: pd.DataFrame) -> pd.DataFrame:
    with store.registered(**frames):
        return store.query(
            "SELECT a.event_id, e.source, a.role, a.name, a.ordinal, a.uncertain, e.date_start AS date, "
            f"e.country_iso3 AS country FROM event_actors a JOIN events e USING (event_id) {where}"
        )


def _attributed(actors: pd.DataFrame, resolver: Resolver) -> pd.DataFrame:
    """One row per (event, role, name, group) the names stand for on the event's date."""
    actors = actors[actors["role"].notna()]
    if actors.empty:
        return pd.DataFrame(columns=["event_id", "source", "role", "name", "group_id", "certainty"])
    # one attribution per role keeps every side's names
    out = attribute_events(actors, resolver, with_rollup=False, per_role=True)
    return out[["event_id", "source", "role", "name", "group_id", "certainty"]]


def event_labels(events: pd.DataFrame, store: object, resolver: Resolver | None = None) -> pd.DataFrame:
    """Every resolved actor label of ``events`` (a selection's rows): ``event_id`` (the view's id),
    ``stored_id``, ``source``, ``role``, ``side`` ("a"/"b"), ``name`` as written and the ``group_id`` it
    stands for on the event's date, with its ``certainty``.

    With the default registry, kept per store content and set of events (an assessment reads the labels of the
    group's events for its ties and for its theatres: computed once)."""
    if not isinstance(store, Store) or events.empty:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    from spillover.actors.resolver import resolver_inputs
    from spillover.memo import ids_key, kept, store_content

    resolver = resolver or default_resolver()
    behind = view_to_stored(events)
    built_from = resolver_inputs(resolver)
    if built_from is None:
        return _labels(store, behind, resolver)
    rows = behind["event_id"].astype(str) + "\x1f" + behind["stored_id"].astype(str)
    key = (store_content(store), built_from, ids_key(rows))
    return kept("labels", key, lambda: _labels(store, behind, resolver))


def _labels(store: Store, behind: pd.DataFrame, resolver: Resolver) -> pd.DataFrame:
    """:func:`event_labels` computed now, from the view's ids and the stored rows behind them."""
    ids = pd.DataFrame({"stored_id": behind["stored_id"].astype(str).unique()})
    actors = _actor_rows(store, "SEMI JOIN _lbl_ids s ON s.stored_id = a.event_id", _lbl_ids=ids)
    found = _attributed(actors, resolver).rename(columns={"event_id": "stored_id"})
    out = behind.merge(found, on="stored_id", how="inner")
    out["side"] = out["role"].map(SIDE)
    return out[LABEL_COLUMNS].sort_values(["event_id", "stored_id", "role", "name"], ignore_index=True)


def labelled_activity(
    store: object, group_ids: Iterable[str], resolver: Resolver | None = None
) -> pd.DataFrame:
    """Every stored event whose actor fields name one of ``group_ids`` (on the event's date), with where and
    when it happened: one row per event and group (``ACTIVITY_COLUMNS``; the role and name are the first the
    event gives the group, by role then name).

    Each group's activity is computed once per store content (an assessment asks for the same allies and
    rivals in its ties, its theatres and its parent's comparison): with the default registry it is kept
    between runs (:func:`spillover.memo.kept_each`), and the groups not kept yet are attributed together."""
    wanted = sorted(set(group_ids))
    if not isinstance(store, Store) or not wanted:
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    from spillover.actors.resolver import resolver_inputs
    from spillover.memo import kept_each, store_content

    resolver = resolver or default_resolver()

    def compute(groups: list[str]) -> dict[str, pd.DataFrame]:
        found = _activity(store, set(groups), resolver)
        return {g: part.reset_index(drop=True) for g, part in _by_group(found, groups)}

    built_from = resolver_inputs(resolver)
    if built_from is None:
        per_group = compute(wanted)
    else:
        per_group = kept_each("activity", (store_content(store), built_from), wanted, compute)
    named = [per_group[g] for g in wanted if len(per_group[g])]
    if not named:
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    return pd.concat(named, ignore_index=True)[ACTIVITY_COLUMNS].sort_values(
        ["date_start", "event_id", "group_id"], ignore_index=True
    )


def _by_group(found: pd.DataFrame, groups: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """``found`` split by group, an empty frame for a group it does not name."""
    empty = pd.DataFrame(columns=ACTIVITY_COLUMNS)
    parts = dict(tuple(found.groupby("group_id", sort=False))) if len(found) else {}
    return [(g, parts.get(g, empty)) for g in groups]


def _activity(store: Store, wanted: set[str], resolver: Resolver) -> pd.DataFrame:
    """:func:`labelled_activity` computed now."""
    from spillover.selection.group import resolved_store_names

    names = resolved_store_names(store, resolver)
    column = "candidate_ids" if "candidate_ids" in names else "group_ids"
    hit = names[column].map(lambda ids: bool(wanted.intersection(ids)))
    chosen = names.loc[hit, ["source", "name"]].drop_duplicates()
    if chosen.empty:
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    actors = _actor_rows(
        store, "JOIN _act_names n ON n.name = a.name AND n.source = e.source", _act_names=chosen
    )
    found = _attributed(actors, resolver)
    found = found[found["group_id"].isin(wanted)]
    # one row per event and group, the same whichever other groups were asked for with it
    found = found.assign(_r=found["role"].map(ROLE_RANK).fillna(len(ROLE_RANK)))
    found = found.sort_values(["event_id", "group_id", "_r", "name"], kind="stable")
    found = found.drop_duplicates(["event_id", "group_id"]).drop(columns="_r")
    if found.empty:
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    with store.registered(_act_ids=found[["event_id"]].drop_duplicates()):
        where = store.query(
            "SELECT e.event_id, e.date_start, e.country_iso3, e.admin1, e.latitude, e.longitude, e.geo_precision "
            "FROM events e SEMI JOIN _act_ids s ON s.event_id = e.event_id"
        )
    out = found.merge(where, on="event_id", how="inner")
    out["date_start"] = pd.to_datetime(out["date_start"])
    return out[ACTIVITY_COLUMNS].sort_values(["date_start", "event_id", "group_id"], ignore_index=True)
