"""Where a group (or a family of groups) spread: per-country presence, dated entries, yearly spread.

A single attack is not an expansion.  A country counts as *entered* at the start of **sustained violent
activity** there (:class:`SustainedPresence`):

* only violent events count (not protests, strategic developments, recruitment or GDELT's non-violent
  roots: tactic ``non_violent``); the selection's view already counts an event several sources report once;
* the events form *runs*: a gap longer than ``gap_months`` between two events ends a run, so a stray raid
  months before a campaign is a run of its own;
* a run is sustained from its first ``min_events`` events within ``window_months`` months **and** activity
  continuing after that window in at least ``continue_quarters`` of the next four quarters (quarters past the
  end of the data are not held against it);
* the entry is dated at the first event of the first sustained run; the first event of any kind in the
  country (*first contact*) is reported beside it.

The events of the qualifying window are kept as evidence, so every entry can be traced back to source rows.
Defaults (3 events in 12 months, 6-month gap, activity in at least 1 of the next 4 quarters) are those the
casebook of documented facts agrees with best (``spillover validate``: 43 of 54 checkable facts, 15 of 26 of
those checked from events; asking for 2 quarters gives 41 and 13, no continuation or a 3-month gap the same as
the defaults, a 9- or 12-month gap 41 and 13, at least 2 or 4 events no better);
:func:`entry_sensitivity` shows the entries under other values.

Input is a DataFrame with the event schema columns (:mod:`spillover.schema`); at least ``country_iso3``
and ``date_start`` are needed, ``event_id``, ``admin1``, ``latitude``, ``longitude``, ``geo_precision``,
``fatalities``, ``date_precision`` and ``country`` are used when present.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from spillover.analysis import geo
from spillover.results import INTERNAL, Result

if TYPE_CHECKING:
    import altair as alt

#: Default sustained-presence rule: at least this many events ...
MIN_EVENTS = 3
#: ... within this many months ...
WINDOW_MONTHS = 12
#: ... in a run of events no two of which are more than this many months apart ...
GAP_MONTHS = 6
#: ... with activity in at least this many of the four quarters after the window.
CONTINUE_QUARTERS = 1
#: Tactics that are not violence: they never make (or date) an entry.
NON_VIOLENT_TACTICS = frozenset({"non_violent"})

#: Locations too coarse to place a point on a map or in a hull (the coordinates are a country centroid).
COARSE_GEO_PRECISIONS = frozenset({"country", "none"})


class InsufficientData(ValueError):
    """Too few usable events for the analysis; ``count`` says how many there were."""

    def __init__(self, message: str, count: int):
        super().__init__(message)
        self.count = count


@dataclass(frozen=True)
class SustainedPresence:
    """The rule that turns events into an entry: ``min_events`` within ``window_months``."""

    min_events: int = MIN_EVENTS
    window_months: int = WINDOW_MONTHS
    gap_months: int = GAP_MONTHS
    continue_quarters: int = CONTINUE_QUARTERS

    def __post_init__(self) -> None:
        if self.min_events < 1 or self.window_months < 1 or self.gap_months < 1:
            raise ValueError("min_events, window_months and gap_months must be at least 1")
        if not 0 <= self.continue_quarters <= 4:
            raise ValueError("continue_quarters must be between 0 and 4")

    def describe(self) -> str:
        return (
            f"at least {self.min_events} violent events within {self.window_months} months, in a run without a "
            f"gap of more than {self.gap_months} months, continuing in at least {self.continue_quarters} of the "
            "next 4 quarters"
        )


@dataclass
class ExpansionResult(Result):
    """Expansion of one group or family.

    ``countries``: one row per country with any event (first/last event, events, fatalities, admin1
    units, ``entered`` = date of sustained presence or NaT, ``is_origin``).
    ``expansions``: one row per entered country, oldest first (``date``, ``window_end``,
    ``window_events``, ``evidence_event_ids``, ``is_origin``, ``order``).
    ``spread``: one row per year (events, countries and admin1 units active, countries entered so far,
    activity centroid, its distance from the origin centroid, convex-hull area).
    """

    _frame = "expansions"

    status: str
    message: str
    rule: SustainedPresence
    group: str | None
    origin_iso3: str | None
    n_events: int
    n_dropped: int
    countries: pd.DataFrame
    expansions: pd.DataFrame
    spread: pd.DataFrame
    events: pd.DataFrame = field(metadata=INTERNAL, repr=False)
    #: which events were measured: "fused", "all" or a source (read from the events' view, see
    #: :func:`spillover.fusion.view_of`; "events" for a frame of no known view)
    view: str = "events"
    #: year-on-year changes that coincide with a source starting or stopping
    #: (:func:`spillover.fusion.coverage_warnings`; set by the caller, which has the store)
    coverage_warnings: list = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.view == "events" and "view" in self.events.attrs:
            self.view = str(self.events.attrs["view"])

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ---------------------------------------------------------------------------------------------
# Preparing events
# ---------------------------------------------------------------------------------------------


def prepare_events(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Events with a usable date and country, sorted, with the optional columns filled in.

    Returns the frame and the number of rows dropped for lacking a date or an ISO3 country.
    """
    missing = {"country_iso3", "date_start"} - set(events.columns)
    if missing:
        raise ValueError(f"events lack required columns: {sorted(missing)}")
    frame = events.copy()
    frame["date_start"] = pd.to_datetime(frame["date_start"], errors="coerce")
    usable = frame["date_start"].notna() & frame["country_iso3"].notna() & (frame["country_iso3"] != "")
    frame = frame[usable].copy()
    defaults = {
        "event_id": None,
        "country": None,
        "admin1": None,
        "latitude": np.nan,
        "longitude": np.nan,
        "geo_precision": None,
        "date_precision": None,
        "fatalities": np.nan,
    }
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
    if frame["event_id"].isna().any():
        generated = pd.Series([f"row:{i}" for i in frame.index], index=frame.index)
        frame["event_id"] = frame["event_id"].fillna(generated)
    frame["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce")
    frame["longitude"] = pd.to_numeric(frame["longitude"], errors="coerce")
    frame["fatalities"] = pd.to_numeric(frame["fatalities"], errors="coerce")
    frame = frame.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)
    return frame, int((~usable).sum())


