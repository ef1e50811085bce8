"""Judging a dated attack: find it at its place and date, check who did it, then compare the tolls.

1. *Window*: a day ±1 day (sources differ by a day), a month, a year; "early/mid/late 2007" are
   January–April, May–August, September–December.
2. *Place*: a city is matched by the events' location or first-level unit name, or by coordinates within
   :data:`CITY_RADIUS_KM` of where the store's events of that name lie; a country by its code, narrowed by
   a direction ("southeastern Algeria": bearing from the country's centre within ±67.5° of south-east).
3. *Who*: the events of the group's lineage (predecessors and successors) are the claim's events; the
   wider family (splinters, affiliates, components) and other actors are reported as a different
   attribution.  A claim whose event the data attribute to someone else is **contradicted** on the
   perpetrator.
4. *Tolls* are compared within one source at a time (never summed across sources): the lineage's events of
   the best-matching day are summed (a coordinated attack is often coded as several rows).  A figure is
   supported when it differs by at most max(:data:`TOLL_ABS`, :data:`TOLL_REL`) (:data:`TOLL_REL_APPROX`
   for "about", "nearly", "some"); "more than / at least / upwards of N" is supported when the data reach N
   minus that tolerance, "fewer than / up to N" when they stay below N plus it.  A toll of a subset ("three
   Americans", "17 being UN employees") cannot be checked against a total and is not checkable.
5. When no event matches, the verdict names the files of the store that cover that country then (and
   with how many events), so "not in the data" is never mistaken for "did not happen".
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from spillover.claims.evidence import Evidence, country_name, window
from spillover.claims.extract import Claim
from spillover.claims.mentions import Toll
from spillover.claims.verdicts import (
    CONTRADICTED,
    NOT_CHECKABLE,
    SUPPORTED,
    ClaimVerdict,
    contradicted,
    not_checkable,
    supported,
)

#: Places within this distance of a named city's events count as that city.
CITY_RADIUS_KM = 50.0
#: Absolute and relative toll tolerance (exact figures; "about" doubles the relative part).
TOLL_ABS, TOLL_REL, TOLL_REL_APPROX = 2, 0.10, 0.20
#: Event tactics that satisfy a claimed tactic.
COMPATIBLE = {"suicide_attack": {"suicide_attack"}, "bombing": {"bombing", "suicide_attack"}, "kidnapping": {"kidnapping"},
              "hijacking": {"hijacking"}, "assassination": {"assassination", "armed_assault"},
              "armed_assault": {"armed_assault", "assassination", "battle"}}  # fmt: skip
DIRECTIONS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180, "southwest": 225,
              "west": 270, "northwest": 315}  # fmt: skip


def check_event(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A dated attack: find it, check who did it, then the tolls."""
    lo, hi = window(claim.when)
    place = claim.places[0]
    where = f"{place.name}{' (' + country_name(place.iso3) + ')' if place.kind == 'location' and place.iso3 else ''}"
    base = f"events at {where}{' (' + place.direction + ')' if place.direction else ''} from {lo:%Y-%m-%d} to {hi:%Y-%m-%d}"
    everything = candidates(ev, claim)
    found = everything[_tactic_ok(everything, claim.tactic)] if len(everything) else everything
    note, sources = ev.coverage_note(place.iso3, lo, hi)
    if found.empty:
        tactic = f" with tactic {claim.tactic}" if claim.tactic else ""
        return not_checkable(claim, figure="no matching event in the data", how=f"looked for {base}{tactic}; {note}",
                             aspects={"event": NOT_CHECKABLE}, sources=sources, reason="not in the data")  # fmt: skip
    member = found["event_id"].map(ev.member_of)
    lineage = found[member.isin(list(ev.lineage))]
    wider = found[member.notna() & ~member.isin(list(ev.lineage))]
    consulted = everything["event_id"].tolist()
    hedge = " (the claim itself is hedged)" if claim.hedged else ""
    if lineage.empty:
        return _someone_else(claim, ev, found, wider, base, note, consulted, sources, hedge)
    strict = lineage[_tactic_ok(lineage, claim.tactic, strict=True)] if claim.tactic else lineage
    day, _ = _best_day(strict if len(strict) else lineage, claim.tolls)
    # a coordinated attack is often several rows: every row of the lineage that day at that place counts
    same_day = everything[pd.to_datetime(everything["date_start"]).dt.normalize() == day]
    rows = same_day[same_day["event_id"].map(ev.member_of).isin(list(ev.lineage))]
    aspects = {"event": SUPPORTED, "perpetrator": SUPPORTED}
    if claim.tactic:
        aspects["tactic"] = SUPPORTED if rows["tactic"].ne("unknown").any() else NOT_CHECKABLE
    aspects.update(_toll_aspects(rows, claim.tolls))
    judge = contradicted if CONTRADICTED in aspects.values() else supported
    how = (
        f"matched {len(rows)} event(s) of the group's lineage on {day:%Y-%m-%d} among {len(everything)} {base}; tolls "
        f"compared per source, the lineage's rows of that day and place summed (a coordinated attack is often "
        f"several rows), tolerance max({TOLL_ABS}, {TOLL_REL:.0%}){hedge}"
    )  # fmt: skip
    return judge(claim, figure=_figure(rows), how=how, event_ids=consulted, aspects=aspects, sources=sources)


