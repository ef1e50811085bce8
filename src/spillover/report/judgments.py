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

Where the probability comes from: the posterior probability that the stated proposition is true under a
stated model with a weak, documented prior (never ``1 − p``: a p-value is the probability of data this
extreme if nothing differs, not the probability that the judgment is true).  Each model is stated in
:data:`MODELS` (the methods annex prints them) and computed with scipy:

* a **share** against a threshold ("most of its events lie outside the parent's theatres"): Beta–binomial,
  Jeffreys prior, ``P(θ > t | k, n)`` (:func:`posterior_share_above`, :func:`posterior_share_below`); the
  share is reported with its Wilson 95% interval (:func:`share_interval`);
* **two shares** (the group vs a comparison set): Beta–binomial with a no-difference hypothesis of prior
  probability ½ (:func:`posterior_share_greater`);
* **two counts over equal windows** (before vs after an intervention): Gamma–Poisson with a no-change
  hypothesis of prior probability ½, exact through the Beta form of the rate split
  (:func:`posterior_rate_lower`);
* **entries against a null model** (the opportunism test): the null model's expected share against the
  group's own share, with prior probability ½ on the null (:func:`posterior_above_null`).

Comparisons give even prior odds to "no difference" because, with a continuous prior alone, the posterior
of a direction reproduces 1 − (mid-)p (:data:`WHY_NO_DIFFERENCE`).  The p-values of the classical tests
stay in the evidence line of each judgment (:func:`p_share_greater`, :func:`p_rate_lower`).