def locatable(frame: pd.DataFrame) -> pd.Series:
    """Events whose coordinates place them (not missing, not a country or unknown location)."""
    coarse = frame["geo_precision"].isin(COARSE_GEO_PRECISIONS)
    return frame["latitude"].notna() & frame["longitude"].notna() & ~coarse


# ---------------------------------------------------------------------------------------------
# Sustained presence and entries
# ---------------------------------------------------------------------------------------------


def violent(frame: pd.DataFrame) -> pd.Series:
    """Events that are violence (every tactic but ``non_violent``; an unknown tactic counts as violent:
    the sources code violent events unless they say otherwise)."""
    if "tactic" not in frame:
        return pd.Series(True, index=frame.index)
    return ~frame["tactic"].isin(list(NON_VIOLENT_TACTICS))


def runs(dates: pd.Series, gap_months: int) -> list[tuple[int, int]]:
    """Positions [start, stop) of the runs of sorted ``dates``: a gap of more than ``gap_months`` months
    between two consecutive events ends a run."""
    values = pd.DatetimeIndex(dates)
    if len(values) == 0:
        return []
    breaks = [0]
    for i in range(1, len(values)):
        if values[i] > values[i - 1] + pd.DateOffset(months=gap_months):
            breaks.append(i)
    return list(zip(breaks, [*breaks[1:], len(values)], strict=True))


