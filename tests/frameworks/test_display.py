"""Band graphic geometry and the words used for polarity, thresholds and payment."""

from decimal import Decimal

import pytest

from qframe.frameworks import display
from qframe.frameworks.models import Framework, Indicator

LEFT, RIGHT = display.LEFT, display.RIGHT


def indicator(**fields) -> Indicator:
    values = {
        "code": "X1",
        "title": "X",
        "measure": "proportion",
        "polarity": "higher_is_better",
        "level": "provider",
        "method": "threshold",
        "max_points": Decimal(10),
        "lower": Decimal(40),
        "upper": Decimal(90),
        "minimum_standard": None,
        "multiplier": None,
        "unit": None,
        "weight": None,
        "prevalence_adjusted": False,
    }
    return Indicator(**{**values, **fields})


def test_a_percentage_band_is_drawn_on_a_0_to_100_bar():
    band = display.band(indicator(minimum_standard=Decimal(50)))
    span = RIGHT - LEFT
    assert band.axis_max == 100
    assert band.x_lower == pytest.approx(LEFT + 0.4 * span)
    assert band.x_upper == pytest.approx(LEFT + 0.9 * span)
    assert band.x_minimum == pytest.approx(LEFT + 0.5 * span)


def test_higher_is_better_earns_full_points_to_the_right_of_the_upper_threshold():
    band = display.band(indicator())
    assert band.full_from == pytest.approx(band.x_upper)
    assert band.full_from + band.full_width == pytest.approx(RIGHT)
    assert band.words == "0 points at 40% or below, rising to full points at 90% or above"


def test_lower_is_better_earns_full_points_to_the_left_of_the_upper_threshold():
    band = display.band(
        indicator(
            measure="rate",
            multiplier=Decimal(1000),
            polarity="lower_is_better",
            lower=Decimal("6.5"),
            upper=Decimal("4.5"),
            unit="per 1,000 bed days",
        )
    )
    assert band.axis_max == 10  # 6.5 × 1.25 rounded up to a round number
    assert band.full_from == LEFT
    assert band.full_from + band.full_width == pytest.approx(band.x_upper)
    assert band.left_label == (band.x_upper, "4.5")
    assert band.right_label == (band.x_lower, "6.5")
    assert band.words.startswith("0 points at 6.5 per 1,000 bed days or above")


def test_values_beyond_the_axis_are_drawn_at_its_end():
    band = display.band(indicator(measure="value", lower=Decimal(-5), upper=Decimal(30)))
    assert band.x_lower == LEFT


def test_no_band_without_both_thresholds():
    assert display.band(indicator(lower=None)) is None
    missing = indicator(lower=None, upper=None, measure="register")
    assert display.scoring_words(missing) == "All or nothing: full points when achieved"
    assert display.scoring_words(indicator(lower=None)) == "Thresholds not set yet"


def test_points_payment_is_explained_with_the_money_per_point():
    framework = Framework(payment_model="points", payment={"pound_per_point": "213.43"})
    framework.indicators = [indicator(), indicator(code="X2", max_points=Decimal("9.5"))]
    words = display.payment_words(framework)
    assert "each point is worth £213.43" in words
    assert "Up to 19.5 points in total" in words
    assert display.indicator_payment(framework, framework.indicators[0]) == (
        "10 points (£2,134.30 before adjustment)"
    )


def test_contract_share_payment_is_explained_as_a_share_of_the_stake():
    framework = Framework(payment_model="contract_share", payment={"stake_percent": "1.25"})
    framework.indicators = [indicator(), indicator(code="X2"), indicator(code="X3")]
    assert "1.25% of each provider's contract value" in display.payment_words(framework)
    assert "share it equally" in display.payment_words(framework)
    assert display.indicator_payment(framework, framework.indicators[0]) == (
        "1/3 of the stake (equal shares)"
    )
    framework.indicators[0].weight = Decimal("0.125")
    assert display.indicator_payment(framework, framework.indicators[0]) == "12.5% of the stake"


def test_the_bar_ends_are_labelled_unless_a_threshold_label_is_in_the_way():
    roomy = display.band(indicator(upper=Decimal(80)))
    assert roomy.axis_labels == [(LEFT, "0", "start"), (RIGHT, "100", "end")]
    crowded = display.band(indicator(lower=Decimal(2), upper=Decimal(99)))
    assert crowded.axis_labels == []