Confidence (low / moderate / high) is about the evidence, not the probability (:func:`confidence_level`):
the amount of evidence sets a ceiling (below ``moderate_at`` units: low; below ``high_at``: moderate; else
high), evidence from a single source cannot reach high, and a result that does not survive its
sensitivity checks drops one level.  Below ``minimum`` units no judgment is made at all: the report says
what it cannot assess (:func:`insufficient`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spillover._lazy import lazy_module

special = lazy_module("scipy.special")  # scipy is imported when a likelihood is computed
stats = lazy_module("scipy.stats")

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
# Statistics → probability: posterior probabilities under stated models
# ---------------------------------------------------------------------------------------------

#: The weak prior of every share or rate split: Jeffreys' Beta(½, ½).
JEFFREYS: tuple[float, float] = (0.5, 0.5)
#: Prior probability that a comparison shows *no* difference at all (Jeffreys' even odds).
PRIOR_NO_DIFFERENCE = 0.5

#: Each model as the methods annex states it (key → text).
MODELS: dict[str, str] = {
    "share": (
        "Share against a threshold (Beta–binomial): k of n events (or years) are independent draws with an unknown "
        "share θ; prior Jeffreys Beta(½, ½); posterior Beta(k + ½, n − k + ½); the probability is P(θ > t) or "
        "P(θ < t) under that posterior (scipy.stats.beta). The threshold (e.g. one half for 'mostly') defines the "
        "proposition; it is not a hypothesis of no effect, so no prior mass sits on it."
    ),
    "two_shares": (
        "Two shares (Beta–binomial with a no-difference hypothesis): H0 — both sets of events share one θ; H1 — "
        "each has its own θ. Prior: P(H0) = ½, every θ Jeffreys Beta(½, ½). P(H1 | data) from the exact Bayes "
        "factor (ratio of Beta functions); P(θ_group > θ_other | H1, data) by integrating the two Beta posteriors "
        "(midpoint rule over 20,000 quantiles). The probability of the proposition is P(H1 | data) × P(direction | H1, data)."
    ),
    "rates": (
        "Two counts over equal windows (Gamma–Poisson with a no-change hypothesis): events are Poisson with rate "
        "λ_before and λ_after; H0 — equal rates; H1 — independent rates with Gamma(½, ε → 0) priors. The total "
        "rate has the same prior under both, so only the split between the windows informs: π = λ_after / "
        "(λ_before + λ_after) is ½ under H0 and Beta(½, ½) a priori under H1, Beta(after + ½, before + ½) a "
        "posteriori (the exact Beta form of the two Gamma posteriors over equal exposure). P(H0) = ½. The "
        "probability that the rate fell is P(H1 | data) × P(π < ½ | H1, data)."
    ),
    "null": (
        "Entries against the null model (posterior predictive check of the null): H0 — the null model (entry dates "
        "permuted among the entry countries): each entry follows an onset with the null's expected share e, the "
        "count binomial (the Monte Carlo error of e, below 0.5 points at 10,000 draws, is neglected); H1 — the "
        "group's entries follow onsets with their own share θ, Jeffreys Beta(½, ½). P(H0) = ½. The probability "
        "that the entries were timed to instability is P(H1 | k) × P(θ > e | H1, k)."
    ),
}

#: Why comparisons carry a no-difference hypothesis (the methods annex says it once).
WHY_NO_DIFFERENCE = (
    "Why comparisons put prior mass on 'no difference': with a continuous prior alone, the posterior that one "
    "rate or share exceeds another reproduces 1 − (mid-)p of the one-sided test, so p = 0.15 would read 'very "
    "likely'. A p-value is the probability of data this extreme if nothing differs, not the probability that "
    "something does; giving 'nothing differs' even prior odds (Jeffreys 1961, ch. 5) makes p ≈ 0.1 at most "
    "'likely' (Sellke, Bayarri & Berger 2001: P(H0 | p) ≥ 1 / (1 + 1/(−e·p·ln p)) ≈ 0.38 at p = 0.1)."
)


@dataclass(frozen=True)
class Posterior:
    """The probability that a stated proposition is true under a stated model.

    ``p_difference`` is P(H1 | data), the probability that there is any difference at all (comparisons
    only); ``p_direction`` is P(the proposition's direction | H1, data)."""

    probability: float
    model: str  # key of MODELS
    p_difference: float | None = None
    p_direction: float | None = None

    @property
    def text(self) -> str:
        """The model in one line, for the judgment's rule."""
        return MODEL_NAMES[self.model]


MODEL_NAMES: dict[str, str] = {
    "share": "posterior P(θ beyond the threshold), Beta–binomial, Jeffreys prior",
    "two_shares": "posterior P(a difference) × P(group's share higher | a difference), Beta–binomial, "
    "Jeffreys priors, P(no difference) = ½ a priori",
    "rates": "posterior P(a change) × P(rate lower after | a change), Gamma–Poisson over equal windows, "
    "Jeffreys priors, P(no change) = ½ a priori",
    "null": "posterior P(not the null) × P(share above the null's | not the null), Beta–binomial against the "
    "null model's expected share, Jeffreys prior, P(null) = ½ a priori",
}


def _beta_posterior(k: int, n: int) -> stats.rv_continuous:
    a, b = JEFFREYS
    return stats.beta(int(k) + a, int(n) - int(k) + b)


def posterior_share_above(k: int, n: int, threshold: float) -> Posterior:
    """P(θ > threshold | k of n), Jeffreys prior (see MODELS['share'])."""
    return Posterior(float(_beta_posterior(k, n).sf(float(threshold))), "share")


def posterior_share_below(k: int, n: int, threshold: float) -> Posterior:
    """P(θ < threshold | k of n), Jeffreys prior (see MODELS['share'])."""
    return Posterior(float(_beta_posterior(k, n).cdf(float(threshold))), "share")


def _with_no_difference(log_bf10: float, p_direction: float, model: str) -> Posterior:
    """Combine the Bayes factor of 'a difference' against 'none' (prior odds from PRIOR_NO_DIFFERENCE)
    with the probability of the direction given a difference."""
    prior_log_odds = math.log((1 - PRIOR_NO_DIFFERENCE) / PRIOR_NO_DIFFERENCE)
    p_difference = float(special.expit(log_bf10 + prior_log_odds))
    return Posterior(p_difference * p_direction, model, p_difference, float(p_direction))


#: Quantile nodes of :func:`probability_greater` (midpoint rule: error below 1 / nodes even when one
#: posterior is much narrower than the other and the integrand is a step).
QUANTILE_NODES = 20_000


def probability_greater(first: stats.rv_continuous, second: stats.rv_continuous) -> float:
    """P(X > Y) for independent continuous X ~ first and Y ~ second: ∫₀¹ P(X > F_Y⁻¹(u)) du, by the
    midpoint rule on the quantiles of Y (a bounded integrand on the unit interval, so a narrow posterior
    cannot hide between the nodes the way it can from an adaptive quadrature over θ)."""
    u = (np.arange(QUANTILE_NODES) + 0.5) / QUANTILE_NODES
    return float(np.clip(np.mean(first.sf(second.ppf(u))), 0.0, 1.0))


def posterior_share_greater(k1: int, n1: int, k2: int, n2: int) -> Posterior:
    """P(share 1 > share 2 | data) with a no-difference hypothesis (see MODELS['two_shares'])."""
    a, b = JEFFREYS
    k1, n1, k2, n2 = int(k1), int(n1), int(k2), int(n2)
    log_bf10 = (
        special.betaln(k1 + a, n1 - k1 + b)
        + special.betaln(k2 + a, n2 - k2 + b)
        - special.betaln(k1 + k2 + a, n1 + n2 - k1 - k2 + b)
        - special.betaln(a, b)
    )
    direction = probability_greater(_beta_posterior(k1, n1), _beta_posterior(k2, n2))
    return _with_no_difference(float(log_bf10), direction, "two_shares")


def posterior_rate_lower(before: int, after: int) -> Posterior:
    """P(rate after < rate before | counts in two equal windows) with a no-change hypothesis (see
    MODELS['rates'])."""
    a, b = JEFFREYS
    before, after = int(before), int(after)
    log_bf10 = special.betaln(after + a, before + b) - special.betaln(a, b) + (before + after) * math.log(2)
    direction = float(stats.beta(after + a, before + b).cdf(0.5))
    return _with_no_difference(float(log_bf10), direction, "rates")


def posterior_above_null(k: int, n: int, expected: float) -> Posterior:
    """P(the group's share of entries following an onset exceeds the null model's expected share | k of n),
    with prior mass on the null model itself (see MODELS['null'])."""
    a, b = JEFFREYS
    k, n, e = int(k), int(n), float(expected)
    log_null = float(special.xlogy(k, e) + special.xlog1py(n - k, -e))
    log_bf10 = special.betaln(k + a, n - k + b) - special.betaln(a, b) - log_null
    direction = float(_beta_posterior(k, n).sf(e))
    return _with_no_difference(float(log_bf10), direction, "null")


# ---------------------------------------------------------------------------------------------
# Evidence statistics (quoted, never turned into a likelihood)
# ---------------------------------------------------------------------------------------------


def share_interval(k: int, n: int, confidence: float = 0.95, method: str = "wilson") -> tuple[float, float]:
    """Two-sided interval of the share ``k/n`` (Wilson by default; ``method="exact"`` = Clopper–Pearson)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method=method)
    return (float(ci.low), float(ci.high))


def p_share_greater(k1: int, n1: int, k2: int, n2: int) -> float:
    """p-value of the one-sided Fisher exact test that share 1 exceeds share 2 (evidence, not likelihood)."""
    table = [[int(k1), int(n1) - int(k1)], [int(k2), int(n2) - int(k2)]]
    return float(stats.fisher_exact(table, alternative="greater").pvalue)


def p_rate_lower(before: int, after: int) -> float:
    """p-value of the exact conditional binomial test that the rate after is lower than before, over two
    equal windows (evidence, not likelihood); 1 when both are zero."""
    total = int(before) + int(after)
    if total == 0:
        return 1.0
    return float(stats.binomtest(int(after), total, 0.5, alternative="less").pvalue)


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
    """A probability with its estimative term, the model that produced it (``rule``: the model in one
    line; ``model``: its key in :data:`MODELS`, whose full statement the methods annex prints) and, for
    comparisons, the probability that there is any difference at all."""

    probability: float
    term: str
    band: str
    rule: str
    model: str = ""
    p_difference: float | None = None

    @staticmethod
    def of(probability: float, rule: str, model: str = "", p_difference: float | None = None) -> Likelihood:
        p = clip_probability(probability)
        term = estimative_term(p)
        return Likelihood(p, term, band(term), rule, model, p_difference)

    @staticmethod
    def of_posterior(posterior: Posterior) -> Likelihood:
        """The likelihood of a posterior probability, with its model."""
        return Likelihood.of(posterior.probability, posterior.text, posterior.model, posterior.p_difference)


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
