"""Blocking for cross-source matching (:mod:`spillover.fusion.matching`): the candidate pairs of events.

Done in DuckDB SQL on (country, month) so that only events of one country and month meet; a pair passes when
its widened date intervals overlap and, where both sides have usable coordinates, its distance is within the
coarser side's tolerance.  Each test reads the pair's two events only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

import pandas as pd

from spillover.fusion.rule import MatchRule
from spillover.store import Store

H = TypeVar("H")

#: Coordinates of these precisions locate nothing (a country centroid, or none at all).
COARSE_GEO = ("country", "none")


def _case(column: str, mapping: Mapping[str, float], default: float) -> str:
    whens = " ".join(f"WHEN '{k}' THEN {float(v)}" for k, v in mapping.items())
    return f"(CASE {column} {whens} ELSE {float(default)} END)"


def _haversine_sql(a: str, b: str) -> str:
    return (
        f"2 * 6371.0088 * asin(least(1, sqrt(pow(sin(radians({b}.latitude - {a}.latitude) / 2), 2) + "
        f"cos(radians({a}.latitude)) * cos(radians({b}.latitude)) * "
        f"pow(sin(radians({b}.longitude - {a}.longitude) / 2), 2))))"
    )


def _prepare_events_sql(rule: MatchRule, scoped: bool) -> str:
    """One row per matchable event, with its widened interval, its usable coordinates and its origin."""
    tol_days = _case("date_precision", rule.date_tolerance_days, 1)
    tol_km = _case("geo_precision", rule.place_tolerance_km, 0)
    origin = "source || ':' || coalesce(file_id, '')" if rule.across_files else "source"
    coarse = ", ".join(f"'{g}'" for g in COARSE_GEO)
    scope = "AND event_id IN (SELECT event_id FROM _fx_scope)" if scoped else ""
    splits = ", ".join(f"'{x}'" for x in rule.split_sources) or "NULL"
    split_key = (
        f"CASE WHEN source IN ({splits}) THEN concat_ws('|', {origin}, date_start, latitude, longitude, "
        "location) ELSE event_id END"
    )
    return f"""
        CREATE OR REPLACE TEMP TABLE _fx_ev AS
        SELECT event_id, source, {origin} AS origin, {split_key} AS split_key, country_iso3, date_start, date_end, date_precision,
               CAST(date_start - CAST(round({tol_days}) AS INTEGER) AS DATE) AS lo,
               CAST(date_end + CAST(round({tol_days}) AS INTEGER) AS DATE) AS hi,
               {tol_days} AS tol_days,
               CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL
                         AND coalesce(geo_precision, 'none') NOT IN ({coarse})
                    THEN latitude END AS latitude,
               CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL
                         AND coalesce(geo_precision, 'none') NOT IN ({coarse})
                    THEN longitude END AS longitude,
               coalesce(geo_precision, 'none') AS geo_precision, {tol_km} AS tol_km,
               CASE WHEN lower(trim(location)) = lower(trim(country)) THEN NULL ELSE location END AS location,
               admin1, fatalities
        FROM events
        WHERE country_iso3 IS NOT NULL AND date_start IS NOT NULL AND date_end IS NOT NULL
          AND date_end - date_start <= {int(rule.max_interval_days)} {scope}
    """


_BLOCKS_SQL = """
    CREATE OR REPLACE TEMP TABLE _fx_blk AS
    SELECT event_id, country_iso3, origin,
           unnest(generate_series(date_trunc('month', lo), date_trunc('month', hi), INTERVAL 1 MONTH)) AS month
    FROM _fx_ev