def _someone_else(
    claim: Claim, ev: Evidence, found: pd.DataFrame, wider: pd.DataFrame, base: str, note: str,
    consulted: list[str], sources: list[str], hedge: str,
) -> ClaimVerdict:  # fmt: skip
    """The data have attacks there then, none by the group's lineage: contradicted on the perpetrator when
    the wider family did one or one matches the claimed toll, else not checkable."""
    pick = _best_day(wider if len(wider) else found, claim.tolls)
    rows = pick[1] if pick else found
    who = attribution(ev, rows)
    if len(wider) or _matches_toll(rows, claim.tolls):
        aspects = {"event": SUPPORTED, "perpetrator": CONTRADICTED}
        if claim.tactic:
            aspects["tactic"] = (
                SUPPORTED if _tactic_ok(rows, claim.tactic, strict=True).any() else NOT_CHECKABLE
            )
        aspects.update(_toll_aspects(rows, claim.tolls))
        how = (
            f"found {len(found)} {base} with a compatible tactic; none is attributed to "
            f"{group_name(ev.group_id)} or its lineage{hedge}"
        )
        return contradicted(claim, figure=f"{_figure(rows)}; the data attribute it to {who}", how=how,
                            event_ids=consulted, aspects=aspects, sources=sources)  # fmt: skip
    return not_checkable(
        claim, figure=f"no event of the group's lineage; {len(found)} other event(s) there then ({who})",
        how=f"looked for {base}; none is the group's and none matches the claimed toll{hedge}; {note}",
        event_ids=consulted, aspects={"event": NOT_CHECKABLE}, sources=sources, reason="not the group's",
    )  # fmt: skip


def group_name(group_id: str) -> str:
    from spillover.actors import default_registry

    return default_registry().group(group_id).name


def candidates(ev: Evidence, claim: Claim) -> pd.DataFrame:
    """Every event (any actor) in the claim's window at the claim's place."""
    place = claim.places[0]
    frame = ev.events_in(place.iso3, *window(claim.when))
    if frame.empty:
        return frame
    if place.kind == "location":
        name = place.name.lower()
        by_name = frame["location"].fillna("").str.lower().eq(name) | frame["admin1"].fillna(
            ""
        ).str.lower().eq(name)
        near = pd.Series(False, index=frame.index)
        if place.lat is not None and place.lon is not None:
            from spillover.analysis.geo import geodesic_km

            ok = frame["latitude"].notna() & frame["longitude"].notna()
            dist = pd.Series(np.inf, index=frame.index)
            lats, lons = frame.loc[ok, "latitude"].to_numpy(float), frame.loc[ok, "longitude"].to_numpy(float)
            dist[ok] = geodesic_km(np.full(len(lats), place.lat), np.full(len(lats), place.lon), lats, lons)
            near = dist <= CITY_RADIUS_KM
        frame = frame[by_name | near]
    elif place.direction and place.direction in DIRECTIONS:
        centre = _country_centre(place.iso3)
        if centre is not None:
            target = DIRECTIONS[place.direction]
            located = frame["latitude"].notna() & frame["longitude"].notna()
            bearings = _bearing(
                centre[0], centre[1], frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float)
            )
            within = pd.Series(np.abs((bearings - target + 180) % 360 - 180) <= 67.5, index=frame.index)
            frame = frame[located & within]
    return frame.reset_index(drop=True)


