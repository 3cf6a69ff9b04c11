"""Issue 13: Poisson-gamma empirical Bayes for small units' rates, and the gamma it rests on."""

import math
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.empirical_bayes_rates import GammaPrior, fit_rate_prior, shrink_rate
from qframe.engine.errors import InvalidInput
from qframe.engine.gamma import (
    gamma_cdf,
    gamma_quantile,
    gamma_sf,
    lower_regularised,
    upper_regularised,
)


def _poisson_cdf(k: int, lam: float) -> float:
    # Reference: P(Poisson(λ) ≤ k) = Σ_{j ≤ k} e^(−λ) λ^j / j!, summed in 60-digit decimals.
    with localcontext() as ctx:
        ctx.prec = 60
        lam_d = Decimal(repr(lam))
        term = (-lam_d).exp()
        total = term
        for j in range(1, k + 1):
            term = term * lam_d / j
            total += term
        return float(total)


def _simpson_cdf(x: float, a: float, steps: int = 20_000) -> float:
    # Reference: Simpson's rule on the Gamma(a, 1) density from 0 to x (a ≥ 2: smooth enough at 0).
    h = x / steps
    total = 0.0
    for i in range(steps + 1):
        t = i * h
        f = 0.0 if t == 0 else math.exp((a - 1) * math.log(t) - t - math.lgamma(a))
        total += f * (1 if i in (0, steps) else 4 if i % 2 else 2)
    return total * h / 3


POISSON_CASES = [
    (lam, k)
    for lam in (0.001, 0.5, 1.0, 3.7, 10.0, 29.5, 31.0, 99.5, 250.0, 1000.0)
    for k in sorted({0, 1, 2, 5, 29, 30, int(lam / 2), int(lam), int(lam + 3 * math.sqrt(lam)) + 1})
]


@pytest.mark.parametrize(("lam", "k"), POISSON_CASES)
def test_the_upper_incomplete_gamma_is_the_poisson_cdf(lam, k):
    # P(Poisson(λ) ≤ k) = Q(k + 1, λ): an exact identity for whole k, both sides computed apart.
    reference = _poisson_cdf(k, lam)
    assert abs(upper_regularised(k + 1, lam) - reference) < 1e-12
    assert abs(lower_regularised(k + 1, lam) - (1 - reference)) < 1e-12


@pytest.mark.parametrize("x", [0.01, 0.3, 1.0, 2.0, 5.0, 20.0])
def test_half_a_degree_of_shape_is_the_error_function(x):
    # Gamma(½, 1) is χ²₁/2: P(½, x) = erf(√x).
    assert abs(lower_regularised(0.5, x) - math.erf(math.sqrt(x))) < 1e-14


@pytest.mark.parametrize(("a", "x"), [(2.5, 0.7), (3.5, 3.0), (7.25, 5.5), (40.5, 44.0)])
def test_the_incomplete_gamma_matches_numerical_integration(a, x):
    assert lower_regularised(a, x) == pytest.approx(_simpson_cdf(x, a), abs=1e-9)


def test_a_whole_shape_of_one_is_the_exponential():
    assert gamma_cdf(2.0, 1.0, 0.5) == pytest.approx(1 - math.exp(-1.0), rel=1e-15)
    assert gamma_sf(2.0, 1.0, 0.5) == pytest.approx(math.exp(-1.0), rel=1e-15)


@given(
    st.floats(0.2, 5e4),
    st.floats(1e-6, 1 - 1e-6),
    st.floats(1e-3, 1e3),
)
def test_the_gamma_quantile_inverts_the_cdf(shape, q, rate):
    x = gamma_quantile(q, shape, rate)
    assert gamma_cdf(x, shape, rate) == pytest.approx(q, abs=1e-10)


def test_the_chi_square_quantile_is_the_published_one():
    # χ²₁₀ 97.5% point 20.4832 (any table) = 2 × the Gamma(5, 1) quantile.
    assert 2 * gamma_quantile(0.975, 5, 1.0) == pytest.approx(20.4832, abs=1e-4)


