import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.funnel import (
    Z95,
    Z998,
    FunnelInput,
    funnel,
    funnel_curve,
    wilson_limits,
)


def test_wilson_limits_match_the_textbook_interval():
    # n = 100, θ = 0.5, z ≈ 1.96: the well-known Wilson interval 0.4038 to 0.5962
    low, high = wilson_limits(0.5, 100, Z95)
    assert (low, high) == pytest.approx((0.4038, 0.5962), abs=1e-4)


def test_wilson_limits_at_zero_start_at_zero():
    # θ = 0: the root drops out, low = 0 and high = z² / (n + z²) = 3.8415 / 13.8415 = 0.2775
    assert wilson_limits(0.0, 10, Z95) == pytest.approx((0.0, 0.2775), abs=1e-4)


@given(st.floats(0, 1), st.floats(0.5, 1e7), st.sampled_from([Z95, Z998]))
def test_wilson_limits_solve_the_score_equation(theta, n, z):
    # Each limit p satisfies (θ − p)² = z² p (1 − p) / n, the score test at its boundary.
    for p in wilson_limits(theta, n, z):
        assert (theta - p) ** 2 == pytest.approx(z * z * p * (1 - p) / n, abs=1e-9)


@given(st.floats(0, 1), st.floats(1e-3, 1e9), st.floats(0, 6))
def test_wilson_limits_lie_in_zero_to_one_around_theta(theta, n, z):
    low, high = wilson_limits(theta, n, z)
    assert 0.0 <= low <= theta <= high <= 1.0


def test_providers_beyond_the_limits_are_flagged_on_both_sides():
    # θ = 254 / 508 = 0.5; at n = 100 the limits are 0.4038–0.5962 (95%) and 0.3524–0.6476
    # (99.8%: (109.5495 ∓ 3.090232 × √109.5495) / 219.0991). Fewer than 10 providers, so no
    # overdispersion test.
    rows = [
        FunnelInput("A", 50, 100),
        FunnelInput("B", 30, 100),  # below 0.3524
        FunnelInput("C", 70, 100),  # above 0.6476
        FunnelInput("D", 40, 100),  # between 0.3524 and 0.4038
        FunnelInput("E", 60, 100),  # between 0.5962 and 0.6476
        FunnelInput("F", 0, 4, min_denominator=5),
        FunnelInput("G", 4, 4, min_denominator=5),
        FunnelInput("H", 0, 0),
        FunnelInput("I", None, None),
    ]
    up = funnel(rows, "higher_is_better")
    down = funnel(rows, "lower_is_better")
    assert up.target == 0.5
    assert (up.phi, up.tau2, up.overdispersed) == (None, 0.0, False)
    assert up.rows[1].low998 == pytest.approx(0.3524, abs=1e-4)
    # Issue 13: outliers on the good side are named ("better than expected"), not "within".
    assert [r.flag for r in up.rows] == [
        "within", "alarm", "better_alarm", "alert", "better_alert",
        "small_numbers", "small_numbers", "no_data", "no_data",
    ]  # fmt: skip
    assert [r.flag for r in down.rows] == [
        "within", "better_alarm", "alarm", "better_alert", "alert",
        "small_numbers", "small_numbers", "no_data", "no_data",
    ]  # fmt: skip


def test_overdispersion_widens_the_limits_with_a_random_effect():
    # Ten providers with n = 100 and θ = 500/1000 = 0.5, so asin(√θ) = π/4 and s = 1/20.
    # z = 20 (asin(√p) − π/4): p = .8 → 6.4350, .7 → 4.1152, .6 → 2.0136, .55 → 1.0017, .5 → 0,
    # mirrored for .2, .3, .4, .45. Inclusive 10th percentile: −6.4350 + 0.9 × 2.3198 = −4.3472
    # (90th +4.3472), so ±6.4350 become ±4.3472. φ = 2(4.3472² + 4.1152² + 2.0136² + 1.0017²) / 10
    # = 8.1780 and Iφ = 81.78 > 9. w = 400 each: Σw − Σw²/Σw = 4000 − 400 = 3600,
    # τ² = (81.780 − 9) / 3600 = 0.020217.
    # At n = 100: 1.959964 × √(1/400 + 0.020217) = 0.29541; sin²(π/4 ∓ 0.29541) = 0.2215 / 0.7785;
    # 3.090232 × 0.150720 = 0.46576; sin²(π/4 ∓ 0.46576) = 0.0987 / 0.9013.
    numerators = [20, 30, 40, 45, 50, 50, 55, 60, 70, 80]
    result = funnel(
        [FunnelInput(f"P{k}", n, 100) for k, n in enumerate(numerators)], "higher_is_better"
    )
    assert result.overdispersed
    assert result.phi == pytest.approx(8.1780, abs=1e-3)
    assert result.tau2 == pytest.approx(0.020217, abs=1e-5)
    first = result.rows[0]
    assert (first.low95, first.high95) == pytest.approx((0.2215, 0.7785), abs=1e-4)
    assert (first.low998, first.high998) == pytest.approx((0.0987, 0.9013), abs=1e-4)
    # 20% would be an alarm against Wilson limits (0.3524); with the random effect it is an alert
    # and 80% (above 0.7785) is named better than expected on the good side.
    assert [r.flag for r in result.rows] == ["alert"] + ["within"] * 8 + ["better_alert"]


def test_small_numbers_do_not_count_towards_overdispersion():
    steady = [FunnelInput(f"P{k}", 50, 100) for k in range(10)]
    noisy = [FunnelInput(f"S{k}", k % 2 * 3, 3, min_denominator=5) for k in range(10)]
    result = funnel(steady + noisy, "higher_is_better")
    assert not result.overdispersed
    assert {r.flag for r in result.rows[10:]} == {"small_numbers"}


provider = st.integers(1, 2000).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))


@given(st.lists(provider, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_flags_do_not_depend_on_the_order_of_providers(pairs, rng: random.Random):
    rows = [FunnelInput(f"P{k}", n, d, min_denominator=20) for k, (n, d) in enumerate(pairs)]
    shuffled = rows[:]
    rng.shuffle(shuffled)
    first, second = funnel(rows, "higher_is_better"), funnel(shuffled, "higher_is_better")
    assert (first.target, first.phi, first.tau2) == (second.target, second.phi, second.tau2)
    assert {r.org: r for r in first.rows} == {r.org: r for r in second.rows}


@given(st.lists(provider, min_size=1, max_size=25))
def test_funnel_never_returns_nan_or_infinity(pairs):
    result = funnel(
        [FunnelInput(f"P{k}", n, d) for k, (n, d) in enumerate(pairs)], "lower_is_better"
    )
    numbers = [result.target, result.tau2] + [result.phi or 0.0]
    for r in result.rows:
        numbers += [r.p, r.low95, r.high95, r.low998, r.high998]
        assert 0.0 <= r.low998 <= r.low95 <= r.high95 <= r.high998 <= 1.0
    assert all(math.isfinite(x) for x in numbers)


def test_funnel_curve_narrows_from_n_of_one_to_the_largest_denominator():
    curve = funnel_curve(0.3, 5000, Z95)
    assert len(curve) == 60
    assert curve[0].n == 1.0
    assert curve[-1].n == pytest.approx(5000)
    widths = [p.high - p.low for p in curve]
    assert widths == sorted(widths, reverse=True)
    wide = funnel_curve(0.3, 5000, Z95, tau2=0.01, points=10)
    assert wide[-1].high - wide[-1].low > curve[-1].high - curve[-1].low
