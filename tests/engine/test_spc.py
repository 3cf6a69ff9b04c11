import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.spc import xmr

STEADY = [10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 12.0, 10.0, 11.0, 12.0]


def specials(result):
    return [(i, p.rule, p.side) for i, p in enumerate(result.points) if p.special]


def test_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    # mean 114 / 10 = 11.4; moving ranges 2,1,2,1,1,1,2,1,1 → 12 / 9 = 1.3333;
    # 2.66 × 1.3333 = 3.5467 → limits 7.8533 and 14.9467
    result = xmr(STEADY, "higher_is_better")
    assert result.mean == pytest.approx(11.4)
    assert result.mr_bar == pytest.approx(4 / 3)
    assert (result.lcl, result.ucl) == pytest.approx((7.8533, 14.9467), abs=1e-4)
    assert specials(result) == []
    assert (result.variation, result.assurance) == ("common_cause", None)


@pytest.mark.parametrize(
    ("polarity", "target", "assurance"),
    [
        ("higher_is_better", 9.0, "hit_and_miss"),  # 7.85 ≤ 9 ≤ 14.95
        ("higher_is_better", 7.0, "pass"),  # the whole process sits above the target
        ("higher_is_better", 16.0, "fail"),
        ("lower_is_better", 16.0, "pass"),  # the whole process sits below the target
        ("lower_is_better", 7.0, "fail"),
    ],
)
def test_assurance_compares_the_target_with_the_process_limits(polarity, target, assurance):
    assert xmr(STEADY, polarity, target).assurance == assurance


def test_a_point_outside_the_limits_is_special_cause():
    # mean 124 / 10 = 12.4; moving ranges eight 1s and 19 → 27 / 9 = 3, and 19 > 3.267 × 3 is
    # screened out (NHSRplotthedots), so the mean moving range is 8 / 8 = 1 and ucl 15.06.
    # The nine points before 30 are all below 12.4 (a run of 7+) and the 10s are beyond
    # 2 sigma low (12.4 − 2 / 1.128 = 10.63): special cause on the low side.
    values = [10.0, 11.0] * 4 + [10.0, 30.0]
    up = xmr(values, "higher_is_better")
    assert up.mr_bar == pytest.approx(1.0)
    assert up.ucl == pytest.approx(15.06)
    assert specials(up)[-1] == (9, "outside_limits", "high")
    assert [(s[0], s[2]) for s in specials(up)[:-1]] == [(i, "low") for i in range(9)]
    assert {s[1] for s in specials(up)[:-1]} == {"two_of_three", "shift"}
    assert up.variation == "improving"
    assert xmr(values, "lower_is_better").variation == "concerning"


def test_seven_or_more_points_on_one_side_of_the_mean_are_a_shift():
    # mean 140 / 13 = 10.77; the 15 at index 5 and the seven 11s and 12s after it are above it.
    # Moving ranges sum to 60 over 12 → 5, so limits (−2.53, 24.07) and 2 sigma ±8.87 catch
    # nothing else.
    values = [5.0, 15.0, 5.0, 15.0, 5.0, 15.0, 11.0, 12.0, 11.0, 12.0, 11.0, 12.0, 11.0]
    result = xmr(values, "lower_is_better")
    assert specials(result) == [(i, "shift", "high") for i in range(5, 13)]
    assert result.variation == "concerning"


def test_a_point_on_the_mean_breaks_a_run():
    # mean 10; six points above, one on the mean, six above: no run reaches seven.
    values = [0.0] * 6 + [10.0] + [20.0] * 6
    assert all(p.rule != "shift" for p in xmr(values, "higher_is_better").points)


def test_seven_points_each_higher_than_the_last_are_a_trend():
    # 12..18 at indexes 4..10 rise six times; mean 185 / 11 = 16.8 so no shift,
    # moving ranges 84 / 10 = 8.4 put the limits at (−5.5, 39.2).
    values = [10.0, 30.0, 10.0, 30.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0]
    result = xmr(values, "higher_is_better")
    assert specials(result) == [(i, "trend", "high") for i in range(4, 11)]
    assert result.variation == "improving"
    assert specials(xmr(values[:-1], "higher_is_better")) == []


