import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.batch import score_column
from qframe.engine.errors import InvalidInput, InvalidThresholds
from qframe.engine.points import score_indicator, score_many, threshold_fraction, threshold_points
from qframe.engine.types import IndicatorSpec, Observation

COPD003 = IndicatorSpec(
    "COPD003(S)", "proportion", "higher_is_better", "threshold", 9.0, 50.0, 90.0
)


def spec(**changes):
    base = {
        "code": "X1",
        "measure": "proportion",
        "polarity": "higher_is_better",
        "method": "threshold",
        "max_points": 10.0,
        "lower": 40.0,
        "upper": 80.0,
    }
    return IndicatorSpec(**(base | changes))


def test_the_copd003_example_gives_exactly_the_published_points():
    # Published by ISD Scotland for 214/271: 6.517527675276753, compared exactly.
    assert threshold_points(100.0 * 214 / 271, 50.0, 90.0, 9.0, "higher_is_better") == (
        6.517527675276753
    )
    score = score_indicator(COPD003, Observation(214, 271))
    assert score.points == 6.517527675276753
    assert score.status == "scored"


@pytest.mark.parametrize(
    ("a", "lower", "upper", "polarity", "expected"),
    [
        (50.0, 50.0, 90.0, "higher_is_better", 0.0),  # at L: nothing
        (30.0, 50.0, 90.0, "higher_is_better", 0.0),  # below L: clamped
        (70.0, 50.0, 90.0, "higher_is_better", 4.5),  # half way: (70-50)/(90-50) = 0.5 of 9
        (90.0, 50.0, 90.0, "higher_is_better", 9.0),  # at U: everything
        (99.0, 50.0, 90.0, "higher_is_better", 9.0),  # beyond U: clamped
        (20.0, 20.0, 10.0, "lower_is_better", 0.0),  # at L (the worst acceptable)
        (25.0, 20.0, 10.0, "lower_is_better", 0.0),
        (15.0, 20.0, 10.0, "lower_is_better", 4.5),  # (20-15)/(20-10) = 0.5 of 9
        (10.0, 20.0, 10.0, "lower_is_better", 9.0),
        (2.0, 20.0, 10.0, "lower_is_better", 9.0),
    ],
)
def test_points_grow_linearly_across_the_band_and_are_clamped(a, lower, upper, polarity, expected):
    assert threshold_points(a, lower, upper, 9.0, polarity) == pytest.approx(expected)


def test_cquin_fraction_is_the_share_of_the_band_achieved():
    # 2019/20 staff flu: 60% → 80%; 70% uptake is half way, 85% is all of it.
    assert threshold_fraction(70.0, 60.0, 80.0, "higher_is_better") == pytest.approx(0.5)
    assert threshold_fraction(85.0, 60.0, 80.0, "higher_is_better") == 1.0
    assert threshold_fraction(55.0, 60.0, 80.0, "higher_is_better") == 0.0


@pytest.mark.parametrize(
    ("lower", "upper", "polarity"),
    [
        (90.0, 50.0, "higher_is_better"),
        (10.0, 20.0, "lower_is_better"),
    ],
)
def test_thresholds_ordered_against_the_polarity_are_refused(lower, upper, polarity):
    with pytest.raises(InvalidThresholds):
        threshold_points(60.0, lower, upper, 9.0, polarity)
    with pytest.raises(InvalidThresholds):
        spec(lower=lower, upper=upper, polarity=polarity)


@pytest.mark.parametrize(
    ("indicator", "obs", "achievement", "points", "status", "breach"),
    [
        (spec(), Observation(None, None, None), None, 0.0, "missing", False),
        (spec(), Observation(3, None), None, 0.0, "missing", False),
        (spec(minimum_standard=50.0), Observation(0, 0), None, 0.0, "no_eligible", False),
        # 3/3 = 100% earns full points but is shown as small numbers (3 < 5)
        (spec(min_denominator=5), Observation(3, 3), 100.0, 10.0, "small_numbers", False),
        (spec(min_denominator=5), Observation(5, 5), 100.0, 10.0, "scored", False),
        # 30% is below the 50% floor: a breach, and no points (below L = 40)
        (spec(minimum_standard=50.0), Observation(3, 10), 30.0, 0.0, "scored", True),
        # exactly on the floor is acceptable
        (spec(minimum_standard=50.0), Observation(5, 10), 50.0, 2.5, "scored", False),
        (
            spec(polarity="lower_is_better", lower=30.0, upper=10.0, minimum_standard=25.0),
            Observation(3, 10),
            30.0,
            0.0,
            "scored",
            True,
        ),
        (spec(measure="yes_no"), Observation(value=1.0), 100.0, 10.0, "scored", False),
        (
            spec(measure="yes_no", minimum_standard=100.0),
            Observation(value=0.0),
            0.0,
            0.0,
            "scored",
            True,
        ),
        (spec(measure="register"), Observation(value=12.0), 12.0, 10.0, "scored", False),
        (spec(measure="register"), Observation(value=0.0), 0.0, 0.0, "scored", False),
        (spec(measure="value"), Observation(value=None), None, 0.0, "missing", False),
        (spec(measure="value"), Observation(value=60.0), 60.0, 5.0, "scored", False),
        # 30 falls per 10,000 bed days over 20,000 days = 15; band 20 → 10 lower is better
        (
            spec(
                measure="rate",
                multiplier=10000.0,
                polarity="lower_is_better",
                lower=20.0,
                upper=10.0,
            ),
            Observation(30, 20000),
            15.0,
            5.0,
            "scored",
            False,
        ),
    ],
)
def test_score_indicator_combines_achievement_points_status_and_breach(
    indicator, obs, achievement, points, status, breach
):
    score = score_indicator(indicator, obs)
    assert score.achievement == (None if achievement is None else pytest.approx(achievement))
    assert score.points == pytest.approx(points)
    assert (score.status, score.breach, score.max_points) == (status, breach, 10.0)


