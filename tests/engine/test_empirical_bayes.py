import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.beta import (
    beta_cdf,
    beta_interval,
    beta_quantile,
    binomial_upper_tail,
    clopper_pearson,
)
from qframe.engine.empirical_bayes import BetaPrior, fit_prior, shrink
from qframe.engine.errors import InvalidInput


def _binomial_tail(k: int, n: int, p: float) -> float:
    # Reference implementation: the sum of binomial probabilities, term by term.
    return math.fsum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def _simpson_cdf(x: float, a: float, b: float, steps: int = 20_000) -> float:
    # Reference: Simpson's rule on the beta density from 0 to x (a, b ≥ 1 so it is bounded).
    log_b = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    h = x / steps
    total = 0.0
    for i in range(steps + 1):
        t = i * h
        f = 0.0 if t in (0.0, 1.0) else math.exp((a - 1) * math.log(t) + (b - 1) * math.log1p(-t))
        total += f * (1 if i in (0, steps) else 4 if i % 2 else 2)
    return total * h / 3 / math.exp(log_b)


@pytest.mark.parametrize(("a", "b", "x"), [(1, 1, 0.3), (3, 8, 0.2), (12, 4, 0.81), (40, 3, 0.9)])
def test_the_incomplete_beta_equals_the_binomial_tail_for_whole_parameters(a, b, x):
    # I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a), an exact identity for whole a and b.
    assert beta_cdf(x, a, b) == pytest.approx(_binomial_tail(a, a + b - 1, x), rel=1e-12)


@pytest.mark.parametrize(("a", "b", "x"), [(2.5, 7.25, 0.3), (15.6, 3.2, 0.75), (1.5, 1.5, 0.9)])
def test_the_incomplete_beta_matches_numerical_integration_of_the_density(a, b, x):
    assert beta_cdf(x, a, b) == pytest.approx(_simpson_cdf(x, a, b), abs=1e-7)


def test_the_arcsine_distribution_has_its_closed_form_cdf():
    # Beta(½, ½): F(x) = 2/π · asin(√x); at 0.7 that is 0.630990.
    assert beta_cdf(0.7, 0.5, 0.5) == pytest.approx(2 / math.pi * math.asin(math.sqrt(0.7)))


def test_a_quantile_inverts_the_cdf():
    q = beta_quantile(0.025, 15.5, 3.25)
    assert beta_cdf(q, 15.5, 3.25) == pytest.approx(0.025, abs=1e-10)


def _bisected_quantile(q: float, a: float, b: float) -> float:
    # Reference: plain bisection on the incomplete beta until the bracket is two neighbouring
    # floats (so tiny quantiles are found to full relative precision too).
    low, high = 0.0, 1.0
    for _ in range(1100):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        low, high = (mid, high) if beta_cdf(mid, a, b) < q else (low, mid)
    return (low + high) / 2


@given(
    st.floats(0.3, 30_000.0),
    st.floats(0.3, 30_000.0),
    st.sampled_from([0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.999]),
)
def test_a_quantile_is_the_bisected_one_to_1e10_relative(a, b, q):
    assert beta_quantile(q, a, b) == pytest.approx(_bisected_quantile(q, a, b), rel=1e-10)


def test_the_interval_is_the_two_quantiles():
    # the posterior Beta(47.8, 26.2) of a small unit: its 95% interval, one quantile at a time
    low, high = beta_interval(0.025, 47.8, 26.2)
    assert low == pytest.approx(_bisected_quantile(0.025, 47.8, 26.2), rel=1e-10)
    assert high == pytest.approx(_bisected_quantile(0.975, 47.8, 26.2), rel=1e-10)
    with pytest.raises(InvalidInput):
        beta_interval(0.5, 2.0, 3.0)


def test_clopper_pearson_for_three_in_ten_is_the_published_interval():
    # Published exact 95% limits for 3/10: 0.0667 to 0.6525.
    assert clopper_pearson(3, 10) == pytest.approx((0.0667, 0.6525), abs=1e-4)
    assert binomial_upper_tail(9, 10, 0.5) == pytest.approx(11 / 1024)


