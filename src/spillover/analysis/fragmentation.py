"""Did a group split into separate theatres, and when?  Density-based clustering of its events per period.

Per period (year, quarter, or rolling windows) the group's located events are clustered with DBSCAN on
great-circle distance (scikit-learn, haversine metric on radians).  DBSCAN needs no number of clusters: a
theatre is a set of at least ``min_samples`` events chained by gaps of at most ``eps_km``.  The default
``eps_km = 300`` is about the radius a mobile armed group covers within a region (the Kidal–Gao–Timbuktu
triangle, or Borno state and its neighbours, fit inside one theatre) while the 1,500+ km between, e.g.,
northern Algeria and northern Mali separate two.  Events located only to the country (or not at all) are
left out, and their number is reported.

The split date is the first period with two or more theatres that follows a period with exactly one.
Clusters are described by their countries, first-level units and centroid, and — given ``factions`` — by
the faction whose countries best cover the cluster's events.  Given the datasets' actor ``labels`` of the
events and the ``related`` groups' activity, each theatre is also *named* by its factions
(:func:`spillover.analysis.factions.name_theatre`: the one rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spillover.analysis._common import Periods, assign_periods, ids, named_periods, with_dates
from spillover.analysis.factions import name_theatre
from spillover.results import Result

EARTH_RADIUS_KM = 6371.0088
#: Geographic precisions too coarse to place an event in a theatre.
COARSE_GEO = frozenset({"country", "none"})


@dataclass
class Fragmentation(Result):
    """Theatres per period, their description, and when one theatre became several."""

    _frame = "theatres"

    theatres: pd.DataFrame  # one row per period: start, end, n_events, n_theatres, n_noise, evidence
    clusters: (
        pd.DataFrame
    )  # one row per period and theatre: n_events, centroid, countries, admin1, faction, ids
    split_period: str | None  # first period with ≥2 theatres after a period with exactly 1
    split_date: pd.Timestamp | None  # start of that period
    n_used: int  # located events used
    n_excluded: int  # events left out: coarse geo precision or missing coordinates
    n_undated: int  # located events in no period (date range straddles a boundary, or outside periods)
    eps_km: float
    min_samples: int
    algorithm: str
    evidence: list[str] = field(default_factory=list)  # ids from each theatre of the split period


def located(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Events precise enough to cluster, and how many were left out (country-level, none, no coordinates)."""
    lat = pd.to_numeric(events.get("latitude"), errors="coerce")
    lon = pd.to_numeric(events.get("longitude"), errors="coerce")
    ok = lat.notna() & lon.notna() & lat.between(-90, 90) & lon.between(-180, 180)
    if "geo_precision" in events:
        ok &= ~events["geo_precision"].isin(COARSE_GEO)
    kept = events[ok].assign(latitude=lat[ok], longitude=lon[ok])
    return kept, int((~ok).sum())


def cluster_labels(
    lat: np.ndarray, lon: np.ndarray, *, eps_km: float, min_samples: int, algorithm: str = "dbscan"
) -> np.ndarray:
    """Cluster label per point (−1 = noise), great-circle distances via the haversine metric."""
    from sklearn.cluster import DBSCAN, HDBSCAN

    if len(lat) == 0:
        return np.array([], dtype=int)
    X = np.radians(np.column_stack([lat, lon]))
    if algorithm == "dbscan":
        model = DBSCAN(eps=eps_km / EARTH_RADIUS_KM, min_samples=min_samples, metric="haversine")
    elif algorithm == "hdbscan":
        if len(lat) < max(min_samples, 2):
            return np.full(len(lat), -1)
        model = HDBSCAN(
            min_cluster_size=min_samples,
            metric="haversine",
            cluster_selection_epsilon=eps_km / EARTH_RADIUS_KM,
            copy=True,
        )
    else:
        raise ValueError("algorithm must be 'dbscan' or 'hdbscan'")
    return model.fit_predict(X)


