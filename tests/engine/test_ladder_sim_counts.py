"""The ladder's simulation of rates and ratios (SHMI): Poisson counts judged as the funnels judge.

The nominal rates are worked out here from the exact Poisson distribution (a sum of the pmf),
independently of the engine's incomplete-gamma tails; only the limit itself comes from the
engine (`ratio_limits`, what the funnel plots draw).
"""

import math
import random

import pytest

from qframe.engine.funnel import Z998
from qframe.engine.ladder_draws import cuts, poisson
from qframe.engine.ladder_sim import Reference, SimIndicator, draw_year, limit_cache, simulate
from qframe.engine.ratios import ratio_flag, ratio_limits


def _pmf(k: int, mean: float) -> float:
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))


def _alarm_share(ind: SimIndicator, ref: Reference, years: int, seed: int) -> float:
    rng = random.Random(seed)
    refs = {ind.code: ref}
    limits = limit_cache([[ind]], refs)
    quarters = 0
    for _ in range(years):
        history, _naive = draw_year(rng, [ind], refs, "in_control", limits)
        quarters += sum(1 for q in history if q.alarms)
    return quarters / (4 * years)


def test_a_rate_in_control_alarms_below_the_limit_at_the_exact_poisson_tail():
    # Falls, higher-is-better flipped to test the low side: 0.006 events a bed day on 10,000
    # bed days a quarter, E = 60, τ² = 0. The 99.8% lower limit (the count c where the lower
    # tail is 0.1%) from the engine; the exact share of quarters below it is Σ_{k < c} pmf(k).
    ref = Reference(0.006, 0.0, "rate", "higher_is_better")
    low = ratio_limits(60.0, Z998, 0.0)[0] * 60.0
    nominal = sum(_pmf(k, 60.0) for k in range(math.ceil(low)))
    assert 0.0003 < nominal <= 0.001  # discreteness keeps it at or below 0.1%
    share = _alarm_share(SimIndicator("F", "SAF", 10_000.0), ref, 50_000, seed=5)
    sd = math.sqrt(nominal * (1 - nominal) / 200_000)
    assert abs(share - nominal) < 4 * sd, (share, nominal)


def test_a_ratio_in_control_alarms_above_the_limit_at_the_exact_poisson_tail():
    # SHMI on an expected count of 45.5 deaths a quarter, τ² = 0: alarm when the count is
    # above the engine's upper limit c, so the exact share is 1 − Σ_{k ≤ floor(c)} pmf(k).
    ref = Reference(1.0, 0.0, "ratio", "lower_is_better")
    high = ratio_limits(45.5, Z998, 0.0)[1] * 45.5
    nominal = 1 - sum(_pmf(k, 45.5) for k in range(math.floor(high) + 1))
    assert 0.0003 < nominal <= 0.001
    share = _alarm_share(SimIndicator("M", "SAF", 45.5), ref, 50_000, seed=6)
    sd = math.sqrt(nominal * (1 - nominal) / 200_000)
    assert abs(share - nominal) < 4 * sd, (share, nominal)


@pytest.mark.parametrize(
    ("ref", "size"),
    [
        (Reference(0.006, 0.0, "rate", "lower_is_better"), 7_300.0),
        (Reference(0.006, 0.0, "rate", "higher_is_better"), 7_300.0),
        (Reference(1.0, 0.04, "ratio", "lower_is_better"), 120.0),
        (Reference(1.0, 0.04, "ratio", "higher_is_better"), 3.2),
    ],
)
def test_the_count_cut_offs_are_where_the_funnels_own_flag_changes(ref, size):
    # Every count from 0 to well past the limits: the simulation's verdict equals ratio_flag's.
    found = cuts(ref, size)
    expected = ref.rate * size
    for o in range(int(4 * expected) + 20):
        flag = ratio_flag(o, expected, ref.tau2, ref.polarity)
        assert found.beyond(found.alarm, o) == (flag == "alarm"), o
        assert found.beyond(found.alert, o) == (flag in ("alert", "alarm")), o
        naive = ratio_flag(o, expected, 0.0, ref.polarity) == "alarm"
        assert found.beyond(found.naive, o) == naive, o


def test_a_sustained_worsening_of_a_rate_and_a_ratio_is_detected_by_q3():
    # E = 100 a quarter on each; a rate × 1/0.6 is log(1.667) / √(1/100) ≈ 5.1 standard errors
    # out against a 3.09 limit: an alarm most quarters, so the same alarm two quarters running.
    # No CUSUM: the stored ladder runs the Bernoulli CUSUM on proportions only.
    refs = {
        "F": Reference(0.005, 0.0, "rate", "lower_is_better"),
        "M": Reference(1.0, 0.0, "ratio", "lower_is_better"),
    }
    providers = [[SimIndicator("F", "SAF", 20_000.0), SimIndicator("M", "EFF", 100.0)]] * 10
    sustained = simulate(providers, refs, "sustained", runs=100, seed=2)
    assert sustained.level2 >= 0.9
    assert sustained.by_trigger["cusum"] == 0.0
    stable = simulate(providers, refs, "in_control", runs=100, seed=2)
    assert stable.level2 <= 0.01
    assert stable.by_trigger["cusum"] == 0.0


@pytest.mark.parametrize("mean", [3.5, 42.0])
def test_poisson_draws_follow_the_poisson_distribution(mean):
    # Both branches (multiplication below 10, PTRS above): mean, variance and P(X = mode).
    rng = random.Random(11)
    draws = [poisson(rng, mean) for _ in range(40_000)]
    average = sum(draws) / len(draws)
    variance = sum((d - average) ** 2 for d in draws) / (len(draws) - 1)
    assert abs(average - mean) < 4 * math.sqrt(mean / len(draws))
    assert abs(variance / mean - 1) < 0.05
    mode = math.floor(mean)
    p = _pmf(mode, mean)
    share = sum(1 for d in draws if d == mode) / len(draws)
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / len(draws))
