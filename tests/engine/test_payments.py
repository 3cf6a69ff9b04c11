from decimal import Decimal

import pytest

from qframe.engine.errors import InvalidInput, InvalidWeights
from qframe.engine.payments import contract_share_entitlement, points_entitlement


def pay(points, ppp="135.06", **kwargs):
    args = {
        "list_size": None,
        "national_list_size": None,
        "group_by_indicator": {},
        "register_by_group": {},
        "national_prevalence_by_group": {},
    } | kwargs
    return points_entitlement(points, Decimal(ppp), **args)


def test_points_are_paid_at_the_price_per_point():
    # (9 + 6.517527675276753) × 135.06 = 2095.79728782... → £2,095.80
    result = pay({"COPD002": 9.0, "COPD003(S)": 6.517527675276753})
    assert result.total == Decimal("2095.80")
    assert result.by_indicator["COPD002"] == Decimal("1215.54")


def test_money_is_rounded_to_the_penny_once_at_the_end():
    # three × 0.001 points × £5 = £0.015 → £0.02; rounding each first would give £0.03
    assert pay({"A": 0.001, "B": 0.001, "C": 0.001}, ppp="5").total == Decimal("0.02")


def test_float_points_are_taken_at_their_shortest_decimal_form():
    # 0.015 as a binary float is 0.01499999...; its shortest form 0.015 rounds half up to 0.02
    assert pay({"A": 0.015}, ppp="1").total == Decimal("0.02")


def test_list_size_and_prevalence_adjust_the_payment():
    # CPI = 6000 / 5000 = 1.2; prevalence 300 / 6000 = 0.05 against 0.025 nationally: APDF = 2
    # A (COPD): 10 × £100 × 1.2 × 2 = £2,400; B (no group): 10 × £100 × 1.2 = £1,200
    result = pay(
        {"A": 10.0, "B": 10.0, "C": 10.0},
        ppp="100",
        list_size=6000,
        national_list_size=5000,
        group_by_indicator={"A": "COPD", "B": None, "C": "SMOKING"},
        register_by_group={"COPD": 300},
        national_prevalence_by_group={"COPD": Decimal("0.025")},
    )
    assert result.by_indicator == {"A": Decimal("2400"), "B": Decimal("1200"), "C": Decimal("1200")}
    assert result.total == Decimal("4800.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        # prevalence per 100 instead of a fraction
        {
            "list_size": 6000,
            "group_by_indicator": {"A": "COPD"},
            "register_by_group": {"COPD": 1},
            "national_prevalence_by_group": {"COPD": Decimal("2.5")},
        },
        # no register for a prevalence-adjusted group
        {
            "list_size": 6000,
            "group_by_indicator": {"A": "COPD"},
            "national_prevalence_by_group": {"COPD": Decimal("0.025")},
        },
        # CPI without the practice's list size
        {"national_list_size": 5000},
    ],
)
def test_incomplete_payment_figures_are_refused(kwargs):
    with pytest.raises(InvalidInput):
        pay({"A": 1.0}, **kwargs)


@pytest.mark.parametrize("points", [-1.0, float("nan"), float("inf")])
def test_impossible_points_are_refused(points):
    with pytest.raises(InvalidInput):
        pay({"A": points})


def test_contract_share_splits_the_stake_equally_by_default():
    # stake 1.25% × £10,000,000 = £125,000; (1 + 0.5 + 0) / 3 × 125,000 = £62,500
    result = contract_share_entitlement(
        {"A": 1.0, "B": 0.5, "C": 0.0}, None, Decimal("1.25"), Decimal("10000000")
    )
    assert result.total == Decimal("62500.00")


def test_equal_thirds_of_a_fully_earned_stake_add_up_to_the_stake():
    result = contract_share_entitlement(
        {"A": 1.0, "B": 1.0, "C": 1.0}, None, Decimal("1"), Decimal("10000")
    )
    assert result.total == Decimal("100.00")


def test_contract_share_uses_the_given_weights():
    # 125,000 × (0.5 × 1 + 0.25 × 0.5 + 0.25 × 0) = 62,500 + 15,625 = £78,125
    weights = {"A": Decimal("0.5"), "B": Decimal("0.25"), "C": Decimal("0.25")}
    result = contract_share_entitlement(
        {"A": 1.0, "B": 0.5, "C": 0.0}, weights, Decimal("1.25"), Decimal("10000000")
    )
    assert result.total == Decimal("78125.00")


@pytest.mark.parametrize(
    "weights",
    [
        {"A": Decimal("0.5"), "B": Decimal("0.4")},
        {"A": Decimal("1")},
        {"A": Decimal("1.5"), "B": Decimal("-0.5")},
    ],
)
def test_weights_that_do_not_sum_to_one_over_the_indicators_are_refused(weights):
    with pytest.raises(InvalidWeights):
        contract_share_entitlement({"A": 1.0, "B": 1.0}, weights, Decimal("1.25"), Decimal("1000"))
