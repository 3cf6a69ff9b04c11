import math

import pytest

from qframe.engine.funnel import Z95, Z998, Reference
from qframe.engine.poisson import gamma_p
from qframe.engine.ratios import rate_funnel, ratio_flag, ratio_funnel, ratio_limits


def _upper_tail(k, mu):
    # Reference: P(X >= k) by summing Poisson terms (independent of the incomplete gamma).
    return 1 - math.fsum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1)) for j in range(k))


def test_a_ratio_is_flagged_by_its_exact_poisson_tail():
    # E = 20: P(X >= 32) ≈ 0.0081 (beyond 95%, not 99.8%); P(X >= 40) < 0.001; P(X >= 29) ≈ 0.034.
    assert 0.001 < _upper_tail(32, 20) < 0.025
    assert _upper_tail(40, 20) < 0.001
    assert _upper_tail(29, 20) > 0.025
    assert ratio_flag(32, 20, 0.0, "lower_is_better") == "alert"
    assert ratio_flag(40, 20, 0.0, "lower_is_better") == "alarm"
    assert ratio_flag(29, 20, 0.0, "lower_is_better") == "within"
    # For a measure where more is better, the same excess is named "better than expected".
    assert ratio_flag(40, 20, 0.0, "higher_is_better") == "better_alarm"


def test_few_events_below_expectation_are_flagged_low():
    # E = 20: P(X <= 9) = Σ_{j<=9} ≈ 0.005 (beyond 95%), P(X <= 6) ≈ 0.0002 (beyond 99.8%).
    below9 = 1 - _upper_tail(10, 20)
    assert 0.001 < below9 < 0.025
    assert ratio_flag(9, 20, 0.0, "lower_is_better") == "better_alert"
    assert ratio_flag(6, 20, 0.0, "higher_is_better") == "alarm"


@pytest.mark.parametrize("expected", [0.5, 3.0, 20.0, 150.0, 2400.0])
def test_every_count_sits_on_the_side_of_the_limits_its_flag_says(expected):
    # The drawn limits and the flags are one rule: a point beyond a line is flagged beyond it.
    low95, high95 = ratio_limits(expected, Z95, 0.0)
    low998, high998 = ratio_limits(expected, Z998, 0.0)
    top = int(expected * 3 + 20)
    for observed in range(top):
        ratio = observed / expected
        flag = ratio_flag(observed, expected, 0.0, "lower_is_better")
        beyond = "alarm" if ratio > high998 else "alert" if ratio > high95 else None
        better = "better_alarm" if ratio < low998 else "better_alert" if ratio < low95 else None
        assert flag == (beyond or better or "within"), (observed, expected)


def test_the_upper_limit_is_where_the_tail_equals_the_limits_probability():
    low, high = ratio_limits(20.0, Z95, 0.0)
    assert gamma_p(high * 20, 20.0) == pytest.approx(0.025, abs=1e-6)
    assert 1 - gamma_p(low * 20 + 1, 20.0) == pytest.approx(0.025, abs=1e-6)


def test_overdispersed_ratios_get_log_scale_random_effect_limits():
    # Ten trusts with E = 100 each. z = 10·log(O/100); w = E = 100.
    observed = [50, 70, 80, 90, 100, 100, 110, 120, 140, 200]
    z = [10 * math.log(o / 100) for o in observed]
    ordered = sorted(z)
    # Inclusive deciles: position 0.9 between the lowest two and 8.1 between the highest two.
    low = ordered[0] + 0.9 * (ordered[1] - ordered[0])
    high = ordered[8] + 0.1 * (ordered[9] - ordered[8])
    phi = sum(min(max(v, low), high) ** 2 for v in z) / 10
    tau2 = (10 * phi - 9) / (1000 - 10000 * 10 / 1000)
    result = ratio_funnel(observed, [100.0] * 10, [f"T{i}" for i in range(10)], "lower_is_better")
    assert result.phi == pytest.approx(phi)
    assert result.tau2 == pytest.approx(tau2)
    assert not result.provisional
    limit = math.exp(Z998 * math.sqrt(1 / 100 + tau2))
    assert ratio_limits(100, Z998, result.tau2)[1] == pytest.approx(limit)
    flags = [r.flag for r in result.rows]
    assert flags[-1] == ("alarm" if 2.0 > limit else "alert")
    assert flags[4] == "within"


def test_a_rate_funnel_uses_a_reference_when_there_are_too_few_providers():
    # Three trusts: 30, 12 and 9 falls in 5,000, 4,000 and 3,000 bed days (θ = 51/12,000).
    events, days = [30, 12, 9], [5000.0, 4000.0, 3000.0]
    local = rate_funnel(events, days, ["A", "B", "C"], "lower_is_better")
    assert local.provisional
    assert local.target == pytest.approx(51 / 12000)
    national = Reference(target=0.0045, tau2=0.04, source="benchmark")
    ref = rate_funnel(events, days, ["A", "B", "C"], "lower_is_better", reference=national)
    assert not ref.provisional
    assert ref.basis == "benchmark"
    assert ref.target == 0.0045
    # A: E = 22.5, log(30 / 22.5) = 0.2877 against 1.959964 √(1/22.5 + 0.04) = 0.5695: within.
    assert [r.flag for r in ref.rows][0] == "within"