def theatres(
    events: pd.DataFrame,
    periods: Periods = "year",
    *,
    eps_km: float = 300.0,
    min_samples: int = 5,
    algorithm: str = "dbscan",
    factions: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
    related: pd.DataFrame | None = None,
) -> Fragmentation:
    """Number of distinct theatres per period, the clusters described, and the date one became several.

    ``periods`` is "year", "quarter", "month" or ``label → (start, end)`` (see ``rolling_periods`` for
    overlapping windows).  ``factions`` has columns ``name, group_id, leader, countries`` (ISO3 codes,
    a list or a comma-separated string; ``region`` is accepted instead), ``start, end``.  ``labels``
    (``event_id, name, source``: :func:`~spillover.analysis.factions.own_labels`) and ``related``
    (:func:`~spillover.analysis.factions.related_activity`) name each theatre by its factions.
    """
    naming = {"labels": labels, "related": related, "eps_km": eps_km, "min_events": min_samples}
    ev, n_excluded = located(with_dates(events))
    tagged, n_undated = assign_periods(ev, periods)
    table = named_periods(periods, with_dates(events))
    theatre_rows, cluster_rows = [], []
    for p in table.itertuples(index=False):
        sub = tagged[tagged["period"] == p.period]
        labels = cluster_labels(
            sub["latitude"].to_numpy(), sub["longitude"].to_numpy(),
            eps_km=eps_km, min_samples=min_samples, algorithm=algorithm,
        )  # fmt: skip
        sub = sub.assign(theatre=labels)
        found = sorted(set(labels) - {-1})
        described = [_describe_cluster(sub[sub["theatre"] == k], p, factions, naming) for k in found]
        described.sort(key=lambda d: -d["n_events"])
        for i, d in enumerate(described, start=1):
            cluster_rows.append({"period": p.period, "theatre": i, **d})
        theatre_rows.append(
            {
                "period": p.period,
                "start": p.start,
                "end": p.end,
                "n_events": len(sub),
                "n_theatres": len(found),
                "n_noise": int((labels == -1).sum()),
            }
        )
    theatres_table = pd.DataFrame(
        theatre_rows, columns=["period", "start", "end", "n_events", "n_theatres", "n_noise"]
    ).set_index("period")
    clusters = pd.DataFrame(cluster_rows, columns=_CLUSTER_COLUMNS)
    split = first_split(theatres_table["n_theatres"])
    evidence = (
        []
        if split is None
        else [e for ev_ in clusters[clusters["period"] == split]["evidence"] for e in ev_[:5]]
    )
    return Fragmentation(
        theatres=theatres_table,
        clusters=clusters,
        split_period=split,
        split_date=theatres_table.loc[split, "start"] if split is not None else None,
        n_used=int(tagged["_row"].nunique()) if len(tagged) else 0,
        n_excluded=n_excluded,
        n_undated=n_undated,
        eps_km=eps_km,
        min_samples=min_samples,
        algorithm=algorithm,
        evidence=evidence,
    )


_CLUSTER_COLUMNS = [
    "period", "theatre", "n_events", "centroid_lat", "centroid_lon", "radius_km", "countries", "admin1",
    "first_date", "last_date", "faction", "faction_leader", "faction_overlap", "evidence", "name",
    "faction_labels", "related_factions",
]  # fmt: skip


def first_split(n_theatres: pd.Series) -> str | None:
    """Label of the first period with ≥ 2 theatres right after a period with exactly 1."""
    values = n_theatres.tolist()
    for prev, (label, cur) in zip(values[:-1], list(n_theatres.items())[1:], strict=True):
        if prev == 1 and cur >= 2:
            return str(label)
    return None


def _counts(values: pd.Series, top: int = 5) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.dropna().astype(str).value_counts().head(top).items()}


