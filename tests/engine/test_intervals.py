import math

import pytest

from qframe.engine.errors import InvalidInput
from qframe.engine.intervals import (
    Interval,
    byar_interval,
    compare,
    measure_interval,
    ratio_interval,
    wilson_interval,
)
from qframe.engine.poisson import chi2_quantile, exact_rate_interval, gamma_p


def test_a_proportion_gets_the_wilson_interval_worked_by_hand():
    # 40 of 100, z = 1.959964: centre 2·100·0.4 + z² = 83.8415, spread z·√(z² + 96) = 19.5845,
    # limits (83.8415 ∓ 19.5845) / (2 · 103.8415) = 0.3094 and 0.4980.
    got = wilson_interval(40, 100)
    assert got.value == 40.0
    assert (got.low, got.high) == pytest.approx((30.94, 49.80), abs=0.01)


def test_a_rate_gets_byars_interval_worked_by_hand():
    # 10 events in 2,000 bed days per 1,000: lower 10 (1 − 1/90 − 1.959964/(3√10))³ = 4.7876,
    # upper 11 (1 − 1/99 + 1.959964/(3√11))³ = 18.3904 events; ÷ 2,000 × 1,000.
    got = byar_interval(10, 2000, 1000)
    assert got.value == 5.0
    assert (got.low, got.high) == pytest.approx((4.7876 / 2, 18.3904 / 2), abs=0.001)


def test_byars_interval_is_close_to_the_exact_poisson_interval():
    # Published exact (Garwood) 95% limits for 10 events: 4.7954 and 18.3904.
    exact = exact_rate_interval(10, 1.959964)
    assert exact == pytest.approx((4.7954, 18.3904), abs=1e-3)
    byar = byar_interval(10, 1, 1)
    assert byar.low == pytest.approx(exact[0], rel=0.01)
    assert byar.high == pytest.approx(exact[1], rel=0.01)


def test_chi_square_quantiles_match_the_printed_table():
    # Standard tables: χ²(0.025, 10) = 3.247, χ²(0.975, 12) = 23.337, χ²(0.999, 1) = 10.828.
    assert chi2_quantile(0.025, 10) == pytest.approx(3.247, abs=1e-3)
    assert chi2_quantile(0.975, 12) == pytest.approx(23.337, abs=1e-3)
    assert chi2_quantile(0.999, 1) == pytest.approx(10.828, abs=1e-3)


@pytest.mark.parametrize(("k", "mu"), [(1, 0.5), (3, 2.0), (12, 9.5), (40, 61.0), (250, 230.0)])
def test_the_incomplete_gamma_gives_the_poisson_tail_summed_term_by_term(k, mu):
    # P(X >= k | mu) = 1 − Σ_{j<k} e^−mu mu^j / j!, summed in logs as a reference.
    below = math.fsum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1)) for j in range(k))
    assert gamma_p(k, mu) == pytest.approx(1 - below, abs=1e-12)


def test_a_ratio_interval_is_the_exact_interval_over_the_expected_count():
    got = ratio_interval(5, 4.0)
    assert got.value == 1.25
    assert (got.low, got.high) == pytest.approx((1.6235 / 4, 11.6683 / 4), abs=1e-4)


def test_comparisons_are_better_or_worse_only_when_the_interval_excludes_the_benchmark():
    # 933 of 1,000 = 93.3%: Wilson 95% (1869.84 ∓ 31.23) / 2007.68 = 91.58–94.69, so against a
    # regional middle of 93.5% it is "similar", never "worse than most" by rank.
    mine = wilson_interval(933, 1000)
    assert (mine.low, mine.high) == pytest.approx((91.58, 94.69), abs=0.01)
    assert compare(mine, 93.5, "higher_is_better") == "similar"
    assert compare(Interval(80, 78, 82), 85.0, "higher_is_better") == "worse"
    assert compare(Interval(80, 78, 82), 85.0, "lower_is_better") == "better"
    assert compare(Interval(80, 78, 82), 70.0, "higher_is_better") == "better"
    assert compare(Interval(80, 78, 82), 70.0, None) == "higher"
    assert compare(None, 70.0, None) == "not_compared"


def test_measures_without_counts_have_no_interval_and_bad_counts_are_refused():
    assert measure_interval("value", None, None, None) is None
    assert measure_interval("proportion", 3, 0, None) is None
    assert measure_interval("rate", 3, 300, 1000) == byar_interval(3, 300, 1000)
    with pytest.raises(InvalidInput):
        wilson_interval(-1, 10)
    with pytest.raises(InvalidInput):
        wilson_interval(11, 10)
