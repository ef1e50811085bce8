"""Estimative language: how a statistic becomes "likely" or "very unlikely", and how sure we are of it.

Intelligence assessments state *how probable* a judgment is and, separately, *how much confidence* the
analyst has in the evidence behind it (ICD 203, Analytic Standards, 2015).  This module turns the
statistics the analyses return into both, by rules a reader can check and a test can pin down.

Probability → estimative term (ICD 203 bands)::

    almost no chance     1–5%        (p ≤ 5%)
    very unlikely        5–20%       (5% < p ≤ 20%)
    unlikely             20–45%      (20% < p < 45%)
    roughly even chance  45–55%      (45% ≤ p ≤ 55%)
    likely               55–80%      (55% < p < 80%)
    very likely          80–95%      (80% ≤ p < 95%)
    almost certainly     95–99%      (p ≥ 95%)

A value on a boundary belongs to the band farther from even chance, except 45% and 55%, which are "roughly
even chance": so the scale is symmetric (the term of ``p`` mirrors the term of ``1 − p``) and monotonic.
Probabilities are clipped to [1%, 99%] first: event data never make a judgment certain.

Where the probability comes from (one rule per kind of statistic, all with scipy):

* a **test against a null model** (permutation or Monte Carlo): the probability that the pattern is not
  chance, ``1 − p`` (:func:`probability_not_chance`);
* a **share** against a threshold (e.g. "most of its events lie outside the parent's theatres"): ``1 − p``
  of the exact one-sided binomial test, which is also the confidence level at which the one-sided
  Clopper–Pearson bound just reaches the threshold (:func:`probability_share_above`,
  :func:`probability_share_below`); the share is reported with its Wilson 95% interval
  (:func:`share_interval`);
* **two shares** (the group vs a comparison set): ``1 − p`` of the one-sided Fisher exact test
  (:func:`probability_share_greater`);
* **two counts over equal windows** (before vs after an intervention): ``1 − p`` of the exact conditional
  binomial test of equal rates (:func:`probability_rate_lower`).

Confidence (low / moderate / high) is about the evidence, not the probability (:func:`confidence_level`):
the amount of evidence sets a ceiling (below ``moderate_at`` units: low; below ``high_at``: moderate; else
high), evidence from a single source cannot reach high, and a result that does not survive its
sensitivity checks drops one level.  Below ``minimum`` units no judgment is made at all: the report says
what it cannot assess (:func:`insufficient`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scipy import stats

#: ICD 203 estimative terms with their probability ranges, from least to most likely.
ESTIMATIVE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("almost no chance", 0.01, 0.05),
    ("very unlikely", 0.05, 0.20),
    ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55),
    ("likely", 0.55, 0.80),
    ("very likely", 0.80, 0.95),
    ("almost certainly", 0.95, 0.99),
)
TERMS: tuple[str, ...] = tuple(t for t, _, _ in ESTIMATIVE_BANDS)
CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "moderate", "high")
#: Probabilities are kept inside this range: event data never make a judgment certain.
FLOOR, CEILING = 0.01, 0.99


def clip_probability(probability: float) -> float:
    """A probability inside [1%, 99%] (NaN is refused: a missing statistic is not a judgment)."""
    if probability != probability:  # NaN
        raise ValueError("probability is NaN: no statistic, no judgment")
    return min(CEILING, max(FLOOR, float(probability)))


def estimative_term(probability: float) -> str:
    """The ICD 203 term for a probability (boundaries: see the module docstring)."""
    p = round(clip_probability(probability), 9)  # 1 − 0.55 is 0.44999…: float noise must not cross a boundary
    if p <= 0.05:
        return "almost no chance"
    if p <= 0.20:
        return "very unlikely"
    if p < 0.45:
        return "unlikely"
    if p <= 0.55:
        return "roughly even chance"
    if p < 0.80:
        return "likely"
    if p < 0.95:
        return "very likely"
    return "almost certainly"


def band(term: str) -> str:
    """The range of a term as text, e.g. 'likely' → '55–80%'."""
    for name, low, high in ESTIMATIVE_BANDS:
        if name == term:
            return f"{low * 100:.0f}–{high * 100:.0f}%"
    raise KeyError(term)


# ---------------------------------------------------------------------------------------------
# Statistics → probability
# ---------------------------------------------------------------------------------------------


def probability_not_chance(p_value: float) -> float:
    """Probability that a pattern tested against a null model is not chance: ``1 − p``, clipped."""
    return clip_probability(1.0 - float(p_value))


def share_interval(k: int, n: int, confidence: float = 0.95, method: str = "wilson") -> tuple[float, float]:
    """Two-sided interval of the share ``k/n`` (Wilson by default; ``method="exact"`` = Clopper–Pearson)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method=method)
    return (float(ci.low), float(ci.high))


def probability_share_above(k: int, n: int, threshold: float) -> float:
    """Probability that the true share exceeds ``threshold``: ``1 − p`` of the exact one-sided binomial
    test (equivalently the level of the one-sided Clopper–Pearson bound that touches the threshold)."""
    test = stats.binomtest(int(k), int(n), float(threshold), alternative="greater")
    return clip_probability(1.0 - test.pvalue)


def probability_share_below(k: int, n: int, threshold: float) -> float:
    """Probability that the true share is below ``threshold`` (mirror of :func:`probability_share_above`)."""
    test = stats.binomtest(int(k), int(n), float(threshold), alternative="less")
    return clip_probability(1.0 - test.pvalue)