def test_vbp_indicators_are_not_scored_with_thresholds():
    with pytest.raises(InvalidInput):
        score_indicator(spec(method="vbp", lower=None, upper=None), Observation(1, 2))


def test_score_many_gives_the_same_scores_as_one_at_a_time():
    specs = {"COPD003(S)": COPD003, "X1": spec(min_denominator=5)}
    rows = [("COPD003(S)", 214, 271, None), ("X1", 3, 4, None), ("X1", None, None, None)]
    expected = [score_indicator(specs[c], Observation(n, d, v)) for c, n, d, v in rows]
    assert score_many(specs, rows) == expected
    with pytest.raises(InvalidInput):
        score_many(specs, [("NOPE", 1, 2, None)])


thresholds = st.tuples(
    st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)
).filter(lambda t: abs(t[0] - t[1]) > 1e-9)
max_points = st.floats(0, 1000, allow_nan=False)
counts = st.integers(1, 100_000).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))


@given(thresholds, max_points, counts, st.sampled_from(["higher_is_better", "lower_is_better"]))
def test_points_are_finite_and_between_zero_and_the_maximum(band, g, nd, polarity):
    lower, upper = sorted(band) if polarity == "higher_is_better" else sorted(band, reverse=True)
    score = score_indicator(
        spec(lower=lower, upper=upper, max_points=g, polarity=polarity), Observation(*nd)
    )
    assert math.isfinite(score.points)
    assert 0.0 <= score.points <= g


@given(thresholds, max_points, counts)
def test_one_more_patient_never_lowers_points_when_higher_is_better(band, g, nd):
    numerator, denominator = nd
    lower, upper = sorted(band)
    before = threshold_points(100.0 * numerator / denominator, lower, upper, g, "higher_is_better")
    more = min(numerator + 1, denominator)
    after = threshold_points(100.0 * more / denominator, lower, upper, g, "higher_is_better")
    assert after >= before


@given(thresholds, max_points, counts)
def test_one_more_event_never_raises_points_when_lower_is_better(band, g, nd):
    numerator, denominator = nd
    upper, lower = sorted(band)
    before = threshold_points(100.0 * numerator / denominator, lower, upper, g, "lower_is_better")
    more = min(numerator + 1, denominator)
    after = threshold_points(100.0 * more / denominator, lower, upper, g, "lower_is_better")
    assert after <= before


@pytest.mark.parametrize(
    ("a", "polarity", "expected"),
    [
        # QOF Scotland 2014/15 CVD-PP003(S): lower = upper = 90%, 4 points: a step.
        (89.99, "higher_is_better", 0.0),
        (90.0, "higher_is_better", 4.0),
        (95.0, "higher_is_better", 4.0),
        # lower is better, step at 10: at or below it full points, above it none
        (10.0, "lower_is_better", 4.0),
        (10.01, "lower_is_better", 0.0),
    ],
)
def test_equal_thresholds_are_a_step(a, polarity, expected):
    threshold = 90.0 if polarity == "higher_is_better" else 10.0
    assert threshold_points(a, threshold, threshold, 4.0, polarity) == expected


def test_a_step_scores_the_same_in_the_batch_path():
    spec = IndicatorSpec("CVD-PP003(S)", "proportion", "higher_is_better", "threshold", 4.0, 90, 90)
    # 179/200 = 89.5% → 0; 180/200 = 90% → 4; 190/200 = 95% → 4
    column = score_column(spec, [(179, 200, None), (180, 200, None), (190, 200, None)])
    assert column.points == [0.0, 4.0, 4.0]