def test_the_worked_example_in_the_module():
    # Ten peers at 4 falls in 1,000 bed days and a ward with 3 in 250. N = 10,250, r̂ = 43/10,250,
    # S = 10·(4 − 4.1951)²/1000 + (3 − 1.0488)²/250 = 0.01561 < r̂ (I − 1) = 0.04195: the
    # peers vary no more than chance, so the prior is capped at Gamma(43, 10,250).
    prior = fit_rate_prior([(4, 1000.0)] * 10 + [(3, 250.0)])
    assert prior == GammaPrior(43.0, 10_250.0, 11, capped=True)
    # Posterior Gamma(46, 10,500): mean 46/10,500; the bar 5 per 1,000 bed days, lower is better.
    shrunk = shrink_rate(prior, 3, 250.0, 5 / 1000, "lower_is_better")
    assert shrunk.estimate == pytest.approx(46 / 10_500, rel=1e-15)
    assert shrunk.raw == 3 / 250
    assert shrunk.pulled == pytest.approx(10_250 / 10_500)
    # P(λ > 0.005) = Q(46, 52.5) = P(Poisson(52.5) ≤ 45), by the identity above.
    assert shrunk.p_worse == pytest.approx(_poisson_cdf(45, 52.5), abs=1e-12)
    assert shrunk.flag == "not_flagged"
    assert gamma_cdf(shrunk.low, 46, 10_500) == pytest.approx(0.025, abs=1e-12)
    assert gamma_cdf(shrunk.high, 46, 10_500) == pytest.approx(0.975, abs=1e-12)


def test_peers_that_vary_more_than_chance_give_a_lighter_prior():
    # Five peers at 2 per 1,000 and five at 8 per 1,000, each with 1,000 bed days: r̂ = 0.005,
    # S = 10 × 3² / 1000 = 0.09, chance alone 0.005 × 9 = 0.045; N − ΣE²/N = 10,000 − 1,000
    # = 9,000, so σ̂² = 0.045 / 9,000 = 5e-6; β = r̂/σ̂² = 1,000 bed days, α = 5.
    prior = fit_rate_prior([(2, 1000.0)] * 5 + [(8, 1000.0)] * 5)
    assert prior is not None
    assert prior.beta == pytest.approx(1000.0)
    assert prior.alpha == pytest.approx(5.0)
    assert not prior.capped
    # With equal exposures: the rates' sample variance minus the mean Poisson variance r̂/E.
    rates = [0.002] * 5 + [0.008] * 5
    sample_variance = sum((r - 0.005) ** 2 for r in rates) / 9
    assert sample_variance - 0.005 / 1000 == pytest.approx(prior.alpha / prior.beta**2)


def test_a_ward_well_above_a_lower_is_better_bar_is_flagged_and_one_above_never_is_for_higher():
    prior = fit_rate_prior([(2, 1000.0)] * 5 + [(8, 1000.0)] * 5)
    assert prior is not None
    # Posterior Gamma(5 + 30, 1,000 + 2,000): mean 35/3,000 = 11.7 per 1,000, bar 6 per 1,000.
    high = shrink_rate(prior, 30, 2000.0, 0.006, "lower_is_better")
    assert high.estimate == pytest.approx(35 / 3000)
    assert high.p_worse == pytest.approx(_poisson_cdf(34, 18.0), abs=1e-12)  # Q(35, 3000·0.006)
    assert high.flag == "probably_worse"
    better = shrink_rate(prior, 30, 2000.0, 0.006, "higher_is_better")
    assert better.p_worse == pytest.approx(1 - high.p_worse, abs=1e-12)
    assert better.flag == "not_flagged"
    assert shrink_rate(prior, 30, 2000.0, None, "lower_is_better").flag == "no_bar"


def test_too_few_peers_or_no_events_fit_no_prior():
    assert fit_rate_prior([(3, 100.0)] * 9) is None
    assert fit_rate_prior([(0, 100.0)] * 12) is None
    with pytest.raises(InvalidInput):
        fit_rate_prior([(-1, 100.0)] * 12)
    with pytest.raises(InvalidInput):
        shrink_rate(GammaPrior(1.0, 1.0, 10), 1, 0.0, None, "lower_is_better")
