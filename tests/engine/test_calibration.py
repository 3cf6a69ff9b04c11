"""Threshold calibration: band counts, percentiles and suggested thresholds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.calibration import (
    band_counts,
    percentile,
    thresholds_at_percentiles,
    vbp_convention,
)
from qframe.engine.errors import InvalidInput, InvalidThresholds


def test_results_are_counted_below_inside_and_beyond_the_band():
    counts = band_counts([30.0, 50.0, 70.0, 90.0, 95.0], 50.0, 90.0, 10.0, "higher_is_better")
    assert (counts.zero, counts.part, counts.full) == (2, 1, 2)  # 50 is "at L": nothing
    assert counts.total_points == pytest.approx(5.0 + 10 + 10)


def test_lower_is_better_counts_the_other_way():
    counts = band_counts([2.0, 7.5, 12.0], 10.0, 5.0, 4.0, "lower_is_better")
    assert (counts.zero, counts.part, counts.full) == (1, 1, 1)
    assert counts.points == (4.0, 2.0, 0.0)


def test_thresholds_against_the_polarity_are_refused():
    with pytest.raises(InvalidThresholds):
        band_counts([50.0], 90.0, 50.0, 10.0, "higher_is_better")


def test_percentiles_interpolate_between_ranks():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 50) == 30.0
    assert percentile(values, 100) == 50.0
    assert percentile(values, 90) == pytest.approx(46.0)  # rank 3.6: 40 + 0.6 × 10


def test_percentile_thresholds_follow_performance_not_the_number_line():
    values = [float(v) for v in range(101)]
    assert thresholds_at_percentiles(values, "higher_is_better", 25, 90) == (25.0, 90.0)
    # Lower is better: the 25th percentile of performance is the 75th of the values.
    assert thresholds_at_percentiles(values, "lower_is_better", 25, 90) == (75.0, 10.0)
    with pytest.raises(InvalidInput):
        thresholds_at_percentiles(values, "higher_is_better", 90, 25)


def test_the_vbp_convention_is_the_median_and_the_top_decile_mean():
    values = [float(v) for v in range(1, 21)]  # top decile: 19 and 20
    assert vbp_convention(values, "higher_is_better") == (10.5, 19.5)
    assert vbp_convention(values, "lower_is_better") == (10.5, 1.5)


@given(st.lists(st.floats(0, 100), min_size=1, max_size=50), st.floats(0, 100))
def test_a_percentile_lies_within_the_values(values, pct):
    assert min(values) <= percentile(values, pct) <= max(values)


@given(st.lists(st.floats(0, 100), max_size=50))
def test_every_result_is_counted_once(values):
    counts = band_counts(values, 40.0, 80.0, 9.0, "higher_is_better")
    assert counts.zero + counts.part + counts.full == len(values)
    assert all(0 <= p <= 9.0 for p in counts.points)
