import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.errors import InvalidThresholds, InvalidWeights
from qframe.engine.vbp import (
    VbpPoints,
    domain_score,
    total_performance_score,
    vbp_points,
    vbp_thresholds,
)

ONE_TO_TWENTY = [float(v) for v in range(1, 21)]


@pytest.mark.parametrize(
    ("values", "polarity", "expected"),
    [
        # 1..20: median (10 + 11) / 2 = 10.5; best ceil(20/10) = 2 values 20, 19 → 19.5
        (ONE_TO_TWENTY, "higher_is_better", (10.5, 19.5)),
        # lower is better: the best two are 1 and 2 → 1.5
        (ONE_TO_TWENTY, "lower_is_better", (10.5, 1.5)),
        # 1..25: median 13; best ceil(25/10) = 3 values 25, 24, 23 → 24
        ([float(v) for v in range(25, 0, -1)], "higher_is_better", (13.0, 24.0)),
        # a single provider is its own median and top decile
        ([7.0], "higher_is_better", (7.0, 7.0)),
    ],
)
def test_thresholds_are_the_median_and_the_mean_of_the_top_decile(values, polarity, expected):
    assert vbp_thresholds(values, polarity) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("x", "at", "bm", "baseline", "polarity", "expected"),
    [
        (19.5, 10.5, 19.5, None, "higher_is_better", (10, 0, 10)),  # at the benchmark
        (25.0, 10.5, 19.5, None, "higher_is_better", (10, 0, 10)),
        # 9 × (15 − 10.5) / 9 + 0.5 = 5.0 → 5
        (15.0, 10.5, 19.5, None, "higher_is_better", (5, 0, 5)),
        # at the threshold: 9 × 0 + 0.5 = 0.5 → rounds half up to 1
        (10.5, 10.5, 19.5, None, "higher_is_better", (1, 0, 1)),
        # 9 × 4 / 9 + 0.5 = 4.5 → 5 (half up, where banker's rounding would say 4)
        (4.0, 0.0, 9.0, None, "higher_is_better", (5, 0, 5)),
        # below the threshold, improved from 5: 10 × 5 / 14.5 − 0.5 = 2.95 → 3
        (10.0, 10.5, 19.5, 5.0, "higher_is_better", (0, 3, 3)),
        # 10 × 3 / 10 − 0.5 = 2.5 → 3 (half up)
        (3.0, 5.0, 10.0, 0.0, "higher_is_better", (0, 3, 3)),
        # both apply: achievement 9 × 1.5 / 9 + 0.5 = 2; improvement 10 × 8 / 15.5 − 0.5 = 4.66 → 5
        (12.0, 10.5, 19.5, 4.0, "higher_is_better", (2, 5, 5)),
        # worse than its own baseline and below the threshold: nothing
        (8.0, 10.5, 19.5, 9.0, "higher_is_better", (0, 0, 0)),
        # lower is better: 9 × (10.5 − 6) / (10.5 − 1.5) + 0.5 = 5.0 → 5
        (6.0, 10.5, 1.5, None, "lower_is_better", (5, 0, 5)),
        (1.5, 10.5, 1.5, None, "lower_is_better", (10, 0, 10)),
        # improved from 16 to 12: 10 × 4 / 14.5 − 0.5 = 2.26 → 2
        (12.0, 10.5, 1.5, 16.0, "lower_is_better", (0, 2, 2)),
    ],
)
def test_vbp_points_follow_the_cms_formulas(x, at, bm, baseline, polarity, expected):
    assert vbp_points(x, at, bm, baseline, polarity) == VbpPoints(*expected)


def test_a_benchmark_worse_than_the_threshold_is_refused():
    with pytest.raises(InvalidThresholds):
        vbp_points(5.0, 10.0, 8.0, None, "higher_is_better")


finite = st.floats(-1000, 1000, allow_nan=False)


@given(
    finite,
    finite,
    finite,
    st.one_of(st.none(), finite),
    st.sampled_from(["higher_is_better", "lower_is_better"]),
)
def test_vbp_points_stay_within_zero_to_ten(x, a, b, baseline, polarity):
    worse, better = (
        sorted((a, b)) if polarity == "higher_is_better" else sorted((a, b), reverse=True)
    )
    result = vbp_points(x, worse, better, baseline, polarity)
    assert 0 <= result.achievement <= 10
    assert 0 <= result.improvement <= 9
    assert result.points == max(result.achievement, result.improvement)


def test_domain_score_is_the_share_of_possible_points():
    assert domain_score(7.0, 10.0) == pytest.approx(70.0)
    assert domain_score(0.0, 0.0) is None


def test_total_performance_score_reweights_over_domains_with_scores():
    # safety has no score: (0.25 × 80 + 0.5 × 50) / (0.25 + 0.5) = 45 / 0.75 = 60
    scores = {"clinical": 80.0, "safety": None, "experience": 50.0}
    weights = {"clinical": 0.25, "safety": 0.25, "experience": 0.5}
    assert total_performance_score(scores, weights) == pytest.approx(60.0)
    assert total_performance_score({"safety": None}, weights) is None
    assert math.isclose(total_performance_score({"clinical": 80.0}, weights), 80.0)


def test_a_domain_score_without_a_weight_is_refused():
    with pytest.raises(InvalidWeights):
        total_performance_score({"efficiency": 50.0}, {"clinical": 1.0})
