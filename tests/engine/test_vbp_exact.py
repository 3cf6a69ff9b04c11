"""CMS VBP points in exact arithmetic: hand-worked examples and published CMS rows."""

from decimal import Decimal
from fractions import Fraction

import pytest

from qframe.engine.vbp import VbpPoints, exact_thresholds, vbp_points


@pytest.mark.parametrize("number", [Decimal, float, str])
def test_an_exact_half_point_rounds_up_whatever_the_input_type(number):
    # 9 × (0.7 − 0.6) / (0.9 − 0.6) + 0.5 = 9 × 0.1 / 0.3 + 0.5 = 3.5 exactly → 4 (half up);
    # in binary floats 0.7 − 0.6 is 0.0999…, giving 3.4999… → 3.
    convert = Decimal if number is str else number
    assert vbp_points(convert("0.7"), convert("0.6"), convert("0.9"), None, "higher_is_better") == (
        VbpPoints(4, 0, 4)
    )


def test_a_published_cms_row_scores_as_cms_scored_it():
    # CMS FY2024, facility 010001, MORT-30-AMI: AT 0.869247, BM 0.887868, baseline 0.856752,
    # performance 0.880237; CMS published achievement 6, improvement 7, score 7.
    # achievement 9 × 0.010990 / 0.018621 + 0.5 = 5.81 → 6;
    # improvement 10 × 0.023485 / 0.031116 − 0.5 = 7.05 → 7.
    d = Decimal
    got = vbp_points(d("0.880237"), d("0.869247"), d("0.887868"), d("0.856752"), "higher_is_better")
    assert got == VbpPoints(6, 7, 7)


def test_improvement_is_nine_at_the_benchmark_even_from_a_baseline_beyond_it():
    # AT 5, BM 10, baseline 12 (already beyond BM), performance 13 (better still): 10 and 9.
    assert vbp_points(13, 5, 10, 12, "higher_is_better") == VbpPoints(10, 9, 10)


def test_no_improvement_when_performance_is_no_better_than_the_baseline():
    # A lower-is-better infection ratio at the benchmark 0 with a baseline of 0: 10 and 0.
    d = Decimal
    assert vbp_points(d("0.000"), d("0.589"), d("0.000"), d("0.000"), "lower_is_better") == (
        VbpPoints(10, 0, 10)
    )
    # Worse than its baseline and worse than the threshold: nothing at all.
    assert vbp_points(d("1.136"), d("0.589"), d("0"), d("0.742"), "lower_is_better") == (
        VbpPoints(0, 0, 0)
    )


def test_improvement_rounds_half_up_in_exact_arithmetic():
    # 10 × (0.65 − 0.5) / (0.9 − 0.5) − 0.5 = 10 × 0.15 / 0.4 − 0.5 = 3.25 → 3;
    # 10 × (0.7 − 0.5) / (0.9 − 0.5) − 0.5 = 4.5 exactly → 5.
    d = Decimal
    assert vbp_points(d("0.65"), d("0.8"), d("0.9"), d("0.5"), "higher_is_better").improvement == 3
    assert vbp_points(d("0.7"), d("0.8"), d("0.9"), d("0.5"), "higher_is_better").improvement == 5


def test_exact_thresholds_are_the_median_and_the_top_decile_mean():
    # 1..11 in tenths: median 0.6; ceil(11/10) = 2 best: (1.1 + 1.0) / 2 = 1.05;
    # lower is better: the best two are 0.1 and 0.2 → 0.15.
    values = [Decimal(n) / 10 for n in range(1, 12)]
    assert exact_thresholds(values, "higher_is_better") == (Fraction(6, 10), Fraction(105, 100))
    assert exact_thresholds(values, "lower_is_better") == (Fraction(6, 10), Fraction(15, 100))
