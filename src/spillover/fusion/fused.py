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

from spillover._frames import column_or_missing, concat_rows
from spillover._lazy import lazy_module
from spillover.fusion.matching import MatchRule, match_events, normalised_places
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
#: The columns a fused event takes from its most precisely placed row.
PLACE_COLUMNS: tuple[str, ...] = (
    "country_iso3", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "geo_precision_raw",
)  # fmt: skip
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


# --- fused events: every cluster at once ----------------------------------------------------------------------
#
# Each rule below works on all the clusters of a view together, column by column (a branch of a large family
# has thousands of clusters; a Python loop over clusters and their records took seconds).  ``codes`` numbers
# each row's cluster 0..k-1; rows of a cluster keep the order of the view, which breaks every tie.

Row = dict[str, Any]


def _pick(codes: np.ndarray, *keys: Any) -> np.ndarray:
    """Position of each cluster's first row in the order of ``keys`` (ties: the rows' order), cluster by cluster."""
    table = pd.DataFrame({"c": codes, **{f"k{i}": np.asarray(k) for i, k in enumerate(keys)}})
    table["pos"] = np.arange(len(table))
    return table.sort_values(list(table.columns), kind="stable").drop_duplicates("c")["pos"].to_numpy()


def _per_cluster(codes: np.ndarray, keys: Any, values: Any, k: int) -> list[dict[Any, Any]]:
    """One dict per cluster of ``keys`` → ``values`` (in the rows' order)."""
    out: list[dict[Any, Any]] = [{} for _ in range(k)]
    for c, key, value in zip(codes, keys, values, strict=True):
        out[c][key] = value
    return out


def _reconcile_tolls(
    frame: pd.DataFrame, codes: np.ndarray, k: int, column: str, rule: str
) -> tuple[np.ndarray, list[str], list[dict[str, float]], list[dict[str, float]]]:
    """Per cluster: (value, rule applied, figure per event id, figure per source).  One figure per source:
    the rows of one file are summed (GED's dyad rows of one attack), the files of one source give their
    median (an event exported twice by ACLED counts once); sources that disagree are reconciled by
    ``TOLL_RULES[rule]``."""
    values = pd.to_numeric(column_or_missing(frame, column), errors="coerce").astype(float)
    known = values.notna().to_numpy()
    figures = values.to_numpy()[known]
    per_event = _per_cluster(
        codes[known], frame["event_id"].astype(str).to_numpy()[known], figures.tolist(), k
    )
    files = pd.DataFrame({
        "c": codes[known], "source": frame["source"].astype(str).to_numpy()[known],
        "file": column_or_missing(frame, "file_id").astype(str).to_numpy()[known], "v": figures,
    })  # fmt: skip
    per_file = files.groupby(["c", "source", "file"], sort=False)["v"].sum()
    by_source = per_file.groupby(level=["c", "source"], sort=False).median()
    per_source = _per_cluster(
        by_source.index.get_level_values("c").to_numpy(), by_source.index.get_level_values("source"),
        by_source.tolist(), k,
    )  # fmt: skip
    value, why = np.full(k, np.nan), []
    for c, figure in enumerate(per_source):
        if not figure:
            why.append(f"{column}=unknown")
        elif len(figure) == 1:
            ((source, value[c]),) = figure.items()
            why.append(f"{column}=only:{source}")
        elif len(set(figure.values())) == 1:
            value[c] = next(iter(figure.values()))
            why.append(f"{column}=agree")
        else:
            value[c], applied = TOLL_RULES[rule]({f"{s}:": v for s, v in figure.items()})
            why.append(f"{column}={applied}")
    return value, why, per_event, per_source


