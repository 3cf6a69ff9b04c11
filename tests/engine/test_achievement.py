import math

import pytest

from qframe.engine.achievement import achievement, exclusion_rate
from qframe.engine.errors import InvalidInput


@pytest.mark.parametrize(
    ("measure", "numerator", "denominator", "value", "multiplier", "expected"),
    [
        # COPD003(S), QOF Scotland 2015/16: 214 / 271 = 0.789667896... → 78.9667896...%
        ("proportion", 214, 271, None, None, 78.96678966789668),
        ("proportion", 0, 10, None, None, 0.0),
        ("proportion", 10, 10, None, None, 100.0),
        ("proportion", 1, 8, None, None, 12.5),
        # 3 falls in 1,500 occupied bed days, per 1,000 bed days: 3 / 1500 × 1000 = 2
        ("rate", 3, 1500, None, 1000.0, 2.0),
        # a rate may exceed 1 per unit: 12 events in 10 days per day
        ("rate", 12, 10, None, 1.0, 1.2),
        ("value", None, None, 42.5, None, 42.5),
        ("yes_no", None, None, 1.0, None, 100.0),
        ("yes_no", None, None, 0.0, None, 0.0),
        ("register", None, None, 57.0, None, 57.0),
    ],
)
def test_achievement_follows_the_measure_definition(
    measure, numerator, denominator, value, multiplier, expected
):
    assert achievement(measure, numerator, denominator, value, multiplier) == pytest.approx(
        expected, rel=1e-15
    )


@pytest.mark.parametrize(
    ("measure", "numerator", "denominator", "value"),
    [
        ("proportion", 0, 0, None),
        ("rate", 0, 0, None),
        ("proportion", None, 10, None),
        ("proportion", 5, None, None),
        ("value", None, None, None),
        ("yes_no", None, None, None),
        ("register", None, None, None),
    ],
)
def test_there_is_no_achievement_without_eligible_patients_or_data(
    measure, numerator, denominator, value
):
    assert achievement(measure, numerator, denominator, value, 1000.0) is None


@pytest.mark.parametrize(
    ("measure", "numerator", "denominator", "value", "multiplier"),
    [
        ("proportion", 11, 10, None, None),
        ("proportion", -1, 10, None, None),
        ("rate", 1, -10, None, 1000.0),
        ("rate", 1, 10, None, None),
        ("value", None, None, math.nan, None),
        ("value", None, None, math.inf, None),
        ("yes_no", None, None, 2.0, None),
        ("register", None, None, -3.0, None),
    ],
)
def test_impossible_input_is_refused(measure, numerator, denominator, value, multiplier):
    with pytest.raises(InvalidInput):
        achievement(measure, numerator, denominator, value, multiplier)


def test_exclusion_rate_counts_exclusions_against_all_who_were_eligible():
    # 5 excluded beside a payment denominator of 95: 5 / (95 + 5) = 0.05
    assert exclusion_rate(5, 95) == pytest.approx(0.05)
    assert exclusion_rate(0, 0) is None
