"""Every parameter of the measures (and of an assessment), with its one default.

Kept apart from :mod:`spillover.measures` (which re-exports it) so that the command line can show these
defaults in its help without importing pandas or the analyses.
"""

from __future__ import annotations

from dataclasses import dataclass

from spillover.selection.defaults import DEFAULT_CERTAINTY, DEFAULT_INCLUDE, DEFAULT_VIEW


@dataclass(frozen=True)
class Parameters:
    """Every parameter of the measures (and of an assessment), printed in the methods annex."""

    # which events (see :func:`spillover.selection.select`)
    include: tuple[str, ...] = DEFAULT_INCLUDE
    certainty: tuple[str, ...] = DEFAULT_CERTAINTY
    view: str = DEFAULT_VIEW
    # expansion: sustained violent activity (see spillover.analysis.expansion)
    min_events: int = 3
    window_months: int = 12
    gap_months: int = 6
    continue_quarters: int = 1
    # opportunism test
    windows: tuple[int, ...] = (6, 12, 24)
    primary_window: int = 12
    nulls: tuple[str, ...] = ("permute", "uniform", "neighbours")
    primary_null: str = "permute"
    n_draws: int = 10_000
    seed: int = 0
    event_study_months: int = 24
    # autonomy: a country is the parent's area only with this many parent events there (one stray
    # attribution, e.g. a single arrest coded "Al Qaeda", does not make a theatre)
    autonomy_min_events: int = 20
    parent_area_min_events: int = 5
    # fragmentation
    eps_km: float = 300.0
    min_samples: int = 5
    # response and outlook
    response_months: int = 12
    trend_years: int = 3
    # tactic tested around the group's identity change
    shift_tactic: str = "suicide_attack"


DEFAULTS = Parameters()
