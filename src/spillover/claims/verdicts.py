"""Verdicts: the judgment of one claim (:class:`ClaimVerdict`, made with :func:`supported`,
:func:`contradicted` and :func:`not_checkable`) and of a whole text (:class:`CheckResult`).

A verdict rests on one of two kinds of evidence, and the summary keeps them apart:

* **events** — the store's event data and the dated onset lists (coups, war onsets, interventions): a
  supported claim is "supported by events";
* **the registry** — lineage facts (renamings, pledges, mergers, splits, foundings) are checked against the
  actor registry, which is curated and cited but is not event data: a supported claim is "consistent with
  the registry".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from spillover.claims.extract import Claim

SUPPORTED, CONTRADICTED, NOT_CHECKABLE = "supported", "contradicted", "not checkable"
VERDICTS = (SUPPORTED, CONTRADICTED, NOT_CHECKABLE)
#: Claim kinds checked against the actor registry rather than event data.
REGISTRY_KINDS = frozenset({"relation", "founding"})


@dataclass
class ClaimVerdict:
    """The judgment of one claim against the data."""

    text: str
    kind: str
    verdict: str  # supported / contradicted / not checkable
    data_figure: str  # what the data say, with the figure
    explanation: str  # how it was checked
    event_ids: list[str] = field(default_factory=list)
    aspects: dict[str, str] = field(default_factory=dict)
    sources_covering: list[str] = field(default_factory=list)
    claim: dict[str, Any] = field(default_factory=dict)
    #: Why a claim is not checkable, or what limits a verdict, in a word: "causal", "no coverage", …
    reason: str | None = None

    @property
    def basis(self) -> str:
        """ "registry" for lineage claims (checked against the actor registry), else "events"."""
        return "registry" if self.kind in REGISTRY_KINDS else "events"

    @property
    def label(self) -> str:
        """The verdict as printed: "not checkable (causal)", "supported", …"""
        return f"{self.verdict} ({self.reason})" if self.reason else self.verdict

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "basis": self.basis}

    to_dict = as_dict


def _verdict(
    verdict: str,
    claim: Claim,
    figure: str,
    how: str,
    event_ids: Sequence[str],
    aspects: dict[str, str] | None,
    sources: Sequence[str],
    reason: str | None,
) -> ClaimVerdict:
    return ClaimVerdict(
        text=claim.text, kind=claim.kind, verdict=verdict, data_figure=figure, explanation=how,
        event_ids=list(event_ids), aspects=dict(aspects or {}), sources_covering=list(sources),
        claim=claim.summary(), reason=reason,
    )  # fmt: skip


def supported(
    claim: Claim, *, figure: str, how: str, event_ids: Sequence[str] = (), aspects: dict[str, str] | None = None,
    sources: Sequence[str] = (), reason: str | None = None,
) -> ClaimVerdict:  # fmt: skip
    """The data agree with ``claim``: ``figure`` is what they say, ``how`` how it was checked."""
    return _verdict(SUPPORTED, claim, figure, how, event_ids, aspects, sources, reason)


def contradicted(
    claim: Claim, *, figure: str, how: str, event_ids: Sequence[str] = (), aspects: dict[str, str] | None = None,
    sources: Sequence[str] = (), reason: str | None = None,
) -> ClaimVerdict:  # fmt: skip
    """The data disagree with ``claim`` (``figure`` says what they show instead)."""
    return _verdict(CONTRADICTED, claim, figure, how, event_ids, aspects, sources, reason)


def not_checkable(
    claim: Claim, *, figure: str, how: str, event_ids: Sequence[str] = (), aspects: dict[str, str] | None = None,
    sources: Sequence[str] = (), reason: str | None = None,
) -> ClaimVerdict:  # fmt: skip
    """The data cannot show whether ``claim`` is true (``how`` and ``reason`` say why)."""
    return _verdict(NOT_CHECKABLE, claim, figure, how, event_ids, aspects, sources, reason)


@dataclass
class CheckResult:
    """Every verdict on a text, for one group; iterates over the verdicts."""

    group_id: str
    group: str
    verdicts: list[ClaimVerdict]

    def __iter__(self) -> Iterator[ClaimVerdict]:
        return iter(self.verdicts)

    def __len__(self) -> int:
        return len(self.verdicts)

    def __getitem__(self, i: int) -> ClaimVerdict:
        return self.verdicts[i]

    @property
    def any_contradicted(self) -> bool:
        return any(v.verdict == CONTRADICTED for v in self.verdicts)

    def counts(self) -> dict[str, int]:
        """Supported claims split by their evidence (events or the registry), then the other verdicts."""
        n = dict.fromkeys(
            ("supported_by_events", "consistent_with_registry", "contradicted", "not_checkable"), 0
        )
        for v in self.verdicts:
            if v.verdict == SUPPORTED:
                n["consistent_with_registry" if v.basis == "registry" else "supported_by_events"] += 1
            else:
                n[v.verdict.replace(" ", "_")] += 1
        return n

    def summary_line(self) -> str:
        """ "N supported by events, N consistent with the registry, N contradicted, N not checkable"."""
        n = self.counts()
        return (
            f"{n['supported_by_events']} supported by events, {n['consistent_with_registry']} consistent with "
            f"the registry, {n['contradicted']} contradicted, {n['not_checkable']} not checkable"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "group": self.group,
            "claims": len(self.verdicts),
            "summary": self.counts(),
            "verdicts": [v.as_dict() for v in self.verdicts],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per verdict: the claim, its kind, verdict (with its reason), evidence and events."""
        return pd.DataFrame(
            [
                {
                    "claim": v.text,
                    "kind": v.kind,
                    "verdict": v.label,
                    "basis": v.basis,
                    "the data say": v.data_figure,
                    "how": v.explanation,
                    "events": " ".join(v.event_ids),
                }
                for v in self.verdicts
            ],  # fmt: skip
            columns=["claim", "kind", "verdict", "basis", "the data say", "how", "events"],
        )