"""


def _pairs_sql() -> str:
    """Pairs that share a (country, month) block, counted once (in the first month both touch), whose
    intervals are within tolerance and whose coordinates, where both have them, are within tolerance."""
    dist = _haversine_sql("a", "b")
    return f"""
        WITH joined AS (
            SELECT ba.event_id AS ida, bb.event_id AS idb, ba.month
            FROM _fx_blk ba JOIN _fx_blk bb
              ON ba.country_iso3 = bb.country_iso3 AND ba.month = bb.month
             AND ba.event_id < bb.event_id AND ba.origin <> bb.origin
        ), cand AS (
            SELECT a.event_id AS event_id_a, b.event_id AS event_id_b,
                   a.source AS source_a, b.source AS source_b, a.origin AS origin_a, b.origin AS origin_b,
                   a.split_key AS split_key_a, b.split_key AS split_key_b,
                   a.country_iso3,
                   greatest(0, date_diff('day', least(a.date_end, b.date_end),
                                         greatest(a.date_start, b.date_start))) AS date_gap_days,
                   greatest(a.tol_days, b.tol_days) AS date_tolerance_days,
                   greatest(date_diff('day', a.date_start, a.date_end),
                            date_diff('day', b.date_start, b.date_end)) + 1 AS interval_days,
                   a.date_start AS date_a, b.date_start AS date_b,
                   CASE WHEN a.latitude IS NOT NULL AND b.latitude IS NOT NULL THEN {dist} END AS distance_km,
                   greatest(a.tol_km, b.tol_km) AS place_tolerance_km,
                   CASE WHEN a.tol_km >= b.tol_km THEN a.geo_precision ELSE b.geo_precision END AS coarser_geo,
                   a.geo_precision AS geo_a, b.geo_precision AS geo_b,
                   a.location AS location_a, b.location AS location_b, a.admin1 AS admin1_a, b.admin1 AS admin1_b,
                   a.fatalities AS fatalities_a, b.fatalities AS fatalities_b, j.month
            FROM joined j JOIN _fx_ev a ON a.event_id = j.ida JOIN _fx_ev b ON b.event_id = j.idb
            WHERE j.month = greatest(date_trunc('month', a.lo), date_trunc('month', b.lo))
        )
        SELECT * FROM cand
        WHERE date_gap_days <= date_tolerance_days
          AND (distance_km IS NULL OR distance_km <= place_tolerance_km)
    """


def candidate_pairs(
    store: Store, events: pd.DataFrame | Iterable[str] | None = None, rule: MatchRule | None = None
) -> pd.DataFrame:
    """Pairs of events of different origins that pass the date and distance tests (DuckDB blocking on
    country and month).  ``events`` (a frame with ``event_id`` or ids) limits both sides to those events."""
    ids = ids_of(events)
    if rule is None:
        rule = MatchRule()
    return pairs_each(store, None if ids is None else {0: ids}, rule)[0]


def pairs_each(store: Store, sets: Mapping[H, list[str]] | None, rule: MatchRule) -> dict[H, pd.DataFrame]:
    """The candidate pairs within each set of ids (``None``: the whole store, under key 0), blocked once for
    the union of the sets; each set's pairs are read by SQL, so that their types are those of the set alone."""
    con = store.con
    if sets is not None:
        every = _id_frame([i for each in sets.values() for i in each])
        with store.registered(_fx_scope_df=every):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _fx_scope AS SELECT DISTINCT event_id FROM _fx_scope_df"
            )
    try:
        con.execute(_prepare_events_sql(rule, scoped=sets is not None))
        con.execute(_BLOCKS_SQL)
        if sets is None or len(sets) == 1:
            key = 0 if sets is None else next(iter(sets))
            return {key: con.execute(_pairs_sql() + " ORDER BY event_id_a, event_id_b").fetchdf()}
        con.execute("CREATE OR REPLACE TEMP TABLE _fx_pairs AS " + _pairs_sql())
        out = {}
        for key, each in sets.items():
            with store.registered(_fx_set=_id_frame(each)):
                out[key] = con.execute(
                    "SELECT * FROM _fx_pairs WHERE event_id_a IN (SELECT event_id FROM _fx_set) "
                    "AND event_id_b IN (SELECT event_id FROM _fx_set) ORDER BY event_id_a, event_id_b"
                ).fetchdf()
        return out
    finally:
        for table in ("_fx_pairs", "_fx_blk", "_fx_ev", "_fx_scope"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _id_frame(ids: list[str]) -> pd.DataFrame:
    """Event ids as a frame to register: typed as text even when empty (pandas makes an empty list a float
    column, which DuckDB cannot compare with the store's ids: the sources report of a group none of whose
    events is selected failed so)."""
    return pd.DataFrame({"event_id": pd.Series(ids, dtype="string")})


def ids_of(events: pd.DataFrame | Iterable[str] | None) -> list[str] | None:
    if events is None:
        return None
    if isinstance(events, pd.DataFrame):
        return events["event_id"].dropna().astype(str).unique().tolist()
    return list(dict.fromkeys(str(e) for e in events))
