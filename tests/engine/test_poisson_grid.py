"""Rate and ratio funnels draw their exact Poisson limits at one fixed grid of expected counts,
each limit worked out once: the same limits as the per-point bisection, the same bits whichever
plot asked first, and lines that cover the plot."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Z95, Z998
from qframe.engine.funnel_families import PROPORTION, RATE, RATIO, SAMPLES, limit_lines
from qframe.engine.poisson_grid import forget_grid, grid_count, grid_limits, grid_span
from qframe.engine.ratios import ratio_limits


@pytest.mark.parametrize("z", [Z95, Z998])
def test_the_grid_limits_are_the_bisection_limits_at_each_grid_count(z):
    # e from 2^-12 (0.00024) to 2^16 (65,536): ratios.ratio_limits halves a bracket 64 times
    forget_grid()
    ks = range(-12 * 12, 16 * 12 + 1, 5)
    for k, (low, high) in zip(ks, grid_limits(ks, z), strict=True):
        ref_low, ref_high = ratio_limits(2.0 ** (k / 12), z, 0.0)
        assert low == pytest.approx(ref_low, rel=1e-12, abs=1e-300)
        assert high == pytest.approx(ref_high, rel=1e-12)


def test_a_limit_is_the_same_bits_whichever_plot_asked_first():
    ks = range(-30, 150)
    forget_grid()
    in_order = {z: grid_limits(ks, z) for z in (Z95, Z998)}
    forget_grid()
    shuffled = list(ks)
    random.Random(7).shuffle(shuffled)
    for z in (Z998, Z95):
        # one at a time in another order, then the whole span again (from what is kept)
        one_by_one = {k: grid_limits(range(k, k + 1), z)[0] for k in shuffled}
        assert [one_by_one[k] for k in ks] == in_order[z]
        assert grid_limits(ks, z) == in_order[z]


@given(st.floats(1e-6, 1e7), st.floats(1.0, 1e4))
def test_the_span_covers_the_counts_with_one_point_at_or_beyond_each_end(low, ratio):
    high = low * ratio
    ks = grid_span(low, high)
    assert grid_count(ks[0]) <= low < grid_count(ks[0] + 1)
    assert grid_count(ks[-1] - 1) < high <= grid_count(ks[-1])


def test_the_grid_is_twelve_points_to_a_doubling():
    assert [grid_count(k) for k in (0, 12, -12, 24)] == [1.0, 2.0, 0.5, 4.0]
    assert grid_count(1) == pytest.approx(2 ** (1 / 12))  # about 5.9% apart
    assert list(grid_span(1.0, 2.0)) == list(range(13))


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (-1.0, 2.0), (2.0, 1.0), (1.0, math.inf)])
def test_a_span_that_is_not_above_zero_and_in_order_is_refused(low, high):
    with pytest.raises(InvalidInput):
        grid_span(low, high)


@pytest.mark.parametrize("z", [Z95, Z998])
def test_straight_pieces_between_grid_points_stay_close_to_the_curve(z):
    # Each piece of a drawn line is straight between two grid counts (the x axis is linear in
    # size, so in expected count too). Halfway along, against the bisection's limit there:
    # within 0.1% of the limit's distance from the centre (a ratio of 1), except across the
    # size where the lower limit leaves 0 (no events stops being unusually few).
    ks = grid_span(0.05, 50_000.0)
    drawn = grid_limits(ks, z)
    for k, left, right in zip(ks, drawn, drawn[1:], strict=False):
        middle = (grid_count(k) + grid_count(k + 1)) / 2
        truth = ratio_limits(middle, z, 0.0)
        for side in (0, 1):
            if side == 0 and 0.0 in (left[0], right[0]):
                continue
            chord = (left[side] + right[side]) / 2
            assert abs(chord - truth[side]) <= 1e-3 * abs(truth[side] - 1), (middle, side)


@pytest.mark.parametrize("tau2", [0.0, 0.03])
def test_rate_and_ratio_lines_are_the_per_point_limits_at_the_sizes_drawn(tau2):
    # A rate of 0.0012 per unit × 1,000 (1.2 per 1,000) from exposure 50 to 90,000: expected
    # counts 0.06 to 108, so grid points 2^(k/12) / 0.0012 in size
    for family, target, mult in ((RATE, 0.0012, 1000.0), (RATIO, 1.0, 1.0)):
        for z in (Z95, Z998):
            lines = limit_lines(family, target, tau2, 50.0, 90_000.0, z, mult)
            per = target if family is RATE else 1.0
            assert lines[0][0] <= 50.0 < lines[1][0]
            assert lines[-2][0] < 90_000.0 <= lines[-1][0]
            for size, low, high in lines:
                assert math.log2(size * per) * 12 == pytest.approx(
                    round(math.log2(size * per) * 12), abs=1e-9
                )  # on the grid
                assert (low, high) == pytest.approx(
                    family.limits(target, tau2, size, z, mult), rel=1e-12, abs=1e-300
                )


def test_proportion_lines_keep_their_evenly_spaced_sizes():
    lines = limit_lines(PROPORTION, 0.8, 0.0, 20.0, 2000.0, Z95, 1.0)
    assert len(lines) == SAMPLES
    assert lines[0][0] == 20.0
    assert lines[-1][0] == pytest.approx(2000.0)
    ratios = [b[0] / a[0] for a, b in zip(lines, lines[1:], strict=False)]
    assert ratios == pytest.approx([100 ** (1 / (SAMPLES - 1))] * (SAMPLES - 1))
    for size, low, high in lines:
        assert (low, high) == PROPORTION.limits(0.8, 0.0, size, Z95, 1.0)