def test_two_of_three_points_beyond_two_sigma_are_special_cause():
    # 10, 11 ten times then 13, 11, 13: mean 247 / 23 = 10.739; moving ranges 25 / 22 = 1.136;
    # 2 sigma = 2 × 1.136 / 1.128 = 2.015 → 12.754, below the upper limit 13.762.
    values = [10.0, 11.0] * 10 + [13.0, 11.0, 13.0]
    result = xmr(values, "higher_is_better")
    assert specials(result) == [(20, "two_of_three", "high"), (22, "two_of_three", "high")]
    assert result.variation == "improving"


@pytest.mark.parametrize(("values", "mean"), [([], None), ([4.0], 4.0)])
def test_fewer_than_two_points_give_no_limits(values, mean):
    result = xmr(values, "higher_is_better", target=3.0)
    assert (result.mean, result.ucl, result.lcl, result.mr_bar) == (mean, None, None, None)
    assert (result.variation, result.assurance) == ("common_cause", None)
    assert len(result.points) == len(values)


series = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=60)


@settings(deadline=None)  # speed is a benchmark, not a timed test
@given(series, st.sampled_from(["higher_is_better", "lower_is_better"]))
def test_limits_are_symmetric_around_the_mean_and_finite(values, polarity):
    result = xmr(values, polarity, target=values[0])
    assert result.ucl - result.mean == pytest.approx(result.mean - result.lcl, abs=1e-6)
    assert all(math.isfinite(x) for x in (result.mean, result.mr_bar, result.ucl, result.lcl))
    assert result.lcl <= result.mean <= result.ucl


def test_two_of_three_counts_only_points_inside_the_limits():
    # As above but 13, 11, 16: 16 is beyond the upper limit (about 13.8; its own rule),
    # so only one point (13) sits between 2 sigma and the limit: no two-of-three.
    values = [10.0, 11.0] * 10 + [13.0, 11.0, 16.0]
    result = xmr(values, "higher_is_better")
    assert (20, "two_of_three", "high") not in specials(result)
    assert specials(result)[-1] == (22, "outside_limits", "high")


def test_counts_never_get_a_limit_below_zero():
    # mean 2, moving ranges 4 each → lcl 2 − 10.64 < 0, floored at 0 for a count.
    values = [0.0, 4.0] * 5
    assert xmr(values, "lower_is_better").lcl == pytest.approx(2 - 2.66 * 4)
    assert xmr(values, "lower_is_better", floor=0.0).lcl == 0.0


def test_limits_under_fifteen_points_are_provisional():
    assert xmr(STEADY, "higher_is_better").provisional
    assert not xmr(STEADY * 2, "higher_is_better").provisional


def test_a_baseline_fixes_the_limits_and_a_rebase_starts_new_ones():
    # Baseline: the first 10 points (STEADY) fix mean 11.4 and limits 7.85–14.95; five later
    # points at 20 are all beyond the fixed upper limit.
    values = STEADY + [20.0] * 5
    fixed = xmr(values, "higher_is_better", baseline=10)
    assert fixed.mean == pytest.approx(11.4)
    assert [s[0] for s in specials(fixed) if s[1] == "outside_limits"] == list(range(10, 15))
    # Rebased at the known change (index 10): the new segment is 20, 21, 20, 21, 20, mean 20.4,
    # moving range 1, limits 20.4 ± 2.66; nothing special in it.
    later = [20.0, 21.0, 20.0, 21.0, 20.0]
    rebased = xmr(STEADY + later, "higher_is_better", rebase_at=[10])
    assert [seg.start for seg in rebased.segments] == [0, 10]
    assert rebased.mean == pytest.approx(20.4)
    assert (rebased.lcl, rebased.ucl) == pytest.approx((17.74, 23.06))
    assert [s for s in specials(rebased) if s[0] >= 10] == []
