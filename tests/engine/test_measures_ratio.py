"""The ratio measure type (observed / expected, e.g. SHMI): achievement, points on its band,
its exact Poisson interval, its funnel family with a reference population, and refusals."""

import math

import pytest

from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Z998, Reference
from qframe.engine.funnel_families import funnel_family
from qframe.engine.measure_types import measure_interval, measure_type
from qframe.engine.points import score_indicator
from qframe.engine.reference import ratio_reference
from qframe.engine.types import IndicatorSpec, Observation

SHMI = IndicatorSpec("E05", "ratio", "lower_is_better", "threshold", 10.0, 1.10, 0.95)


@pytest.mark.parametrize(
    ("observed", "expected", "ratio"),
    [
        (412, 400.0, 1.03),  # 412 / 400 = 1.03
        (30, 25.0, 1.2),  # the interval example below
        (0, 12.5, 0.0),  # no deaths at all is a ratio of 0, not missing
        (1093, 1156.4, 1093 / 1156.4),  # fractional expected counts are the point
    ],
)
def test_achievement_is_observed_over_expected(observed, expected, ratio):
    kind = measure_type("ratio")
    assert kind.achieve(observed, None, expected, None) == pytest.approx(ratio, rel=1e-15)
    assert (kind.expected, kind.funnel_family, kind.shown_as) == (True, "ratio", "ratio")


def test_a_ratio_scores_on_its_band_lower_being_better():
    # Worked by hand: 1.04 is 0.06 below the lower threshold 1.10 on a band of 0.15 to 0.95:
    # 10 × 0.06 / 0.15 = 4 points.
    scored = score_indicator(SHMI, Observation(numerator=416, value=400.0))
    assert scored.achievement == pytest.approx(1.04)
    assert scored.points == pytest.approx(4.0)
    assert score_indicator(SHMI, Observation(numerator=360, value=400.0)).points == 10.0  # 0.90
    assert score_indicator(SHMI, Observation(numerator=480, value=400.0)).points == 0.0  # 1.20
    assert score_indicator(SHMI, Observation()).status == "missing"


@pytest.mark.parametrize(
    ("observed", "expected", "message"),
    [(-1, 10.0, "cannot be negative"), (5, 0.0, "above 0"), (5, -2.0, "above 0"),
     (5, math.inf, "above 0"), (5, math.nan, "above 0")],
)  # fmt: skip
def test_impossible_counts_are_refused(observed, expected, message):
    with pytest.raises(InvalidInput, match=message):
        measure_type("ratio").achieve(observed, None, expected, None)


def test_the_interval_is_the_exact_poisson_interval_over_expected():
    # Tabulated exact (Garwood) 95% limits for a Poisson count of 30: 20.24 to 42.83. With
    # 25 expected, the ratio 1.20 has 20.24/25 = 0.81 to 42.83/25 = 1.71.
    interval = measure_interval("ratio", 30, None, None, expected=25.0)
    assert interval is not None
    assert interval.value == pytest.approx(1.2)
    assert (round(interval.low * 25, 2), round(interval.high * 25, 2)) == (20.24, 42.83)
    assert (round(interval.low, 2), round(interval.high, 2)) == (0.81, 1.71)
    # No expected count (or none above 0): no interval; the denominator plays no part.
    assert measure_interval("ratio", 30, 25, None) is None
    assert measure_interval("ratio", 30, None, None, expected=0.0) is None


def _upper_tail(k: int, mu: float) -> float:
    # P(X >= k) by summing the Poisson pmf directly (independent of engine.poisson).
    term, below = math.exp(-mu), 0.0
    for i in range(k):
        below += term
        term *= mu / (i + 1)
    return 1.0 - below


def test_the_ratio_family_flags_around_one_with_a_reference_populations_spread():
    family = funnel_family("ratio")
    # Three trusts (too few to estimate τ²): without a reference the limits are provisional.
    counts, expected = [400, 520, 395], [400.0, 400.0, 410.0]
    alone = family.flag(counts, expected, ["A", "B", "C"], "lower_is_better", None, None)
    assert alone.provisional
    assert alone.target == 1.0
    # 520 deaths where 400 were expected: P(X >= 520 | 400) is far below 0.001 (99.8%).
    assert _upper_tail(520, 400.0) < 0.001
    assert alone.flags == ("within", "alarm", "within")
    # With a reference population's τ² the limits are log-normal and no longer provisional:
    # 1.30 is log 1.30 = 0.262 from 0; the 99.8% half-width is 3.0902 × √(1/400 + 0.002)
    # = 3.0902 × 0.06708 = 0.2073.
    ref = Reference(1.0, 0.002, "qframe")
    referred = family.flag(counts, expected, ["A", "B", "C"], "lower_is_better", None, ref)
    assert not referred.provisional
    assert referred.basis == "qframe"
    assert referred.tau2 == 0.002
    assert referred.flags[1] == "alarm"
    assert math.log(520 / 400) > Z998 * math.sqrt(1 / 400 + 0.002)
    # Its limits at 400 expected are exactly that half-width either side of 1 on the log scale.
    low, high = family.limits(1.0, 0.002, 400.0, Z998, 1.0)
    assert (math.log(low), math.log(high)) == pytest.approx((-0.2073, 0.2073), abs=1e-4)


def test_a_ratio_reference_needs_ten_units_and_finds_no_spread_in_poisson_data():
    exact = [(400, 400.0)] * 12  # every unit exactly as expected: no overdispersion
    found = ratio_reference(exact, "qframe")
    assert found == Reference(1.0, 0.0, "qframe")
    assert ratio_reference(exact[:9], "qframe") is None
    with pytest.raises(InvalidInput):
        ratio_reference([(-1, 10.0)] * 10, "qframe")