def test_the_prior_is_fitted_by_moments_corrected_for_binomial_variation():
    # Ten wards of 100 patients: five at 70%, five at 90%. p̄ = 0.8; with equal n the estimate
    # is ρ = (n·v/(p̄q̄) − 1)/(n − 1), v = sample variance of the rates = 10·0.01/9 = 0.011111:
    # n·v/(p̄q̄) = 100 · 0.011111 / 0.16 = 6.9444, ρ = 5.9444/99 = 0.060045,
    # α + β = 1/ρ − 1 = 15.654, α = 0.8 · 15.654 = 12.523, β = 3.131.
    prior = fit_prior([(70, 100)] * 5 + [(90, 100)] * 5)
    assert prior is not None
    assert prior.weight == pytest.approx(15.654, abs=1e-3)
    assert (prior.alpha, prior.beta) == pytest.approx((12.523, 3.131), abs=1e-3)
    assert prior.mean == pytest.approx(0.8)
    assert not prior.capped


def test_the_prior_recovers_a_simulated_population_of_known_spread():
    # Ward rates drawn from Beta(40, 10) (mean 0.8, α + β = 50), 3,000 wards of 60 patients.
    import random

    rng = random.Random(7)
    counts = []
    for _ in range(3000):
        p = rng.betavariate(40, 10)
        counts.append((sum(rng.random() < p for _ in range(60)), 60))
    prior = fit_prior(counts)
    assert prior is not None
    assert prior.mean == pytest.approx(0.8, abs=0.01)
    assert prior.weight == pytest.approx(50, rel=0.15)


def test_peers_who_vary_no_more_than_chance_cap_the_prior_at_their_pooled_data():
    # Every ward exactly at 80%: less spread than binomial sampling, so α + β = N = 500.
    prior = fit_prior([(40, 50)] * 10)
    assert prior is not None
    assert prior.capped
    assert prior.weight == 500
    assert fit_prior([(40, 50)] * 9) is None  # fewer than 10 peers: no prior


def test_the_posterior_mean_and_probability_below_the_standard_worked_by_hand():
    # Prior Beta(12, 3) (mean 80%), a ward with 3 of 10: posterior Beta(15, 10), mean 15/25 = 60%.
    # P(rate < 75%) = I_0.75(15, 10) = P(Binomial(24, 0.75) ≥ 15) by the identity above.
    got = shrink(BetaPrior(12, 3, 10), 3, 10, 0.75, "higher_is_better")
    assert got.raw == 0.3
    assert got.estimate == pytest.approx(0.6)
    assert got.p_worse == pytest.approx(_binomial_tail(15, 24, 0.75), rel=1e-10)
    assert got.p_worse >= 0.9
    assert got.flag == "probably_worse"
    assert beta_cdf(got.low, 15, 10) == pytest.approx(0.025, abs=1e-9)
    assert beta_cdf(got.high, 15, 10) == pytest.approx(0.975, abs=1e-9)
    # The prior is worth 15 patients against the ward's 10: pulled 15/25 = 60% of the way.
    assert got.pulled == pytest.approx(0.6)


def test_for_lower_is_better_the_probability_is_of_being_above_the_bar():
    # Prior Beta(2, 18), 4 of 20: posterior Beta(6, 34); P(rate > 10%) = 1 − I_0.1(6, 34).
    got = shrink(BetaPrior(2, 18, 10), 4, 20, 0.10, "lower_is_better")
    assert got.p_worse == pytest.approx(1 - _binomial_tail(6, 39, 0.10), rel=1e-10)


def test_without_a_bar_nothing_is_flagged():
    got = shrink(BetaPrior(12, 3, 10), 3, 10, None, "higher_is_better")
    assert got.p_worse is None
    assert got.flag == "no_bar"


@given(
    alpha=st.floats(0.5, 500),
    beta=st.floats(0.5, 500),
    n=st.integers(1, 2000),
    share=st.floats(0, 1),
)
def test_the_shrunk_estimate_lies_between_the_raw_rate_and_the_prior_mean(alpha, beta, n, share):
    x = round(share * n)
    got = shrink(BetaPrior(alpha, beta, 10), x, n, 0.5, "higher_is_better")
    low, high = sorted((x / n, alpha / (alpha + beta)))
    assert low - 1e-12 <= got.estimate <= high + 1e-12
    assert got.low <= got.estimate <= got.high
    assert 0 <= got.p_worse <= 1


def test_impossible_counts_are_refused():
    with pytest.raises(InvalidInput):
        fit_prior([(11, 10)] * 10)
    with pytest.raises(InvalidInput):
        shrink(BetaPrior(1, 1, 10), 5, 4, None, "higher_is_better")