def first_sustained_window(
    dates: pd.Series, rule: SustainedPresence, data_end: pd.Timestamp | None = None
) -> tuple[int, int] | None:
    """Positions [start, stop) of the first sustained window in sorted ``dates``: ``rule.min_events``
    events within ``rule.window_months`` months inside one run, followed by activity in at least
    ``rule.continue_quarters`` of the four quarters after the window's k-th event (those past ``data_end``
    not counted against it); None when there is none.  ``start`` is the first event of the run."""
    values = pd.DatetimeIndex(dates)
    k = rule.min_events
    end_of_data = data_end if data_end is not None else (values.max() if len(values) else None)
    for run_start, run_stop in runs(dates, rule.gap_months):
        run = values[run_start:run_stop]
        if len(run) < k:
            continue
        ends = run + pd.DateOffset(months=rule.window_months)
        for i in np.flatnonzero(run[k - 1 :] < ends[: len(run) - k + 1]):
            reached = run[i + k - 1]  # the day the window holds its k-th event
            if _continues(values, reached, rule.continue_quarters, end_of_data):
                stop = int(values.searchsorted(ends[i], side="left"))
                return run_start, max(stop, run_start + i + k)
    return None


def _continues(
    values: pd.DatetimeIndex, after: pd.Timestamp, needed: int, data_end: pd.Timestamp | None
) -> bool:
    """Activity in at least ``needed`` of the four quarters after ``after`` (quarters that begin after the
    end of the data are not observable and are not held against it)."""
    if needed == 0:
        return True
    # quarters after the k-th event: the event itself is not its own continuation
    edges = [after + pd.Timedelta(days=1) + pd.DateOffset(months=3 * q) for q in range(5)]
    observable = sum(1 for q in range(4) if data_end is None or edges[q] <= data_end)
    active = sum(
        1
        for q in range(4)
        if values.searchsorted(edges[q], "left") < values.searchsorted(edges[q + 1], "left")
    )
    return active >= min(needed, observable)


def _entries(frame: pd.DataFrame, rule: SustainedPresence) -> pd.DataFrame:
    hits = frame[violent(frame)]
    data_end = frame["date_start"].max() if len(frame) else None
    first_contact = frame.groupby("country_iso3")["date_start"].min()
    rows = []
    for code, group in hits.groupby("country_iso3", sort=False):
        window = first_sustained_window(group["date_start"], rule, data_end)
        if window is None:
            continue
        start, stop = window
        evidence = group.iloc[start:stop]
        rows.append(
            {
                "country_iso3": code,
                "date": evidence["date_start"].iloc[0],
                "window_end": evidence["date_start"].iloc[0] + pd.DateOffset(months=rule.window_months),
                "window_events": len(evidence),
                "evidence_event_ids": tuple(evidence["event_id"].astype(str)),
                "first_event": first_contact[code],
            }
        )
    columns = ["country_iso3", "date", "window_end", "window_events", "evidence_event_ids", "first_event"]
    entries = pd.DataFrame(rows, columns=columns)
    for column in ("date", "window_end", "first_event"):
        entries[column] = pd.to_datetime(entries[column])
    entries["window_events"] = entries["window_events"].astype(int)
    return entries.sort_values(["date", "first_event", "country_iso3"], kind="stable").reset_index(drop=True)


def entry_sensitivity(
    events: pd.DataFrame,
    min_events: tuple[int, ...] = (2, 3, 5),
    window_months: tuple[int, ...] = (6, 12),
    gap_months: tuple[int, ...] = (3, 6, 12),
    continue_quarters: tuple[int, ...] = (0, 1, 2, 3),
) -> pd.DataFrame:
    """The entries under every combination of the rule's parameters: one row per rule and country entered
    (``min_events, window_months, gap_months, continue_quarters, country_iso3, date``)."""
    frame, _ = prepare_events(events)
    rows = []
    for k in min_events:
        for m in window_months:
            for g in gap_months:
                for q in continue_quarters:
                    found = _entries(frame, SustainedPresence(k, m, g, q))
                    for code, date in zip(found["country_iso3"], found["date"], strict=True):
                        rows.append((k, m, g, q, code, date))
    columns = ["min_events", "window_months", "gap_months", "continue_quarters", "country_iso3", "date"]
    return pd.DataFrame(rows, columns=columns)


