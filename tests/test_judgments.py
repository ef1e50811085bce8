"""The estimative-language rule (ICD 203): bands and their boundaries, monotonicity, symmetry, the
statistics → probability rules, confidence levels, the insufficient-evidence statement, and Heuer's rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from spillover.report.ach import C, Evidence, I, Matrix, N, three_way
from spillover.report.judgments import (
    ENTRIES,
    ESTIMATIVE_BANDS,
    EVENTS,
    TERMS,
    EvidenceRule,
    Likelihood,
    band,
    clip_probability,
    confidence_level,
    estimative_term,
    insufficient,
    judgment_sentence,
    probability_not_chance,
    probability_rate_lower,
    probability_share_above,
    probability_share_below,
    probability_share_greater,
    share_interval,
)


@pytest.mark.parametrize(
    ("p", "term"),
    [
        (0.0, "almost no chance"),  # clipped to 1%
        (0.01, "almost no chance"),
        (0.05, "almost no chance"),  # boundary: the band farther from even chance
        (0.0501, "very unlikely"),
        (0.20, "very unlikely"),
        (0.2001, "unlikely"),
        (0.4499, "unlikely"),
        (0.45, "roughly even chance"),
        (0.50, "roughly even chance"),
        (0.55, "roughly even chance"),
        (0.5501, "likely"),
        (0.7999, "likely"),
        (0.80, "very likely"),
        (0.9499, "very likely"),
        (0.95, "almost certainly"),
        (0.99, "almost certainly"),
        (1.0, "almost certainly"),  # clipped to 99%
    ],
)
def test_band_boundaries(p: float, term: str) -> None:
    assert estimative_term(p) == term


def test_bands_are_icd203_ranges() -> None:
    assert [band(t) for t in TERMS] == ["1–5%", "5–20%", "20–45%", "45–55%", "55–80%", "80–95%", "95–99%"]
    lows = [lo for _, lo, _ in ESTIMATIVE_BANDS]
    highs = [hi for _, _, hi in ESTIMATIVE_BANDS]
    assert lows[1:] == highs[:-1]  # contiguous


def test_monotonic_and_symmetric() -> None:
    grid = np.linspace(0, 1, 10_001)
    ranks = [TERMS.index(estimative_term(p)) for p in grid]
    assert ranks == sorted(ranks)
    assert set(ranks) == set(range(len(TERMS)))  # every term is reachable
    for p in grid:
        assert TERMS.index(estimative_term(p)) == len(TERMS) - 1 - TERMS.index(estimative_term(1 - p))


def test_no_certainty_and_no_judgment_without_a_statistic() -> None:
    assert clip_probability(0.0) == 0.01 and clip_probability(1.0) == 0.99
    with pytest.raises(ValueError):
        estimative_term(float("nan"))


def test_permutation_rule_is_one_minus_p() -> None:
    assert probability_not_chance(0.917) == pytest.approx(0.083)
    assert probability_not_chance(0.0) == 0.99
    assert estimative_term(probability_not_chance(0.03)) == "almost certainly"


def test_share_rule_matches_the_exact_binomial_and_the_clopper_pearson_bound() -> None:
    k, n = 14, 20
    prob = probability_share_above(k, n, 0.5)
    assert prob == pytest.approx(1 - stats.binom.sf(k - 1, n, 0.5))
    # the one-sided Clopper–Pearson lower bound at level `prob` sits exactly on the threshold
    lower = stats.beta.ppf(1 - prob, k, n - k + 1)
    assert lower == pytest.approx(0.5, abs=1e-6)
    assert probability_share_below(k, n, 0.5) < 0.5 < prob
    # more successes never lower the probability
    probs = [probability_share_above(i, n, 0.5) for i in range(n + 1)]
    assert probs == sorted(probs)


def test_share_interval_is_wilson() -> None:
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 10), (96, 425), (10, 10)]:
        low, high = share_interval(k, n)
        ref = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (low, high) == pytest.approx(ref, abs=1e-9)
        assert low <= k / n <= high
    assert all(math.isnan(v) for v in share_interval(0, 0))


def test_two_shares_and_two_counts() -> None:
    prob, p = probability_share_greater(19, 209, 0, 101)
    assert p == pytest.approx(stats.fisher_exact([[19, 190], [0, 101]], alternative="greater").pvalue)
    assert prob == pytest.approx(min(0.99, 1 - p))
    down, p_down = probability_rate_lower(40, 10)
    up, _ = probability_rate_lower(10, 40)
    assert down > 0.95 and up < 0.05
    assert p_down == pytest.approx(stats.binomtest(10, 50, 0.5, alternative="less").pvalue)
    assert probability_rate_lower(0, 0) == (0.5, 1.0)


def test_confidence_levels() -> None:
    rule = EvidenceRule("events", minimum=10, moderate_at=30, high_at=100)
    assert confidence_level(29, rule, n_sources=3) == "low"
    assert confidence_level(30, rule, n_sources=3) == "moderate"
    assert confidence_level(100, rule, n_sources=3) == "high"
    assert confidence_level(1000, rule, n_sources=1) == "moderate"  # one source caps it
    assert confidence_level(1000, rule, n_sources=2, robust=False) == "moderate"  # not robust: one down
    assert confidence_level(30, rule, n_sources=2, robust=False) == "low"
    assert confidence_level(5, rule, n_sources=2, robust=False) == "low"  # never below low
    levels = [confidence_level(n, ENTRIES, n_sources=2) for n in range(0, 20)]
    assert levels == sorted(levels, key=["low", "moderate", "high"].index)


def test_insufficient_data_is_a_statement_not_a_judgment() -> None:
    kj = insufficient("x", "Topic", "whether it expanded", 4, EVENTS)
    assert kj.status == "insufficient" and kj.likelihood is None and kj.confidence is None
    assert "4 events" in kj.sentence and f"at least {EVENTS.minimum} events" in kj.sentence
    assert not kj.is_judgment


def test_sentences_read_as_english() -> None:
    assert judgment_sentence(Likelihood.of(0.02, "r"), "X").startswith(
        "There is almost no chance (1–5%) that X"
    )
    assert judgment_sentence(Likelihood.of(0.5, "r"), "X").startswith(
        "There is a roughly even chance (45–55%) that X"
    )
    assert judgment_sentence(Likelihood.of(0.97, "r"), "X").startswith("It is almost certain (95–99%) that X")
    assert judgment_sentence(Likelihood.of(0.7, "r"), "X") == "It is likely (55–80%) that X"


def test_heuer_rule_fewest_inconsistencies_wins() -> None:
    m = Matrix("m", "T", {"H1": "a", "H2": "b"})
    m.evidence = [Evidence("e1", "f", "r", {"H1": C, "H2": I}), Evidence("e2", "f", "r", {"H1": N, "H2": I})]
    assert m.inconsistencies() == {"H1": 0, "H2": 2}
    assert m.winner == "H1" and "H1 (a) prevails" in m.verdict()
    m.evidence.append(Evidence("e3", "f", "r", {"H1": I, "H2": C}))
    m.evidence.append(Evidence("e4", "f", "r", {"H1": I, "H2": C}))
    assert m.winner is None and m.verdict().startswith("Undecided")
    neutral = Matrix("m", "T", {"H1": "a", "H2": "b"}, [Evidence("e", "f", "r", {"H1": N, "H2": N})])
    assert neutral.winner is None and "tells the hypotheses apart" in neutral.verdict()
    by_default = Matrix("m", "T", {"H1": "a", "H2": "b"}, [Evidence("e", "f", "r", {"H1": N, "H2": I})])
    assert by_default.winner == "H1" and "only by default" in by_default.verdict()


def test_three_way_marks_are_inclusive() -> None:
    low, high = {"H": C}, {"H": I}
    assert three_way(1 / 3, 1 / 3, 2 / 3, low, high, ["H"]) == low
    assert three_way(2 / 3, 1 / 3, 2 / 3, low, high, ["H"]) == high
    assert three_way(0.5, 1 / 3, 2 / 3, low, high, ["H"]) == {"H": N}