def probability_share_greater(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Probability that share 1 exceeds share 2 (``1 − p`` of the one-sided Fisher exact test), and p."""
    table = [[int(k1), int(n1) - int(k1)], [int(k2), int(n2) - int(k2)]]
    p = float(stats.fisher_exact(table, alternative="greater").pvalue)
    return clip_probability(1.0 - p), p


def probability_rate_lower(before: int, after: int) -> tuple[float, float]:
    """Probability that the event rate after is lower than before (two equal windows): ``1 − p`` of the
    exact conditional binomial test (``after`` out of ``before + after`` against one half), and p."""
    total = int(before) + int(after)
    if total == 0:
        return 0.5, 1.0
    p = float(stats.binomtest(int(after), total, 0.5, alternative="less").pvalue)
    return clip_probability(1.0 - p), p


# ---------------------------------------------------------------------------------------------
# Confidence in the evidence
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRule:
    """How much evidence a kind of judgment needs: below ``minimum`` no judgment, ``moderate_at`` and
    ``high_at`` set the confidence ceiling.  ``unit`` names what is counted (events, entries, years)."""

    unit: str
    minimum: int
    moderate_at: int
    high_at: int


#: The evidence rules used by the report, per unit counted.
EVENTS = EvidenceRule("events", minimum=10, moderate_at=30, high_at=100)
ENTRIES = EvidenceRule("country entries", minimum=3, moderate_at=5, high_at=10)
PERIODS = EvidenceRule("years with located activity", minimum=3, moderate_at=5, high_at=10)


def confidence_level(n: int, rule: EvidenceRule, *, n_sources: int = 1, robust: bool | None = None) -> str:
    """Low / moderate / high from the amount of evidence (``n`` units), how many independent sources it
    comes from (one source caps it at moderate) and whether it survives its sensitivity checks
    (``robust=False`` drops one level; None = no check was run)."""
    if n < rule.moderate_at:
        level = 0
    elif n < rule.high_at:
        level = 1
    else:
        level = 2
    if n_sources < 2:
        level = min(level, 1)
    if robust is False:
        level = max(level - 1, 0)
    return CONFIDENCE_LEVELS[level]


def confidence_reason(n: int, rule: EvidenceRule, *, n_sources: int = 1, robust: bool | None = None) -> str:
    """Why the confidence level is what it is, in words."""
    parts = [f"{n} {rule.unit} (moderate from {rule.moderate_at}, high from {rule.high_at})"]
    parts.append(
        f"{n_sources} source{'s' if n_sources != 1 else ''}"
        + (" (caps at moderate)" if n_sources < 2 else "")
    )
    if robust is not None:
        parts.append(
            "robust to the sensitivity checks"
            if robust
            else "not robust to the sensitivity checks (one level down)"
        )
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# A key judgment
# ---------------------------------------------------------------------------------------------


@dataclass
class Likelihood:
    """A probability with its estimative term and the rule that produced it."""

    probability: float
    term: str
    band: str
    rule: str  # e.g. "1 − p of an exact permutation test"

    @staticmethod
    def of(probability: float, rule: str) -> Likelihood:
        p = clip_probability(probability)
        term = estimative_term(p)
        return Likelihood(p, term, band(term), rule)


@dataclass
class KeyJudgment:
    """One key judgment: a generated sentence, its numbers, the method, likelihood and confidence.

    ``status`` is "judgment" or "insufficient" (then ``sentence`` says what cannot be assessed and why, and
    there is no likelihood).  ``numbers`` holds every number quoted in the sentence, by name, exactly as the
    analysis returned it, so a reader (or a test) can recompute each one.
    """

    key: str
    topic: str
    headline: str
    sentence: str
    method: str
    status: str = "judgment"
    proposition: str = ""  # what the likelihood is about, e.g. "AQIM fights mostly outside …"
    likelihood: Likelihood | None = None
    confidence: str | None = None
    confidence_reason: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    section: str = ""

    @property
    def is_judgment(self) -> bool:
        return self.status == "judgment"


def insufficient(
    key: str, topic: str, what: str, n: int, rule: EvidenceRule, why: str = "", section: str = ""
) -> KeyJudgment:
    """The report's statement that a question cannot be assessed, with the count and what was needed."""
    need = f"at least {rule.minimum} {rule.unit}"
    sentence = f"Cannot assess {what}: the data hold {n} {rule.unit}, and a judgment needs {need}."
    if why:
        sentence = f"Cannot assess {what}: {why}."
    return KeyJudgment(
        key=key,
        topic=topic,
        headline=f"{topic}: insufficient evidence",
        sentence=sentence,
        method=f"evidence rule: {need}",
        status="insufficient",
        numbers={"n": n, "minimum": rule.minimum},
        section=section,
    )


def percent(value: float, digits: int = 0) -> str:
    """A share as a percentage, the way every sentence of the report writes it."""
    return f"{value * 100:.{digits}f}%"


def likelihood_phrase(likelihood: Likelihood) -> str:
    """'very likely (80–95%)': the term with its ICD 203 range."""
    return f"{likelihood.term} ({likelihood.band})"


def judgment_sentence(likelihood: Likelihood, proposition: str) -> str:
    """The estimative sentence in idiomatic English: "There is almost no chance (1–5%) that …", "There is
    a roughly even chance …", "It is almost certain …", otherwise "It is likely (55–80%) that …"."""
    term, rng = likelihood.term, likelihood.band
    if term == "almost no chance":
        return f"There is almost no chance ({rng}) that {proposition}"
    if term == "roughly even chance":
        return f"There is a roughly even chance ({rng}) that {proposition}"
    if term == "almost certainly":
        return f"It is almost certain ({rng}) that {proposition}"
    return f"It is {term} ({rng}) that {proposition}"