#: Columns of a per-country activity table (:func:`country_activity` here, or
#: :func:`spillover.query.country_activity` computed by DuckDB or Spark).
ACTIVITY_COLUMNS = (
    "country_iso3", "country", "events", "fatalities", "fatalities_known", "first_event", "last_event",
    "admin1_units",
)  # fmt: skip


def country_activity(events: pd.DataFrame) -> pd.DataFrame:
    """Per country: events, fatalities (sum of the known values) and how many are known, first and last
    event, distinct admin1 units, and the country's name (alphabetically first spelling, so that every
    engine picks the same one)."""
    frame = events[events["country_iso3"].notna() & (events["country_iso3"] != "")]
    dates = pd.to_datetime(frame["date_start"], errors="coerce")
    fat = pd.to_numeric(frame["fatalities"], errors="coerce") if "fatalities" in frame else np.nan
    admin1 = frame.get("admin1")
    country = frame.get("country")
    grouped = frame.assign(_date=dates, _fat=fat, _admin1=admin1, _country=country).groupby("country_iso3")
    table = pd.DataFrame(
        {
            "country": grouped["_country"].min(),
            "events": grouped.size(),
            "fatalities": grouped["_fat"].sum(),
            "fatalities_known": grouped["_fat"].count(),
            "first_event": grouped["_date"].min(),
            "last_event": grouped["_date"].max(),
            "admin1_units": grouped["_admin1"].nunique(),
        }
    )
    return table.reset_index()[list(ACTIVITY_COLUMNS)]


def _country_table(activity: pd.DataFrame, entries: pd.DataFrame, origin: str | None) -> pd.DataFrame:
    """The result's country table from a per-country activity table (fatalities unknown when none is)."""
    missing = set(ACTIVITY_COLUMNS) - set(activity.columns)
    if missing:
        raise ValueError(f"the per-country activity table lacks {sorted(missing)}")
    act = activity[activity["country_iso3"].notna() & (activity["country_iso3"] != "")]
    known = act["fatalities_known"].astype(int).to_numpy()
    table = pd.DataFrame(
        {
            "country": act["country"].astype(object).where(act["country"].notna(), None).to_numpy(),
            "first_event": pd.to_datetime(act["first_event"]).to_numpy(),
            "last_event": pd.to_datetime(act["last_event"]).to_numpy(),
            "events": act["events"].astype(int).to_numpy(),
            "fatalities": np.where(known > 0, act["fatalities"].astype(float).to_numpy(), np.nan),
            "admin1_units": act["admin1_units"].astype(int).to_numpy(),
        },
        index=pd.Index(act["country_iso3"].astype(str).to_numpy(), name="country_iso3"),
    )
    table["entered"] = entries.set_index("country_iso3")["date"].reindex(table.index)
    table["is_origin"] = table.index == origin
    return (
        table.reset_index().sort_values(["first_event", "country_iso3"], kind="stable").reset_index(drop=True)
    )


# ---------------------------------------------------------------------------------------------
# Spread per year
# ---------------------------------------------------------------------------------------------


def _origin_centroid(frame: pd.DataFrame, origin: str | None) -> tuple[float, float]:
    if origin is None:
        return (np.nan, np.nan)
    located = frame[(frame["country_iso3"] == origin) & locatable(frame)]
    return geo.spherical_centroid(located["latitude"], located["longitude"])