def _bearing(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Initial bearing in degrees from one point to each of several."""
    p1, p2, dl = math.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    x = np.sin(dl) * np.cos(p2)
    y = math.cos(p1) * np.sin(p2) - math.sin(p1) * np.cos(p2) * np.cos(dl)
    return (np.degrees(np.arctan2(x, y)) + 360) % 360


@cache
def _country_centre(iso3: str) -> tuple[float, float] | None:
    try:
        from spillover.analysis import geo

        countries = geo.load_countries()
    except Exception:  # noqa: BLE001 - no basemap: directions cannot be checked
        return None
    if iso3 not in countries:
        return None
    c = countries.geometries[iso3].centroid
    return (c.y, c.x)


def _tactic_ok(events: pd.DataFrame, tactic: str | None, *, strict: bool = False) -> pd.Series:
    """True where the event's tactics include the claimed one, or (unless ``strict``) the source codes no
    tactic for it."""
    if tactic is None:
        return pd.Series(True, index=events.index)
    wanted = COMPATIBLE.get(tactic, {tactic})
    suicide = events["suicide"] if "suicide" in events else pd.Series(None, index=events.index)

    def ok(tactics: object, main: object, is_suicide: object) -> bool:
        names = set(tactics) if isinstance(tactics, list | tuple | np.ndarray) else set()
        names.add(main)
        if is_suicide is True:
            names.add("suicide_attack")
        return bool(names & wanted) or (not strict and names <= {"unknown", None})

    flags = [ok(*row) for row in zip(events["tactics"], events["tactic"], suicide, strict=True)]
    return pd.Series(flags, index=events.index, dtype=bool)


def _tolerance(claimed: int, qualifier: str) -> float:
    rel = TOLL_REL_APPROX if qualifier == "about" else TOLL_REL
    return max(TOLL_ABS, rel * claimed)


def toll_agrees(claimed: int, qualifier: str, data: float) -> bool:
    """Does a figure from the data agree with a claimed toll (tolerance in the module docstring)?"""
    tol = _tolerance(claimed, qualifier)
    if qualifier == "at_least":
        return data >= claimed - tol
    if qualifier == "at_most":
        return data <= claimed + tol
    return abs(data - claimed) <= tol


def _matches_toll(rows: pd.DataFrame, tolls: list[Toll]) -> bool:
    aspects = _toll_aspects(rows, tolls)
    return any(v == SUPPORTED for k, v in aspects.items() if k in ("killed", "wounded"))


def _toll_aspects(rows: pd.DataFrame, tolls: list[Toll]) -> dict[str, str]:
    out = {}
    for t in tolls:
        if t.subset is not None:
            out[f"{t.what} ({t.subset})"] = NOT_CHECKABLE
            continue
        col = "fatalities" if t.what == "killed" else "wounded"
        by_source = rows.groupby("source")[col].sum(min_count=1).dropna()
        if by_source.empty:
            out[t.what] = NOT_CHECKABLE
            continue
        agrees = any(toll_agrees(t.value, t.qualifier, v) for v in by_source)
        out[t.what] = SUPPORTED if agrees else CONTRADICTED
    return out


def _figure(rows: pd.DataFrame) -> str:
    """What the data say about matched rows, per source: date(s), killed, wounded, event count."""
    parts = []
    for source, g in rows.groupby("source"):
        days = sorted({f"{pd.Timestamp(d):%Y-%m-%d}" for d in g["date_start"]})
        killed = g["fatalities"].sum(min_count=1)
        wounded = g["wounded"].sum(min_count=1)
        figures = []
        if pd.notna(killed):
            figures.append(f"{killed:.0f} killed")
        if pd.notna(wounded):
            figures.append(f"{wounded:.0f} wounded")
        n = f"{len(g)} event{'s' if len(g) > 1 else ''}"
        parts.append(f"{source}: {', '.join(figures) or 'no toll'} on {', '.join(days)} ({n})")
    return "; ".join(parts)


def _best_day(events: pd.DataFrame, tolls: list[Toll]) -> tuple[pd.Timestamp, pd.DataFrame] | None:
    """Per source and day, the summed tolls; the (day, rows) closest to the claimed death toll (without a
    claimed toll: the day with the most events, then the most deaths; the earliest such day on a tie)."""
    if events.empty:
        return None
    day = pd.to_datetime(events["date_start"]).dt.normalize()
    killed = next((t for t in tolls if t.what == "killed" and t.subset is None), None)
    frame = events.assign(_day=day)
    if killed is None:
        stats = frame.assign(_f=frame["fatalities"].fillna(0)).groupby("_day")["_f"].agg(["size", "sum"])
        best = stats.sort_values(["size", "sum"], ascending=False, kind="stable").index[0]
    else:
        per_source = frame.groupby(["_day", "source"])["fatalities"].sum(min_count=1)
        distance = (per_source - killed.value).abs().groupby(level="_day").min()
        best = distance.reindex(sorted(day.unique())).fillna(np.inf).idxmin()
    return best, events[day == best]


def attribution(ev: Evidence, rows: pd.DataFrame) -> str:
    """Who the data say did it: the actor names (fetched with the events, in the one batched query), with
    the registry relation to the group where there is one."""
    from spillover.actors import default_registry

    reg = default_registry()
    parts = []
    for eid, names in zip(rows["event_id"], rows["_perpetrators"], strict=True):
        listed = list(names) if isinstance(names, list | tuple | np.ndarray) else []
        who = "; ".join(dict.fromkeys(listed)) or "unknown"
        member = ev.family_of.get(eid)
        if member is not None and member not in ev.lineage:
            rel = _relation_text(reg, member, ev.group_id)
            who += f" ({reg.group(member).name}{', ' + rel if rel else ''})"
        parts.append(who)
    return "; ".join(dict.fromkeys(parts))


def _relation_text(reg, member: str, group_id: str) -> str:  # noqa: ANN001 - Registry
    for r in reg.group(member).relations:
        if r.target == group_id:
            if r.start:
                return f"{r.type.replace('_', ' ')} {reg.group(group_id).name} since {r.start}"
            return r.type.replace("_", " ")
    for r in reg.group(group_id).relations:
        if r.target == member:
            return f"{reg.group(group_id).name} {r.type.replace('_', ' ')} it since {r.start}"
    return "in the group's wider family"
