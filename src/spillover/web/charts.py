"""Vega-Lite specifications of the pages' charts, rendered in the browser by vega-embed.

Specs are plain dicts with their (small) data inlined, except the country outlines, which the map loads
from the app's own ``/geo/countries.geojson`` so that the ~0.5 MB basemap is fetched once and cached by the
browser rather than repeated in every map.  Nothing here reaches outside the app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from spillover.palette import source_name, source_scale, tactic_scale
from spillover.results import records

SCHEMA = (
    "https://vega.github.io/schema/vega-lite/v6.json"  # read by vega-embed for the version, never fetched
)
GEOJSON_URL = "/geo/countries.geojson"
ONSET_COLOUR = "#c0392b"
WIDTH = 680


def _base(title: str, height: int = 220) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": WIDTH,
        "height": height,
        "config": {"view": {"stroke": None}},
    }


def _onset_rules(onsets: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Onsets as red vertical rules on a time axis, with what happened in the tooltip."""
    return {
        "data": {"values": list(onsets)},
        "mark": {"type": "rule", "color": ONSET_COLOUR, "strokeDash": [4, 3], "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": "date", "type": "temporal"},
            "tooltip": [
                {"field": "date", "type": "temporal", "title": "Onset"},
                {"field": "country_iso3", "type": "nominal", "title": "Country"},
                {"field": "kind", "type": "nominal", "title": "Kind"},
                {"field": "detail", "type": "nominal", "title": "Detail"},
            ],
        },
    }


def yearly_counts(events: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """Events per year and ``by`` value, with the year as a date (Jan 1) for a temporal axis."""
    if events.empty:
        return []
    frame = events.assign(**{by: events[by].fillna("unknown")}).groupby(["year", by], as_index=False).size()
    frame["date"] = pd.to_datetime(frame["year"].astype(int).astype(str) + "-01-01")
    return records(frame.rename(columns={"size": "events"}), ["date", "year", by, "events"])


def timeline(events: pd.DataFrame, onsets: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """Events per year, stacked by source, with the instability onsets of the group's countries as rules."""
    counts = yearly_counts(events, "source")
    domain, colours = source_scale(sorted({str(r["source"]) for r in counts}), names=True)
    counts = [{**r, "source": source_name(str(r["source"]))} for r in counts]  # names, not codes
    bars = _yearly_bars(
        counts, {"field": "source", "title": "Source", "scale": {"domain": domain, "range": colours}}
    )
    layers = [bars] + ([_onset_rules(onsets)] if onsets else [])
    return {**_base(title), "layer": layers}


def _yearly_bars(values: list[dict[str, Any]], colour: dict[str, Any]) -> dict[str, Any]:
    """Events per year as bars stacked by ``colour`` (a nominal field with its title and scale)."""
    return {
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "timeUnit": "year", "title": "Year"},
            "y": {"field": "events", "type": "quantitative", "aggregate": "sum", "title": "Events"},
            "color": {"type": "nominal", **colour},
        },
    }


def tactics(events: pd.DataFrame, title: str) -> dict[str, Any]:
    """Share of each tactic per year (primary tactic, suicide attacks singled out)."""
    from spillover.analysis.tactics import primary_tactics

    tagged = events.assign(tactic=primary_tactics(events)) if len(events) else events
    counts = yearly_counts(tagged, "tactic")
    return {
        **_base(title),
        "data": {"values": counts},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "timeUnit": "year", "title": "Year"},
            "y": {
                "field": "events",
                "type": "quantitative",
                "aggregate": "sum",
                "stack": "normalize",
                "title": "Share of events",
                "axis": {"format": "%"},
            },
            "color": {
                "field": "tactic",
                "type": "nominal",
                "title": "Tactic",
                "scale": _tactic_scale(counts),
            },
            "tooltip": [
                {"field": "year", "type": "ordinal", "title": "Year"},
                {"field": "tactic", "type": "nominal"},
                {"field": "events", "type": "quantitative", "aggregate": "sum", "title": "Events"},
            ],
        },
    }