def _spread_by_year(frame: pd.DataFrame, entries: pd.DataFrame, origin: str | None) -> pd.DataFrame:
    origin_lat, origin_lon = _origin_centroid(frame, origin)
    placed = locatable(frame)
    entry_years = entries["date"].dt.year
    rows = []
    for year, group in frame.groupby(frame["date_start"].dt.year):
        points = group[placed.loc[group.index]]
        lat, lon = geo.spherical_centroid(points["latitude"], points["longitude"])
        distance = (
            float(geo.geodesic_km(origin_lat, origin_lon, lat, lon))
            if np.isfinite([lat, origin_lat]).all()
            else np.nan
        )
        rows.append(
            {
                "year": int(year),
                "events": len(group),
                "countries_active": group["country_iso3"].nunique(),
                "admin1_active": group[["country_iso3", "admin1"]].dropna().drop_duplicates().shape[0],
                "countries_entered": int((entry_years <= year).sum()),
                "located_events": len(points),
                "centroid_lat": lat,
                "centroid_lon": lon,
                "distance_from_origin_km": distance,
                "hull_area_km2": geo.convex_hull_area_km2(points["latitude"], points["longitude"]),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def measure_expansion(
    events: pd.DataFrame,
    *,
    min_events: int = MIN_EVENTS,
    window_months: int = WINDOW_MONTHS,
    gap_months: int = GAP_MONTHS,
    continue_quarters: int = CONTINUE_QUARTERS,
    origin: str | None = None,
    group: str | None = None,
    activity: pd.DataFrame | None = None,
) -> ExpansionResult:
    """Per-country presence, dated entries and yearly spread of one group's (or family's) events.

    ``origin`` (ISO3) overrides the default, the country of the earliest sustained activity.
    ``activity``: the per-country table (:data:`ACTIVITY_COLUMNS`) when an engine has already aggregated
    it from the same events (:func:`spillover.query.country_activity`); by default it is computed here
    with :func:`country_activity`.  Entries and the yearly spread always read the events.  Raises
    :class:`InsufficientData` when no event has both a date and an ISO3 country; when no country reaches
    sustained presence the result's ``status`` is ``"insufficient_data"`` and ``message`` says why.
    """
    rule = SustainedPresence(min_events, window_months, gap_months, continue_quarters)
    frame, dropped = prepare_events(events)
    if frame.empty:
        raise InsufficientData(
            f"no usable events ({len(events)} rows, {dropped} without a date or ISO3 country)", count=0
        )
    entries = _entries(frame, rule)
    if origin is None and not entries.empty:
        origin = str(entries["country_iso3"].iloc[0])
    entries["is_origin"] = entries["country_iso3"] == origin
    entries["order"] = np.arange(1, len(entries) + 1)
    entries = entries.rename(columns={"first_event": "first_contact"})
    if entries.empty:
        status = "insufficient_data"
        message = f"{len(frame)} event(s); no country reaches sustained presence ({rule.describe()})"
    else:
        status = "ok"
        message = f"{len(entries)} countries entered ({rule.describe()}), origin {origin}"
    return ExpansionResult(
        status=status,
        message=message,
        rule=rule,
        group=group,
        origin_iso3=origin,
        n_events=len(frame),
        n_dropped=dropped,
        countries=_country_table(
            activity if activity is not None else country_activity(frame), entries, origin
        ),
        expansions=entries,
        spread=_spread_by_year(frame, entries, origin),
        events=frame,
    )


# ---------------------------------------------------------------------------------------------
# Map
# ---------------------------------------------------------------------------------------------


def _main_part_bounds(geometry: shapely.Geometry) -> tuple[float, float, float, float]:
    """Bounds of a country's largest polygon (France without French Guiana, for framing the map)."""
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area).bounds


def _map_view(
    result: ExpansionResult, countries: geo.Countries, padding_deg: float
) -> tuple[float, ...] | None:
    active = [c for c in result.countries["country_iso3"] if c in countries]
    boxes = [_main_part_bounds(countries.geometries[c]) for c in active]
    points = result.events[locatable(result.events)]
    if len(points):
        boxes.append(
            (
                points["longitude"].min(),
                points["latitude"].min(),
                points["longitude"].max(),
                points["latitude"].max(),
            )
        )
    if not boxes:
        return None
    corners = np.array(boxes, dtype=float)
    minx, miny = corners[:, 0].min() - padding_deg, corners[:, 1].min() - padding_deg
    maxx, maxy = corners[:, 2].max() + padding_deg, corners[:, 3].max() + padding_deg
    return (max(minx, -180.0), max(miny, -90.0), min(maxx, 180.0), min(maxy, 90.0))


def _basemap_features(result: ExpansionResult, countries: geo.Countries, padding_deg: float) -> list[dict]:
    """Country outlines clipped to the area of activity, tagged with the year the group entered.

    Rings are re-oriented clockwise after clipping, as d3-geo (used by Vega) requires.
    """
    view = _map_view(result, countries, padding_deg)
    if view is None:
        return []
    entered = result.expansions.set_index("country_iso3")["date"].dt.year.to_dict()
    active = set(result.countries["country_iso3"])
    frame = shapely.box(*view)
    features = []
    for code, geometry in countries.geometries.items():
        if not geometry.intersects(frame):
            continue
        clipped = shapely.orient_polygons(shapely.clip_by_rect(geometry, *view), exterior_cw=True)
        if clipped.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(clipped),
                "properties": {
                    "iso3": code,
                    "name": countries.names.get(code, code),
                    "entry_year": entered.get(code),
                    "active": code in active,
                },
            }
        )
    return features


