"""The fused view: one row per real-world event, whichever datasets report it.

Merged links (:mod:`spillover.fusion.matching`) join events into *fused events* (connected components,
built with networkx).  Each fused event keeps every source's figure where they disagree and a reconciled
value with the name of the rule that chose it, so that nothing is silently overwritten:

* **fatalities** and **wounded** — the *median* of the sources that give a figure (default).  The median
  privileges no dataset, and with three or more sources one outlier cannot move it; with two it is their
  mean.  ``fatalities_low``/``fatalities_high`` become the lowest and highest figure any source gives, so
  the spread of the sources stays visible.  Other rules: ``ged_first`` (UCDP's best estimate when GED
  reports the event — researched per event — else the median), ``max`` and ``min``.
* **date** — the intersection of the sources' intervals when they overlap (each source narrows it), else
  the narrowest interval (the most precise source).
* **place** — the most precise place (``geo_precision`` point < near < admin2 < admin1 < country < none).
* **tactic and the other descriptive columns** — the first source, in :data:`DESCRIPTIVE_PREFERENCE` order,
  that names a tactic (GTD codes attack types most finely); the ``tactics`` of every source are united.

The frame has the event-schema columns, so every analysis accepts it, plus ``sources``, ``event_ids``,
``n_sources``, ``reconciled_by``, every source's figures (``fatalities_by_source``: one figure per source,
``fatalities_by_event``, ``wounded_*``, ``date_by_event``, ``place_by_event``: keyed by event id),
``disagreements`` (the fields on which the sources differ) and ``view`` (also in ``frame.attrs["view"]``): ``"fused"`` here, a source name for a
single-source view (:func:`source_view`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from spillover._lazy import lazy_module
from spillover.fusion.matching import MatchRule, match_events, normalise_place
from spillover.schema import EVENT_COLUMN_NAMES, GEO_PRECISIONS
from spillover.store import Store

nx = lazy_module("networkx")  # imported when a graph is built (~0.2 s)

VIEW_FUSED = "fused"

#: Order in which sources lend their descriptive columns (tactic, actors, description) to a fused event.
DESCRIPTIVE_PREFERENCE: tuple[str, ...] = ("gtd", "rand", "acled", "ged")

#: Columns a fused view adds to the event schema.
FUSION_COLUMNS: tuple[str, ...] = (
    "sources",
    "event_ids",
    "n_sources",
    "reconciled_by",
    "fatalities_by_source",
    "fatalities_by_event",
    "wounded_by_source",
    "wounded_by_event",
    "date_by_event",
    "place_by_event",
    "disagreements",
    "view",
)

_CERTAINTY_ORDER = {"certain": 0, "joint": 1, "uncertain": 2}
_GEO_RANK = {g: i for i, g in enumerate(GEO_PRECISIONS)}


def _median(values: dict[str, float]) -> tuple[float, str]:
    return float(np.median(list(values.values()))), "median"


def _ged_first(values: dict[str, float]) -> tuple[float, str]:
    ged = [v for k, v in values.items() if k.startswith("ged:")]
    return (float(ged[0]), "ged_best") if ged else _median(values)


def _max(values: dict[str, float]) -> tuple[float, str]:
    return float(max(values.values())), "max"


def _min(values: dict[str, float]) -> tuple[float, str]:
    return float(min(values.values())), "min"


#: Toll reconciliation rules by name: each takes {event_id: figure} and returns (value, rule applied).
TOLL_RULES: dict[str, Callable[[dict[str, float]], tuple[float, str]]] = {
    "median": _median,
    "ged_first": _ged_first,
    "max": _max,
    "min": _min,
}


# --- clusters ------------------------------------------------------------------------------------------------


def fused_clusters(event_ids: Iterable[str], links: pd.DataFrame) -> pd.Series:
    """Cluster number of each event: the connected components of the merged links among ``event_ids``
    (an event without a merged link is a cluster of its own)."""
    ids = list(dict.fromkeys(event_ids))
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    if len(links):
        keep = links[links["merged"].astype(bool)]
        inside = keep["event_id_a"].isin(graph) & keep["event_id_b"].isin(graph)
        graph.add_edges_from(zip(keep.loc[inside, "event_id_a"], keep.loc[inside, "event_id_b"], strict=True))
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])
    return pd.Series({eid: n for n, comp in enumerate(components) for eid in comp}, name="cluster")


# --- one fused event ------------------------------------------------------------------------------------------

Row = dict[str, Any]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def _known(rows: list[Row], column: str) -> dict[str, float]:
    return {str(r["event_id"]): float(r[column]) for r in rows if not _missing(r.get(column))}


def _per_source(rows: list[Row], values: dict[str, float]) -> dict[str, float]:
    """One figure per source: rows of one file are summed (GED's dyad rows of one attack), files of one source
    give their median (an event exported twice by ACLED counts once)."""
    by_file: dict[tuple[str, str], float] = {}
    for r in rows:
        eid = str(r["event_id"])
        if eid in values:
            key = (str(r["source"]), str(r.get("file_id")))
            by_file[key] = by_file.get(key, 0.0) + values[eid]
    by_source: dict[str, list[float]] = {}
    for (source, _), value in by_file.items():
        by_source.setdefault(source, []).append(value)
    return {s: float(np.median(v)) for s, v in by_source.items()}


def _reconcile_toll(
    rows: list[Row], column: str, rule: str
) -> tuple[float, str, dict[str, float], dict[str, float]]:
    """(value, rule applied, figure per event id, figure per source)."""
    per_event = _known(rows, column)
    if not per_event:
        return np.nan, f"{column}=unknown", per_event, {}
    per_source = _per_source(rows, per_event)
    if len(per_source) == 1:
        ((source, value),) = per_source.items()
        return value, f"{column}=only:{source}", per_event, per_source
    if len(set(per_source.values())) == 1:
        return next(iter(per_source.values())), f"{column}=agree", per_event, per_source
    value, applied = TOLL_RULES[rule]({f"{s}:": v for s, v in per_source.items()})
    return value, f"{column}={applied}", per_event, per_source


def _reconcile_date(rows: list[Row]) -> tuple[pd.Timestamp, pd.Timestamp, str, str]:
    starts = [pd.Timestamp(r["date_start"]) for r in rows]
    ends = [pd.Timestamp(r["date_end"]) for r in rows]
    lo, hi = max(starts), min(ends)
    if lo <= hi:
        rule = "date=agree" if len(set(starts)) == 1 and len(set(ends)) == 1 else "date=intersection"
        return lo, hi, _precision_of(lo, hi), rule
    i = min(range(len(rows)), key=lambda k: (ends[k] - starts[k], starts[k]))
    return starts[i], ends[i], str(rows[i]["date_precision"]), f"date=narrowest:{rows[i]['event_id']}"


def _precision_of(start: pd.Timestamp, end: pd.Timestamp) -> str:
    days = (end - start).days
    return "day" if days == 0 else "week" if days <= 6 else "month" if days <= 31 else "year"


def _most_precise_place(rows: list[Row]) -> Row:
    return min(rows, key=lambda r: _GEO_RANK.get(r.get("geo_precision"), len(_GEO_RANK)))


def _descriptive_base(rows: list[Row]) -> Row:
    pref = {s: i for i, s in enumerate(DESCRIPTIVE_PREFERENCE)}
    return min(
        rows,
        key=lambda r: (
            _missing(r.get("tactic")) or r.get("tactic") == "unknown",
            pref.get(r.get("source"), len(pref)),
            str(r["event_id"]),
        ),
    )


def _place_text(row: Row) -> str:
    name = row.get("location") if not _missing(row.get("location")) else row.get("admin1")
    name = name if isinstance(name, str) and name else "?"
    if not _missing(row.get("latitude")) and not _missing(row.get("longitude")):
        return f"{name} ({row['latitude']:.3f}, {row['longitude']:.3f}; {row.get('geo_precision')})"
    return f"{name} ({row.get('geo_precision')})"


def _date_text(row: Row) -> str:
    start, end = pd.Timestamp(row["date_start"]).date(), pd.Timestamp(row["date_end"]).date()
    return str(start) if start == end else f"{start}..{end}"


def fuse_rows(rows: list[Row], toll_rule: str = "median") -> Row:
    """One fused event from the rows (records) of several sources (see the module docstring for the rules)."""
    base = _descriptive_base(rows)
    out: Row = dict(base)
    reasons: list[str] = []
    for column in ("fatalities", "wounded"):
        value, why, per_event, per_source = _reconcile_toll(rows, column, toll_rule)
        out[column], out[f"{column}_by_event"], out[f"{column}_by_source"] = value, per_event, per_source
        reasons.append(why)
    lows = [r.get(c) for r in rows for c in ("fatalities_low", "fatalities") if not _missing(r.get(c))]
    highs = [r.get(c) for r in rows for c in ("fatalities_high", "fatalities") if not _missing(r.get(c))]
    out["fatalities_low"] = float(min(lows)) if lows else np.nan
    out["fatalities_high"] = float(max(highs)) if highs else np.nan
    start, end, precision, why = _reconcile_date(rows)
    out.update(date_start=start, date_end=end, date_precision=precision, year=int(start.year))
    reasons.append(why)
    place = _most_precise_place(rows)
    for column in (
        "country_iso3",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "geo_precision_raw",
    ):
        if column in place:
            out[column] = place[column]
    reasons += [f"place=most_precise:{place['event_id']}", f"other=from:{base['event_id']}"]
    if "tactics" in base:
        out["tactics"] = _union_lists(r.get("tactics") for r in rows)
    if "suicide" in base:
        flags = [bool(r["suicide"]) for r in rows if not _missing(r.get("suicide"))]
        out["suicide"] = any(flags) if flags else None
    out.update(_group_columns(rows))
    out["date_by_event"] = {str(r["event_id"]): _date_text(r) for r in rows}
    out["place_by_event"] = {str(r["event_id"]): _place_text(r) for r in rows}
    out["disagreements"] = _disagreements(out, rows)
    out["reconciled_by"] = "; ".join(reasons)
    return out


def _union_lists(values: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            seen.update(dict.fromkeys(str(v) for v in value))
    return list(seen)


def _group_columns(rows: list[Row]) -> Row:
    """Group attribution of the best-attributed row (certain before joint before uncertain)."""
    if "certainty" not in rows[0]:
        return {}
    best = min(rows, key=lambda r: _CERTAINTY_ORDER.get(r.get("certainty"), 9))
    return {c: best[c] for c in ("group_id", "certainty", "via", "org_as_of", "org_name_as_of") if c in best}


def _disagreements(fused: Row, rows: list[Row]) -> list[str]:
    """The fields on which the sources of one fused event differ."""
    found = [c for c in ("fatalities", "wounded") if len(set(fused[f"{c}_by_source"].values())) > 1]
    if len(set(fused["date_by_event"].values())) > 1:
        found.append("date")
    places = {normalise_place(r.get("location")) for r in rows} - {""}
    if len(places) > 1:
        found.append("place")
    return found


# --- views ---------------------------------------------------------------------------------------------------


def fused_events(
    store: Store,
    events: pd.DataFrame,
    links: pd.DataFrame | None = None,
    *,
    rule: MatchRule | None = None,
    toll_rule: str = "median",
) -> pd.DataFrame:
    """The fused view of ``events`` (a frame with the event-schema columns, e.g. ``select(store, group, view="all").events``).

    ``links`` are the links to use (e.g. :func:`~spillover.fusion.matching.load_links` of the store-wide
    run); by default they are computed now among ``events`` only.  Only merged links whose two events are
    both in ``events`` count."""
    if toll_rule not in TOLL_RULES:
        raise ValueError(f"unknown toll rule {toll_rule!r}; choose from {sorted(TOLL_RULES)}")
    if links is None:
        links = (
            match_events(store, events, rule=rule)
            if len(events)
            else pd.DataFrame(columns=["event_id_a", "event_id_b", "merged"])
        )
    frame = events.reset_index(drop=True)
    clusters = fused_clusters(frame["event_id"], links)
    frame = frame.assign(_cluster=frame["event_id"].map(clusters))
    sizes = frame["_cluster"].map(frame["_cluster"].value_counts())
    single = _single_rows(frame[sizes == 1])
    multi = [
        fuse_rows(rows, toll_rule)
        | {
            "_cluster": c,
            "sources": sorted({str(r["source"]) for r in rows}),
            "event_ids": sorted(str(r["event_id"]) for r in rows),
        }
        for c, rows in _records_by_cluster(frame[sizes > 1]).items()
    ]
    fused = pd.concat([single, pd.DataFrame(multi)], ignore_index=True) if multi else single
    fused["n_sources"] = fused["sources"].map(len)
    fused["source"] = fused["sources"].map("+".join)
    fused["view"] = VIEW_FUSED
    fused = fused.drop(columns="_cluster").sort_values(["date_start", "event_id"], ignore_index=True)
    fused = _ordered(fused, events)
    fused.attrs["view"] = VIEW_FUSED
    fused.attrs["toll_rule"] = toll_rule
    return fused


def _records_by_cluster(frame: pd.DataFrame) -> dict[int, list[Row]]:
    clusters: dict[int, list[Row]] = {}
    for record in frame.to_dict("records"):
        clusters.setdefault(int(record["_cluster"]), []).append(record)
    return clusters


def _single_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Events no other source reports: their own values, with the fusion columns filled in."""
    out = rows.copy()
    ids = out["event_id"].astype(str)
    out["sources"] = out["source"].map(lambda s: [str(s)])
    out["event_ids"] = ids.map(lambda e: [e])
    out["reconciled_by"] = "single source"
    for column in ("fatalities", "wounded"):
        out[f"{column}_by_event"] = [
            ({e: float(v)} if pd.notna(v) else {}) for e, v in zip(ids, out[column], strict=True)
        ]
        out[f"{column}_by_source"] = [
            ({str(s): float(v)} if pd.notna(v) else {})
            for s, v in zip(out["source"], out[column], strict=True)
        ]
    records = out.to_dict("records")
    out["date_by_event"] = [{e: _date_text(r)} for e, r in zip(ids, records, strict=True)]
    out["place_by_event"] = [{e: _place_text(r)} for e, r in zip(ids, records, strict=True)]
    out["disagreements"] = [[] for _ in range(len(out))]
    return out


def _ordered(fused: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    first = [c for c in EVENT_COLUMN_NAMES if c in fused]
    extra = [c for c in events.columns if c not in first and c in fused]
    rest = [c for c in FUSION_COLUMNS if c in fused]
    return fused[first + extra + [c for c in rest if c not in extra]]


def source_view(events: pd.DataFrame, source: str) -> pd.DataFrame:
    """The events of one source, with the fusion columns, so that an analysis can run on one dataset
    alone and say so (``view`` = the source)."""
    rows = _single_rows(events[events["source"] == source].reset_index(drop=True))
    rows["n_sources"] = 1
    rows["view"] = source
    rows.attrs["view"] = source
    return rows


def events_view(store: Store, events: pd.DataFrame, view: str = VIEW_FUSED, **options: Any) -> pd.DataFrame:
    """``events`` as the analyst asked: ``"fused"`` (each real event once) or one source (``"ged"`` …)."""
    if view == VIEW_FUSED:
        return fused_events(store, events, **options)
    return source_view(events, view)


def view_of(frame: pd.DataFrame) -> str:
    """Which view a frame is: ``"fused"``, a source name, or ``"events"`` for a plain event frame."""
    if "view" in frame.attrs:
        return str(frame.attrs["view"])
    if "view" in frame and len(frame):
        return str(frame["view"].iloc[0])
    return "events"