def _describe_cluster(
    cluster: pd.DataFrame, period: Any, factions: pd.DataFrame | None, naming: dict[str, Any]
) -> dict[str, Any]:
    """Size, centroid (mean of coordinates: theatres are regional, far from the antimeridian), spread,
    countries and first-level units (with counts), dates, matching faction and evidence ids."""
    lat, lon = cluster["latitude"].to_numpy(), cluster["longitude"].to_numpy()
    c_lat, c_lon = float(lat.mean()), float(lon.mean())
    countries = cluster["country_iso3"] if "country_iso3" in cluster else pd.Series(dtype=str)
    faction = match_faction(countries, period, factions)
    return {
        "n_events": len(cluster),
        "centroid_lat": c_lat,
        "centroid_lon": c_lon,
        "radius_km": float(np.max(_haversine_km(lat, lon, c_lat, c_lon))),
        "countries": _counts(countries),
        "admin1": _counts(cluster["admin1"]) if "admin1" in cluster else {},
        "first_date": cluster["date_start"].min(),
        "last_date": cluster["date_start"].max(),
        **faction,
        "evidence": ids(cluster),
        **name_theatre(cluster, period, **naming),
    }


def _haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    from sklearn.metrics.pairwise import haversine_distances

    pts = np.radians(np.column_stack([lat, lon]))
    return haversine_distances(pts, np.radians([[lat0, lon0]]))[:, 0] * EARTH_RADIUS_KM


def _faction_countries(value: Any) -> set[str]:
    if isinstance(value, str):
        return {v.strip() for v in value.replace(";", ",").split(",") if v.strip()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return {str(v) for v in value}
    return set()


def match_faction(countries: pd.Series, period: Any, factions: pd.DataFrame | None) -> dict[str, Any]:
    """The faction active in the period whose countries hold the largest share of the cluster's events."""
    none = {"faction": None, "faction_leader": None, "faction_overlap": None}
    if factions is None or factions.empty or countries.dropna().empty:
        return none
    where = "countries" if "countries" in factions else "region"
    start = pd.to_datetime(factions.get("start"), errors="coerce")
    end = pd.to_datetime(factions.get("end"), errors="coerce")
    active = (start.isna() | (start <= period.end)) & (end.isna() | (end >= period.start))
    best: tuple[float, Any] = (0.0, None)
    for i, f in factions[active].iterrows():
        share = float(countries.isin(_faction_countries(f[where])).mean())
        if share > best[0]:
            best = (share, i)
    if best[1] is None:
        return none
    row = factions.loc[best[1]]
    return {"faction": row.get("name"), "faction_leader": row.get("leader"), "faction_overlap": best[0]}


def describe_fragmentation(frag: Fragmentation, *, periods_shown: Sequence[str] | None = None) -> str:
    """One sentence: theatres per period, the split, and what was left out."""
    t = frag.theatres
    if t.empty or frag.n_used == 0:
        return f"No located events ({frag.n_excluded} left out: country-level or no coordinates)."
    if periods_shown is not None:
        t = t.loc[list(periods_shown)]
    series = ", ".join(f"{p}: {n}" for p, n in t["n_theatres"].items())
    text = f"Theatres per period (DBSCAN, eps {frag.eps_km:.0f} km, min {frag.min_samples} events) — {series}"
    if frag.split_period is not None:
        parts = frag.clusters[frag.clusters["period"] == frag.split_period]
        where = "; ".join(
            f"{'/'.join(r.countries)} around ({r.centroid_lat:.1f}, {r.centroid_lon:.1f})"
            + (f" = {r.faction}" if isinstance(r.faction, str) else "")
            + (f": {r.name}" if isinstance(r.name, str) else "")
            for r in parts.itertuples()
        )
        text += f"; one theatre became {len(parts)} in {frag.split_period} ({where})"
    else:
        text += "; no period with one theatre is followed by one with several"
    return (
        text
        + f"; {frag.n_used} located events used, {frag.n_excluded} left out (country-level or no coordinates)."
    )