def expansion_map(
    result: ExpansionResult,
    path: str | os.PathLike[str] | None = None,
    *,
    basemap: str | os.PathLike[str] | None = None,
    title: str | None = None,
    padding_deg: float = 4.0,
    width: int = 640,
    height: int = 480,
) -> alt.LayerChart:
    """Map of countries shaded by year of entry with the group's events as points coloured by year.

    All data (outlines and points) are inlined, so the chart renders offline.  With ``path`` the chart
    is saved by suffix: ``.html`` (self-contained, JavaScript inlined), ``.png``, ``.svg``, ``.pdf`` or
    ``.json`` (rendered by vl-convert).
    """
    import altair as alt

    countries = geo.load_countries(basemap)
    features = _basemap_features(result, countries, padding_deg)
    # inline data as plain {"values": …}: Altair validates an alt.Data and walks every coordinate of the
    # outlines (~0.1 s each time); a dict goes to the spec's datasets as it is, and draws the same
    shapes = {"values": features}
    base = (
        alt.Chart(shapes)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "properties.entry_year:O",
                title="Year of entry",
                scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(orient="right"),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title="Country"),
                alt.Tooltip("properties.entry_year:O", title="Entered"),
            ],
        )
    )
    unentered = alt.Chart(shapes).mark_geoshape(fill="#eeeeee", stroke="white", strokeWidth=0.5)
    points = result.events[locatable(result.events)]
    point_data = pd.DataFrame(
        {
            "latitude": points["latitude"].astype(float),
            "longitude": points["longitude"].astype(float),
            "year": points["date_start"].dt.year.astype(int),
            "date": points["date_start"].dt.strftime("%Y-%m-%d"),
            "country": points["country_iso3"].astype(str),
            "event_id": points["event_id"].astype(str),
        }
    )
    dots = (
        alt.Chart({"values": point_data.to_dict(orient="records")})
        .mark_circle(size=22, opacity=0.8, stroke="black", strokeWidth=0.3)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color(
                "year:Q", title="Event year", scale=alt.Scale(scheme="viridis"), legend=alt.Legend(format="d")
            ),
            tooltip=["date:N", "country:N", "event_id:N"],
        )
    )
    label = title or f"Expansion of {result.group or 'the group'} ({result.rule.describe()})"
    chart = (
        alt.layer(unentered, base.transform_filter("datum.properties.entry_year != null"), dots)
        .resolve_scale(color="independent")
        .project(type="equalEarth")  # fitted by Vega-Lite to the (cropped) outlines
        .properties(width=width, height=height, title=label)
    )
    if path is not None:
        save_chart(chart, path)
    return chart


def save_chart(chart: alt.TopLevelMixin, path: str | os.PathLike[str]) -> None:
    """Save a chart by file suffix; HTML has its JavaScript inlined so that it works offline."""
    path = os.fspath(path)
    if path.endswith(".html"):
        chart.save(path, inline=True)
    else:
        chart.save(path)
