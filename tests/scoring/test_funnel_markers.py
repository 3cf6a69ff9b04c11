"""The funnel plot's markers as text: the table of tenths gives what "%.1f" gives per point."""

import numpy as np
import pytest

from qframe.variation.funnel_chart import MARKERS, TENTHS, _markers


def _one_at_a_time(shape: str, xs: np.ndarray, ys: np.ndarray) -> str:
    # Reference: the way the plot formatted its markers before, one pair at a time.
    return "".join(shape % (x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True))


@pytest.mark.parametrize("kind", sorted(MARKERS))
def test_markers_from_the_table_are_the_formatted_ones(kind):
    shape, dx, dy = MARKERS[kind]
    rng = np.random.default_rng(7)
    # pixel positions rounded to 0.1 px as the plot rounds them, then moved by the marker's
    # offset (sums such as 118.4 + 0.0 or 57.3 − 5.0 that are not exactly tenths in binary)
    xs = np.round(rng.uniform(0, 900, 2_000), 1) + dx
    ys = np.round(rng.uniform(5, 480, 2_000), 1) + dy
    assert _markers(shape, xs, ys) == _one_at_a_time(shape, xs, ys)


def test_points_off_the_table_are_formatted_one_at_a_time():
    shape = MARKERS["alarm"][0]
    xs, ys = np.array([-2.5, 10.0]), np.array([4.0, TENTHS / 10 + 3.2])
    assert _markers(shape, xs, ys) == "M-2.5,4.0l5,5-5,5-5-5zM10.0,3003.2l5,5-5,5-5-5z"
    assert _markers(shape, np.array([]), np.array([])) == ""