def _reconcile_dates(frame: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Per cluster: ``date_start``, ``date_end``, ``date_precision`` and the rule applied: the intersection of
    the intervals when they overlap ("agree" when they are all the same), else the narrowest interval
    (ties: the earliest start, then the first row)."""
    starts, ends = pd.to_datetime(frame["date_start"]), pd.to_datetime(frame["date_end"])
    by = pd.DataFrame({"c": codes, "s": starts, "e": ends}).groupby("c")
    lo, hi = by["s"].max(), by["e"].min()
    same = (by["s"].nunique() == 1) & (by["e"].nunique() == 1)
    narrow = _pick(codes, (ends - starts).to_numpy(), starts.to_numpy())
    days = (hi - lo).dt.days
    overlap = (lo <= hi).to_numpy()
    ids = frame["event_id"].to_numpy()[narrow]
    return pd.DataFrame({
        "date_start": np.where(overlap, lo.to_numpy(), starts.to_numpy()[narrow]),
        "date_end": np.where(overlap, hi.to_numpy(), ends.to_numpy()[narrow]),
        "date_precision": np.where(
            overlap, np.select([days == 0, days <= 6, days <= 31], ["day", "week", "month"], "year"),
            column_or_missing(frame, "date_precision").astype(str).to_numpy()[narrow],
        ),
        "why": np.where(
            overlap, np.where(same, "date=agree", "date=intersection"), [f"date=narrowest:{e}" for e in ids]
        ),
    })  # fmt: skip


def _tactics_united(frame: pd.DataFrame, codes: np.ndarray, k: int) -> list[list[str]]:
    """Per cluster: every tactic any of its rows names, in the rows' order."""
    seen: list[dict[str, None]] = [{} for _ in range(k)]
    for c, value in zip(codes, frame["tactics"], strict=True):
        if not _missing(value):
            seen[c].update(dict.fromkeys(str(v) for v in value))
    return [list(s) for s in seen]


def _any_flag(frame: pd.DataFrame, codes: np.ndarray, column: str, k: int) -> list[bool | None]:
    """Per cluster: whether a row flags ``column`` (None when no row says either way)."""
    known = frame[column].notna().to_numpy()
    flags = pd.Series(frame[column].to_numpy()[known].astype(bool)).groupby(codes[known]).any()
    out: list[bool | None] = [None] * k
    for c, flag in zip(flags.index.tolist(), flags.tolist(), strict=True):
        out[c] = bool(flag)
    return out


def _date_texts(frame: pd.DataFrame) -> list[str]:
    """ "2014-03-02" or "2014-03-01..2014-03-31": each row's interval as its source gives it."""
    start, end = pd.to_datetime(frame["date_start"]), pd.to_datetime(frame["date_end"])
    # numpy writes a day as "%Y-%m-%d" does, and a missing one as "NaT" (strftime per row cost ~10 ms a branch)
    first = np.datetime_as_string(start.to_numpy(dtype="datetime64[ns]"), unit="D").astype(object)
    last = np.datetime_as_string(end.to_numpy(dtype="datetime64[ns]"), unit="D").astype(object)
    same = (start.dt.normalize() == end.dt.normalize()).to_numpy()
    return [a if s else f"{a}..{b}" for a, b, s in zip(first, last, same, strict=True)]


def _missing(value: Any) -> bool:
    return (
        value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and np.isnan(value))
    )


def _place_texts(frame: pd.DataFrame) -> list[str]:
    """ "Gao (16.272, -0.044; point)" or "Kidal (admin1)": each row's place as its source gives it."""
    out = []
    columns = ("location", "admin1", "latitude", "longitude", "geo_precision")
    for location, admin1, lat, lon, geo in zip(*(column_or_missing(frame, c) for c in columns), strict=True):
        name = admin1 if _missing(location) else location
        name = name if isinstance(name, str) and name else "?"
        if _missing(lat) or _missing(lon):
            out.append(f"{name} ({None if geo is pd.NA else geo})")
        else:
            out.append(f"{name} ({lat:.3f}, {lon:.3f}; {None if geo is pd.NA else geo})")
    return out


def _as_from_records(frame: pd.DataFrame) -> pd.DataFrame:
    """The fused rows as a frame built from their Python values would be, as a view has always had them where a
    cluster holds several rows: dates in nanoseconds, nullable booleans as objects (booleans when none is
    missing), integers in 64 bits, and the columns of one dtype in one block (concatenating it with the single
    rows then keeps their missing values as they are; pandas turns a block of missing values alone into NaN)."""
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype) or not hasattr(dtype, "kind"):
            continue
        if dtype.kind == "M" and dtype != np.dtype("datetime64[ns]"):
            frame[name] = frame[name].astype("datetime64[ns]")
        elif isinstance(dtype, pd.BooleanDtype) and frame[name].isna().any():
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
        elif isinstance(dtype, pd.BooleanDtype):
            frame[name] = frame[name].astype(bool)
        elif dtype.kind in "iu" and dtype != np.dtype("int64"):
            frame[name] = frame[name].astype("int64")
    return frame.copy()  # a copy is consolidated: one block per dtype


