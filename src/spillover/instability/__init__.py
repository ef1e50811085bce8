"""Registry of dated instability onsets (coups, war onsets, regime collapses, foreign interventions)."""

from spillover.instability.registry import (
    CITATIONS,
    ONSET_COLUMNS,
    ONSET_KINDS,
    SOURCES,
    UnknownCountry,
    country_iso3,
    load_onsets,
    onsets_for,
    onsets_within,
    read_onsets_yaml,
)

__all__ = [
    "CITATIONS",
    "ONSET_COLUMNS",
    "ONSET_KINDS",
    "SOURCES",
    "UnknownCountry",
    "country_iso3",
    "load_onsets",
    "onsets_for",
    "onsets_within",
    "read_onsets_yaml",
]
