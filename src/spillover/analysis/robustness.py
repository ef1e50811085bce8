"""Robustness of the opportunism test: the primary test on subsets of the events (precise dates, precise
locations, both) and with the origin included, so that a result that hangs on imprecise rows or on the
origin shows it.  Each variant runs :func:`~spillover.analysis.opportunism.assess_opportunism` itself."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from spillover.analysis.expansion import (
    MIN_EVENTS,
    WINDOW_MONTHS,
    InsufficientData,
    measure_expansion,
    prepare_events,
)
from spillover.analysis.opportunism import PRECISE_DATES, assess_opportunism


def _variants(events: pd.DataFrame) -> dict[str, pd.Series]:
    frame = events
    precise_date = (
        frame["date_precision"].isin(PRECISE_DATES)
        if "date_precision" in frame
        else pd.Series(False, index=frame.index)
    )
    coarse_place = (
        frame["geo_precision"].isin({"country", "none"})
        if "geo_precision" in frame
        else pd.Series(False, index=frame.index)
    )
    return {
        "all events": pd.Series(True, index=frame.index),
        "precise dates (day/week)": precise_date,
        "precise locations (not country/none)": ~coarse_place,
        "precise dates and locations": precise_date & ~coarse_place,
    }


def opportunism_robustness(
    events: pd.DataFrame,
    onsets: pd.DataFrame,
    *,
    group_ids: Iterable[str] = (),
    window: int = 12,
    null: str = "permute",
    n_draws: int = 10_000,
    seed: int = 0,
    min_events: int = MIN_EVENTS,
    window_months: int = WINDOW_MONTHS,
    origin: str | None = None,
    basemap: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The primary test on subsets of the events (precise dates, precise locations, both) and with the
    origin included, so that a result that hangs on imprecise rows or on the origin shows it."""
    frame, _ = prepare_events(events)
    rows = []
    variants = {name: (mask, False) for name, mask in _variants(frame).items()}
    variants["all events, origin included"] = (pd.Series(True, index=frame.index), True)
    for name, (mask, include_origin) in variants.items():
        subset = frame[mask]
        row = {"variant": name, "n_events": len(subset)}
        try:
            expansion = measure_expansion(
                subset, min_events=min_events, window_months=window_months, origin=origin
            )
        except InsufficientData:
            rows.append({**row, "status": "insufficient_data", "n_expansions": 0})
            continue
        result = assess_opportunism(
            expansion,
            onsets,
            group_ids=group_ids,
            windows=(window,),
            primary_window=window,
            nulls=(null,),
            primary_null=null,
            n_draws=n_draws,
            seed=seed,
            include_origin=include_origin,
            basemap=basemap,
            by_kind=False,
        )
        primary = result.primary()
        entered = ", ".join(
            f"{c} {d:%Y-%m}"
            for c, d in zip(
                result.entries.get("country_iso3", []), result.entries.get("date", []), strict=True
            )
        )
        rows.append(
            {
                **row,
                "status": result.status,
                "n_expansions": result.n_expansions,
                "entries": entered,
                **(
                    {}
                    if primary is None
                    else primary[
                        ["observed_count", "observed_share", "expected_share", "effect", "p_value"]
                    ].to_dict()
                ),
            }
        )
    columns = [
        "variant", "status", "n_events", "n_expansions", "observed_count", "observed_share",
        "expected_share", "effect", "p_value", "entries",
    ]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=columns)
