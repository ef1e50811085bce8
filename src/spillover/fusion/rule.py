"""The matching rule: every threshold of the cross-source matcher, and the version each link is written with.

Apart from :mod:`~spillover.fusion.matching` (scoring and merging) and :mod:`~spillover.fusion.blocking`
(the candidate pairs), which both read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Version of the matching rule written with every link; bump it whenever scores or decisions change.
RULE_VERSION = "fusion-1"


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class MatchRule:
    """Every threshold of the matcher in one place, so that a link can say which rule made it."""

    #: Days by which each side's interval is widened before testing overlap, by date precision.
    date_tolerance_days: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"day": 1, "week": 1, "month": 0, "year": 0})
    )
    #: Intervals longer than this (days) are tallies, not events, and are never matched.
    max_interval_days: int = 31
    #: Distance tolerance (km) by geo precision; the coarser side of a pair decides.
    place_tolerance_km: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"point": 10.0, "near": 25.0, "admin2": 50.0, "admin1": 150.0})
    )
    #: How much a place of each precision is worth at distance 0 (an admin1 centroid proves little).
    place_precision_weight: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"point": 1.0, "near": 0.95, "admin2": 0.85, "admin1": 0.7})
    )
    #: rapidfuzz token_set_ratio (0-100) from which two place names are the same place.
    name_similarity_min: float = 85.0
    #: Weights of the components in the score (they sum to 1).
    weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"date": 0.3, "place": 0.3, "actor": 0.25, "toll": 0.15})
    )
    #: Actor component by compatibility level.
    actor_scores: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"same": 1.0, "family": 0.8, "unknown": 0.5, "different": 0.0})
    )
    #: Place component when it cannot be compared (a country-level place, or no name on one side).
    place_unknown_score: float = 0.3
    #: Toll component when a side gives no figure.
    toll_unknown_score: float = 0.5
    #: Pairs scoring at least this (and passing every veto) may be merged.
    threshold: float = 0.7
    #: Also link events of one source that come from different files (overlapping exports).
    across_files: bool = True
    #: Sources that record one attack as several rows, one per dyad (GED), at the same place and time.
    split_sources: tuple[str, ...] = ("ged",)
    version: str = RULE_VERSION

    def describe(self) -> str:
        """The merge rule in one sentence, for reports."""
        return (
            f"{self.version}: score >= {self.threshold} with no veto (date gap within tolerance, place within "
            f"{dict(self.place_tolerance_km)} km or same place name, no conflicting armed group), greedy by score, "
            "at most one event per source" + (" file" if self.across_files else "") + " in each fused event"
        )