def map_extent(
    countries: Sequence[str],
    points: pd.DataFrame,
    shapes: Mapping[str, Mapping[str, Any]],
    padding: float = 4.0,
) -> tuple[float, float, float, float] | None:
    """Bounding box (lon/lat) of the group's countries (main parts) and its located events, padded."""
    boxes = [shapes[c]["bounds"] for c in countries if c in shapes]
    if len(points):
        lon, lat = points["longitude"].astype(float), points["latitude"].astype(float)
        boxes.append((lon.min(), lat.min(), lon.max(), lat.max()))
    if not boxes:
        return None
    minx = min(b[0] for b in boxes) - padding
    miny = min(b[1] for b in boxes) - padding
    maxx = max(b[2] for b in boxes) + padding
    maxy = max(b[3] for b in boxes) + padding
    return (max(minx, -180.0), max(miny, -85.0), min(maxx, 180.0), min(maxy, 85.0))


def expansion_map(
    entries: Sequence[Mapping[str, Any]],
    points: pd.DataFrame,
    onsets: Sequence[Mapping[str, Any]],
    countries: Sequence[str],
    shapes: Mapping[str, Mapping[str, Any]],
    title: str,
) -> dict[str, Any]:
    """Countries shaded by year of entry, events as dots and onsets as red triangles, all up to the year
    chosen on a slider (a Vega-Lite parameter bound to a range input), so the spread can be replayed."""
    years = [int(str(e["date"])[:4]) for e in entries if e.get("date")]
    point_rows = _map_points(points)
    years += [p["year"] for p in point_rows]
    first, last = (min(years), max(years)) if years else (2000, 2000)
    extent = map_extent(countries, points, shapes) or (-20.0, -40.0, 60.0, 40.0)
    entry_rows = [
        {"iso3": e["country_iso3"], "entry_year": int(str(e["date"])[:4]), "entry_date": e["date"]}
        for e in entries
        if e.get("date")
    ]
    onset_rows = [
        {
            **o,
            "year": int(str(o["date"])[:4]),
            "lon": shapes[o["country_iso3"]]["lon"],
            "lat": shapes[o["country_iso3"]]["lat"],
        }
        for o in onsets
        if o.get("country_iso3") in shapes and o.get("date")
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": WIDTH,
        "height": 440,
        "params": [
            {
                "name": "year",
                "value": last,
                "bind": {
                    "input": "range",
                    "min": first,
                    "max": max(last, first + 1),
                    "step": 1,
                    "name": "Up to year ",
                },
            }
        ],
        "projection": {"type": "equalEarth", "fit": _extent_feature(extent)},
        "layer": [
            _basemap_layer(extent, entry_rows, entered=False),
            _basemap_layer(extent, entry_rows, entered=True),
            {
                "data": {"values": point_rows},
                "transform": [{"filter": "datum.year <= year"}],
                "mark": {"type": "circle", "size": 16, "opacity": 0.75, "clip": True},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "color": {
                        "field": "year",
                        "type": "quantitative",
                        "title": "Event year",
                        "scale": {"scheme": "viridis"},
                        "legend": {"format": "d"},
                    },
                    "tooltip": [{"field": "date"}, {"field": "country"}, {"field": "event_id"}],
                },
            },
            {
                "data": {"values": onset_rows},
                "transform": [{"filter": "datum.year <= year"}],
                "mark": {
                    "type": "point",
                    "shape": "triangle-up",
                    "filled": True,
                    "size": 110,
                    "clip": True,
                    "color": ONSET_COLOUR,
                    "stroke": "black",
                    "strokeWidth": 0.5,
                },  # fmt: skip
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "tooltip": [
                        {"field": "date", "title": "Onset"},
                        {"field": "country_iso3", "title": "Country"},
                        {"field": "kind"},
                        {"field": "detail"},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
    }


def _extent_feature(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    """The map frame as corner points: d3 fits a projection to them without ring-orientation pitfalls."""
    minx, miny, maxx, maxy = extent
    corners = [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [(minx + maxx) / 2, maxy]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": corners}}


def _basemap_layer(
    extent: tuple[float, float, float, float], entries: list[dict[str, Any]], entered: bool
) -> dict[str, Any]:
    """Country outlines in the frame: grey (all), or coloured by entry year for countries entered by then."""
    minx, miny, maxx, maxy = extent
    in_frame = (
        f"datum.properties.bbox[2] >= {minx} && datum.properties.bbox[0] <= {maxx} && "
        f"datum.properties.bbox[3] >= {miny} && datum.properties.bbox[1] <= {maxy}"
    )
    layer: dict[str, Any] = {
        "data": {"url": GEOJSON_URL, "format": {"type": "json", "property": "features"}},
        "transform": [{"filter": in_frame}],
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6, "clip": True},
    }
    if not entered:
        layer["mark"]["fill"] = "#e6e6e6"
        layer["encoding"] = {"tooltip": [{"field": "properties.name", "title": "Country"}]}
        return layer
    layer["transform"] += [
        {
            "lookup": "properties.iso3",
            "from": {"data": {"values": entries}, "key": "iso3", "fields": ["entry_year", "entry_date"]},
        },
        {"filter": "isValid(datum.entry_year) && datum.entry_year <= year"},
    ]
    layer["encoding"] = {
        "color": {
            "field": "entry_year",
            "type": "ordinal",
            "title": "Entered",
            "scale": {"scheme": "oranges"},
        },
        "tooltip": [
            {"field": "properties.name", "title": "Country"},
            {"field": "entry_date", "title": "Sustained presence from"},
        ],
    }
    return layer


def _map_points(points: pd.DataFrame) -> list[dict[str, Any]]:
    if points.empty:
        return []
    dates = pd.to_datetime(points["date_start"])
    frame = pd.DataFrame(
        {
            "lon": points["longitude"].astype(float).round(3),
            "lat": points["latitude"].astype(float).round(3),
            "year": dates.dt.year.astype(int),
            "date": dates.dt.strftime("%Y-%m-%d"),
            "country": points["country_iso3"].fillna("").astype(str),
            "event_id": points["event_id"].astype(str),
        }
    )
    return records(frame)


def compare_activity(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """Events per year of several groups as lines (rows: group, year, events); years without events are
    zeros, so a gap in activity shows as a drop rather than a line drawn across it."""
    data = [{**r, "date": f"{int(r['year'])}-01-01"} for r in _with_zero_years(rows)]
    return {
        **_base(title, height=240),
        "data": {"values": data},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "timeUnit": "year", "title": "Year"},
            "y": {"field": "events", "type": "quantitative", "title": "Events"},
            "color": {"field": "group", "type": "nominal", "title": "Group"},
        },
    }


def compare_tactics(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """Tactic mix of several groups as 100 % bars (rows: group, tactic, events)."""
    return {
        **_base(title, height=40 * max(2, len({r["group"] for r in rows}))),
        "data": {"values": list(rows)},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": None},
            "x": {
                "field": "events",
                "type": "quantitative",
                "stack": "normalize",
                "title": "Share of events",
                "axis": {"format": "%"},
            },
            "color": {
                "field": "tactic",
                "type": "nominal",
                "title": "Tactic",
                "scale": _tactic_scale(rows),
            },
        },
    }


def _tactic_scale(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The fixed tactic colours of :mod:`spillover.palette` for the tactics in ``rows``."""
    domain, colours = tactic_scale(sorted({str(r["tactic"]) for r in rows}))
    return {"domain": domain, "range": colours}


def country_activity(
    groups: Sequence[Mapping[str, Any]], onsets: Sequence[Mapping[str, Any]], title: str
) -> dict[str, Any]:
    """Events per year of each group active in a country, with the country's instability onsets."""
    data = [
        {
            "group": g["name"],
            "group_id": g["group_id"],
            "year": y["year"],
            "events": y["events"],
            "date": f"{y['year']}-01-01",
        }
        for g in groups
        for y in g["by_year"]
    ]
    bars = _yearly_bars(
        data,
        {"field": "group", "title": "Group", "legend": {"labelLimit": 260}, "scale": {"scheme": "tableau20"}},
    )
    layers = [bars] + ([_onset_rules(onsets)] if onsets else [])
    return {**_base(title, height=260), "layer": layers}


def _with_zero_years(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each group's yearly rows completed with zero-event years between its first and last year."""
    out: list[dict[str, Any]] = []
    by_group: dict[str, dict[int, int]] = {}
    for r in rows:
        if r.get("year") is not None:
            by_group.setdefault(str(r["group"]), {})[int(r["year"])] = int(r["events"])
    for group, years in by_group.items():
        for year in range(min(years), max(years) + 1):
            out.append({"group": group, "year": year, "events": years.get(year, 0)})
    return out
