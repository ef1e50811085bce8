"""The estimative-language rule (ICD 203): bands and their boundaries, monotonicity, symmetry, the
posterior probability models (checked against independent scipy integrations and seeded Monte Carlo),
confidence levels, the insufficient-evidence statement, and Heuer's rule."""

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
    MODELS,
    TERMS,
    EvidenceRule,
    Likelihood,
    band,
    clip_probability,
    confidence_level,
    estimative_term,
    insufficient,
    judgment_sentence,
    p_rate_lower,
    p_share_greater,
    posterior_above_null,
    posterior_rate_lower,
    posterior_share_above,
    posterior_share_below,
    posterior_share_greater,
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


# The three tests that pinned the likelihood to 1 − p (permutation rule, share rule, two shares / two counts)
# are replaced by the posterior models below: a p-value is evidence, not the probability of a judgment.


def _marginal(likelihood, peak: float = 0.5) -> float:
    """∫ likelihood(θ) Beta(½, ½)(θ) dθ by adaptive quadrature (split at the likelihood's peak): an
    independent reference for the Beta functions of the Bayes factors."""
    from scipy import integrate

    prior = stats.beta(0.5, 0.5)
    value, _ = integrate.quad(lambda t: likelihood(t) * prior.pdf(t), 0, 1, limit=400, points=[peak])
    return value


def test_share_posterior_is_the_jeffreys_beta_posterior() -> None:
    k, n = 14, 20
    post = posterior_share_above(k, n, 0.5)
    assert post.model == "share" and post.model in MODELS
    assert post.probability == pytest.approx(stats.beta.sf(0.5, k + 0.5, n - k + 0.5), abs=1e-12)
    draws = np.random.default_rng(7).beta(k + 0.5, n - k + 0.5, 400_000)
    assert post.probability == pytest.approx((draws > 0.5).mean(), abs=0.003)
    assert posterior_share_below(k, n, 0.5).probability == pytest.approx(1 - post.probability)
    probs = [posterior_share_above(i, n, 0.5).probability for i in range(n + 1)]
    assert probs == sorted(probs)  # more successes never lower the probability


def test_rate_posterior_matches_gamma_poisson_monte_carlo_and_quadrature() -> None:
    before, after = 43, 16
    post = posterior_rate_lower(before, after)
    # direction: independent Gamma posteriors of the two rates (Jeffreys shape ½, equal exposure)
    rng = np.random.default_rng(11)
    lam_before, lam_after = rng.gamma(before + 0.5, size=400_000), rng.gamma(after + 0.5, size=400_000)
    assert post.p_direction == pytest.approx((lam_after < lam_before).mean(), abs=0.003)
    # a change at all: the split of the total, binomial(½) under no change, Beta(½, ½) prior under a change
    n = before + after
    h1 = _marginal(lambda t: stats.binom.pmf(after, n, t), after / n)
    h0 = stats.binom.pmf(after, n, 0.5)
    assert post.p_difference == pytest.approx(h1 / (h0 + h1), rel=1e-6)
    assert post.probability == pytest.approx(post.p_difference * post.p_direction)
    assert posterior_rate_lower(0, 0).probability == pytest.approx(0.25)  # no data: ½ change × ½ down
    assert p_rate_lower(before, after) == pytest.approx(
        stats.binomtest(after, n, 0.5, alternative="less").pvalue
    )


def test_two_share_posterior_matches_quadrature_and_monte_carlo() -> None:
    k1, n1, k2, n2 = 12, 60, 40, 450
    post = posterior_share_greater(k1, n1, k2, n2)
    rng = np.random.default_rng(3)
    x, y = rng.beta(k1 + 0.5, n1 - k1 + 0.5, 400_000), rng.beta(k2 + 0.5, n2 - k2 + 0.5, 400_000)
    assert post.p_direction == pytest.approx((x > y).mean(), abs=0.003)
    # Bayes factor from the marginal likelihoods, each by quadrature (the binomial coefficients cancel)
    lik1 = _marginal(lambda t: t**k1 * (1 - t) ** (n1 - k1), k1 / n1)
    lik1 *= _marginal(lambda t: t**k2 * (1 - t) ** (n2 - k2), k2 / n2)
    lik0 = _marginal(lambda t: t ** (k1 + k2) * (1 - t) ** (n1 + n2 - k1 - k2), (k1 + k2) / (n1 + n2))
    assert post.p_difference == pytest.approx(lik1 / (lik0 + lik1), rel=1e-4)
    # a very narrow posterior against a wide one: still right (the integrand is a step)
    narrow = posterior_share_greater(0, 4029, 3, 40)
    assert narrow.p_direction < 1e-3
    assert p_share_greater(19, 209, 0, 101) == pytest.approx(
        stats.fisher_exact([[19, 190], [0, 101]], alternative="greater").pvalue
    )


def test_null_model_posterior_matches_quadrature_and_monte_carlo() -> None:
    k, n, expected = 5, 8, 0.3
    post = posterior_above_null(k, n, expected)
    h1 = _marginal(lambda t: stats.binom.pmf(k, n, t), k / n)
    h0 = stats.binom.pmf(k, n, expected)
    assert post.p_difference == pytest.approx(h1 / (h0 + h1), rel=1e-6)
    draws = np.random.default_rng(5).beta(k + 0.5, n - k + 0.5, 400_000)
    assert post.p_direction == pytest.approx((draws > expected).mean(), abs=0.003)


def test_a_p_value_near_a_tenth_is_never_very_likely() -> None:
    """The cases the issue names: 1 − p would say "very likely (80–95%)" at p ≈ 0.1; the posterior does not."""
    # two equal windows, 30 events before and 20 after
    p = p_rate_lower(30, 20)
    assert 0.08 < p < 0.16 and estimative_term(1 - p) == "very likely"
    assert estimative_term(posterior_rate_lower(30, 20).probability) not in (
        "very likely",
        "almost certainly",
    )
    # the group's share against other actors' (Fisher p ≈ 0.1)
    p = p_share_greater(9, 60, 40, 450)
    assert 0.08 < p < 0.16 and estimative_term(1 - p) == "very likely"
    assert estimative_term(posterior_share_greater(9, 60, 40, 450).probability) not in (
        "very likely",
        "almost certainly",
    )
    # 3 of 5 entries after an onset where the null expects 25% (binomial p ≈ 0.1)
    p = stats.binom.sf(2, 5, 0.25)
    assert 0.08 < p < 0.16 and estimative_term(1 - p) == "very likely"
    assert estimative_term(posterior_above_null(3, 5, 0.25).probability) not in (
        "very likely",
        "almost certainly",
    )
    # and over every count with p between 0.08 and 0.2: at most "likely"
    for before in range(0, 120):
        for after in range(0, 120):
            if 0.08 <= p_rate_lower(before, after) <= 0.2:
                assert posterior_rate_lower(before, after).probability < 0.8, (before, after)
    for n in range(ENTRIES.minimum, 40):
        for e in (0.05, 0.1, 0.25, 0.5, 0.75):
            for k in range(n + 1):
                if 0.08 <= stats.binom.sf(k - 1, n, e) <= 0.2:
                    assert posterior_above_null(k, n, e).probability < 0.8, (k, n, e)


def test_share_interval_is_wilson() -> None:
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 10), (96, 425), (10, 10)]:
        low, high = share_interval(k, n)
        ref = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (low, high) == pytest.approx(ref, abs=1e-9)
        assert low <= k / n <= high
    assert all(math.isnan(v) for v in share_interval(0, 0))


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
