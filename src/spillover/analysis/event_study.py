"""The group's activity around instability onsets: an event study, treated country vs comparable
countries, month by month (the companion of :mod:`spillover.analysis.opportunism`'s entry test).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spillover.analysis import geo
from spillover.analysis.expansion import InsufficientData, prepare_events
from spillover.analysis.opportunism import NEIGHBOUR_KM, normalise_onsets

if TYPE_CHECKING:
    import altair as alt

# ---------------------------------------------------------------------------------------------
# Event study
# ---------------------------------------------------------------------------------------------


@dataclass
class EventStudyResult:
    """Group's monthly events around onsets, treated country vs comparable countries.

    ``table``: relative_month, treated_mean, control_mean, difference, n_onsets, n_controls.
    ``treated``: the onsets studied; ``controls``: one row per (onset, control country).
    """

    table: pd.DataFrame
    treated: pd.DataFrame
    controls: pd.DataFrame
    months: int


def _month_number(dates) -> np.ndarray:
    stamps = pd.DatetimeIndex(pd.to_datetime(dates))
    return (stamps.year * 12 + stamps.month - 1).to_numpy()


def _comparables(
    comparables: str | Iterable[str], country: str, events: pd.DataFrame, neighbour_km: float, basemap
) -> set[str]:
    if isinstance(comparables, str) and comparables == "active":
        return set(events["country_iso3"])
    if isinstance(comparables, str) and comparables == "neighbours":
        return geo.neighbours([country], within_km=neighbour_km, basemap=basemap)
    if isinstance(comparables, str):
        raise ValueError("comparables must be 'active', 'neighbours' or a list of ISO3 codes")
    return set(comparables)


def event_study(
    events: pd.DataFrame,
    onsets: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
    months: int = 24,
    comparables: str | Iterable[str] = "active",
    neighbour_km: float = NEIGHBOUR_KM,
    basemap: str | os.PathLike[str] | None = None,
) -> EventStudyResult:
    """Group's monthly event count in a country from ``months`` before to ``months`` after each onset,
    against the same calendar months in comparable countries with no onset within ``months`` of it.

    ``onsets`` are the onsets to study (e.g. one coup); ``registry`` (default ``onsets``) is used to
    exclude comparables that had an onset of their own in the window.  ``comparables`` is ``"active"``
    (countries where the group was ever active), ``"neighbours"`` or a list of ISO3 codes.
    """
    frame, _ = prepare_events(events)
    onsets = normalise_onsets(onsets)
    registry = onsets if registry is None else normalise_onsets(registry)
    counts = pd.Series(
        1, index=pd.MultiIndex.from_arrays([frame["country_iso3"], _month_number(frame["date_start"])])
    )
    counts = counts.groupby(level=[0, 1]).sum()
    registry_months = pd.DataFrame(
        {"country_iso3": registry["country_iso3"], "month": _month_number(registry["date"])}
    )
    relative = np.arange(-months, months + 1)

    def series(country: str, start: int) -> np.ndarray:
        if country not in counts.index.get_level_values(0):
            return np.zeros(len(relative))
        return counts.loc[country].reindex(start + relative, fill_value=0).to_numpy(dtype=float)

    treated_rows, control_rows, treated_counts, control_counts = [], [], [], []
    for onset in onsets.dropna(subset=["country_iso3", "date"]).itertuples(index=False):
        start = int(_month_number([onset.date])[0])
        busy = set(registry_months.loc[(registry_months["month"] - start).abs() <= months, "country_iso3"])
        pool = _comparables(comparables, onset.country_iso3, frame, neighbour_km, basemap)
        controls = sorted(pool - busy - {onset.country_iso3})
        treated_rows.append(
            {
                "country_iso3": onset.country_iso3,
                "date": onset.date,
                "kind": onset.kind,
                "n_controls": len(controls),
            }
        )
        control_rows += [{"onset": len(treated_rows) - 1, "country_iso3": c} for c in controls]
        treated_counts.append(series(onset.country_iso3, start))
        control_counts.append(
            np.mean([series(c, start) for c in controls], axis=0)
            if controls
            else np.full(len(relative), np.nan)
        )
    if not treated_counts:
        raise InsufficientData("no onset to study", count=0)
    treated_mean = np.mean(treated_counts, axis=0)
    with np.errstate(invalid="ignore"):
        control_stack = np.vstack(control_counts)
        has_control = ~np.isnan(control_stack).all(axis=1)
        control_mean = (
            control_stack[has_control].mean(axis=0) if has_control.any() else np.full(len(relative), np.nan)
        )
    table = pd.DataFrame(
        {
            "relative_month": relative,
            "treated_mean": treated_mean,
            "control_mean": control_mean,
            "difference": treated_mean - control_mean,
            "n_onsets": len(treated_counts),
            "n_controls": float(np.mean([r["n_controls"] for r in treated_rows])),
        }
    )
    return EventStudyResult(
        table=table,
        treated=pd.DataFrame(treated_rows),
        controls=pd.DataFrame(control_rows, columns=["onset", "country_iso3"]),
        months=months,
    )


def event_study_chart(study: EventStudyResult | pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Lines of treated and control mean monthly events by month relative to the onset."""
    import altair as alt

    table = study.table if isinstance(study, EventStudyResult) else study
    long = table.melt(
        id_vars="relative_month",
        value_vars=["treated_mean", "control_mean"],
        var_name="series",
        value_name="events",
    )
    long["series"] = long["series"].map(
        {"treated_mean": "country with onset", "control_mean": "comparable countries"}
    )
    lines = (
        alt.Chart({"values": long.to_dict(orient="records")})  # not alt.Data: see expansion_map
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "relative_month:Q",
                title="Months relative to onset",
                scale=alt.Scale(
                    domain=[int(table["relative_month"].min()), int(table["relative_month"].max())],
                    nice=False,
                ),
            ),
            y=alt.Y("events:Q", title="Group events per month (mean)"),
            color=alt.Color("series:N", title=None),
            tooltip=["relative_month:Q", "series:N", alt.Tooltip("events:Q", format=".2f")],
        )
    )
    onset_rule = alt.Chart({"values": [{"x": 0}]}).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
    return alt.layer(lines, onset_rule).properties(
        width=560, height=280, title=title or "Event study around onset"
    )