def fuse_clusters(frame: pd.DataFrame, toll_rule: str = "median") -> pd.DataFrame:
    """One fused event per cluster of ``frame`` (rows of several sources, ``_cluster`` set), by the rules of the
    module docstring: the descriptive columns of the first source in :data:`DESCRIPTIVE_PREFERENCE` that names
    a tactic, reconciled tolls and dates, the most precise place, the best attribution, every source's figures,
    the fields the sources disagree on and the rules applied (``reconciled_by``), ``sources`` and ``event_ids``."""
    codes, _ = pd.factorize(frame["_cluster"])
    rows = frame.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)
    codes, k = np.sort(codes, kind="stable"), int(codes.max()) + 1 if len(codes) else 0
    ids = rows["event_id"].astype(str)
    pref = {s: i for i, s in enumerate(DESCRIPTIVE_PREFERENCE)}
    tactic = column_or_missing(rows, "tactic")
    base = _pick(
        codes, (tactic.isna() | tactic.eq("unknown")).to_numpy(),
        rows["source"].map(pref).fillna(len(pref)).to_numpy(), ids.to_numpy(),
    )  # fmt: skip
    out = rows.iloc[base].reset_index(drop=True)
    reasons: list[list[str]] = [[] for _ in range(k)]
    by_source: dict[str, list[dict[str, float]]] = {}
    for column in ("fatalities", "wounded"):
        value, why, per_event, by_source[column] = _reconcile_tolls(rows, codes, k, column, toll_rule)
        out[column], out[f"{column}_by_event"], out[f"{column}_by_source"] = (
            value,
            per_event,
            by_source[column],
        )
        for c, w in enumerate(why):
            reasons[c].append(w)
    low = rows[[c for c in ("fatalities_low", "fatalities") if c in rows]].astype(float).min(axis=1)
    high = rows[[c for c in ("fatalities_high", "fatalities") if c in rows]].astype(float).max(axis=1)
    out["fatalities_low"] = low.groupby(codes).min().to_numpy()
    out["fatalities_high"] = high.groupby(codes).max().to_numpy()
    dates = _reconcile_dates(rows, codes)
    out["date_start"], out["date_end"] = dates["date_start"], dates["date_end"]
    out["date_precision"] = dates["date_precision"]
    out["year"] = pd.DatetimeIndex(dates["date_start"]).year.astype("int64")
    place = _pick(codes, rows["geo_precision"].map(_GEO_RANK).fillna(len(_GEO_RANK)).to_numpy())
    for column in PLACE_COLUMNS:
        if column in rows:
            out[column] = rows[column].to_numpy()[place]
    for c, (d, p, b) in enumerate(
        zip(dates["why"], ids.to_numpy()[place], ids.to_numpy()[base], strict=True)
    ):
        reasons[c] += [d, f"place=most_precise:{p}", f"other=from:{b}"]
    if "tactics" in rows:
        out["tactics"] = _tactics_united(rows, codes, k)
    if "suicide" in rows:
        out["suicide"] = _any_flag(rows, codes, "suicide", k)
    if "certainty" in rows:
        best = _pick(codes, rows["certainty"].map(_CERTAINTY_ORDER).fillna(9).to_numpy())
        for column in ("group_id", "certainty", "via", "org_as_of", "org_name_as_of"):
            if column in rows:
                out[column] = rows[column].to_numpy()[best]
    date_texts, place_texts = _date_texts(rows), _place_texts(rows)
    out["date_by_event"] = _per_cluster(codes, ids, date_texts, k)
    out["place_by_event"] = _per_cluster(codes, ids, place_texts, k)
    dates_differ = pd.Series(date_texts).groupby(codes).nunique().to_numpy() > 1
    places = normalised_places(column_or_missing(rows, "location"))
    named = (places != "").to_numpy()
    places_differ = np.zeros(k, dtype=bool)
    places_differ[np.unique(codes[named])] = places[named].groupby(codes[named]).nunique().to_numpy() > 1
    out["disagreements"] = [
        [c for c in ("fatalities", "wounded") if len(set(by_source[c][n].values())) > 1]
        + (["date"] if dates_differ[n] else []) + (["place"] if places_differ[n] else [])
        for n in range(k)
    ]  # fmt: skip
    out["reconciled_by"] = ["; ".join(r) for r in reasons]
    sources: list[set[str]] = [set() for _ in range(k)]
    members: list[list[str]] = [[] for _ in range(k)]
    for c, source, eid in zip(codes, rows["source"].astype(str), ids, strict=True):
        sources[c].add(source)
        members[c].append(eid)
    out["sources"] = [sorted(s) for s in sources]
    out["event_ids"] = [sorted(m) for m in members]
    return _as_from_records(out)


def fuse_rows(rows: list[Row], toll_rule: str = "median") -> Row:
    """One fused event from the rows (records) of several sources (see the module docstring for the rules)."""
    frame = pd.DataFrame(rows).assign(_cluster=0)
    return (
        fuse_clusters(frame, toll_rule).drop(columns=["_cluster", "sources", "event_ids"]).iloc[0].to_dict()
    )


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
    multi = fuse_clusters(frame[sizes > 1], toll_rule) if (sizes > 1).any() else None
    fused = single if multi is None else concat_rows([single, multi])
    fused["n_sources"] = fused["sources"].map(len)
    fused["source"] = fused["sources"].map("+".join)
    fused["view"] = VIEW_FUSED
    fused = fused.drop(columns="_cluster").sort_values(["date_start", "event_id"], ignore_index=True)
    fused = _ordered(fused, events)
    fused.attrs["view"] = VIEW_FUSED
    fused.attrs["toll_rule"] = toll_rule
    return fused


def _single_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Events no other source reports: their own values, with the fusion columns filled in."""
    out = rows.copy()
    ids = out["event_id"].astype(str)
    out["sources"] = out["source"].map(lambda s: [str(s)])
    out["event_ids"] = ids.map(lambda e: [e])
    out["reconciled_by"] = "single source"
    for column in ("fatalities", "wounded"):
        known = out[column].notna().to_numpy()
        out[f"{column}_by_event"] = [
            ({e: float(v)} if k else {}) for e, v, k in zip(ids, out[column], known, strict=True)
        ]
        out[f"{column}_by_source"] = [
            ({str(s): float(v)} if k else {})
            for s, v, k in zip(out["source"], out[column], known, strict=True)
        ]
    out["date_by_event"] = [{e: t} for e, t in zip(ids, _date_texts(out), strict=True)]
    out["place_by_event"] = [{e: t} for e, t in zip(ids, _place_texts(out), strict=True)]
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
