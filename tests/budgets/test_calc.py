"""Pure budget arithmetic: phasing, forecast, variance signs and the words a holder reads."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.budgets.calc import (
    PhasingError,
    Position,
    adjust_phasing,
    describe,
    forecast_outturn,
    level,
    line_position,
    net_position,
    phase_evenly,
    round_for_words,
)
from qframe.budgets.chart import burn_chart, short_money
from qframe.money import split_pence

PENCE = st.integers(min_value=-(10**13), max_value=10**13)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [1, 2, 7], [1, 2, 7]),
        (7, [1, 1], [4, 3]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (0, [5, 1], [0, 0]),
        (9, [0, 0, 0], [3, 3, 3]),
        (10, [0, 3, 1], [0, 8, 2]),
        (1, [1, 3], [0, 1]),
    ],
)
def test_largest_remainder_splits_exactly_in_proportion(total, weights, expected):
    assert split_pence(total, weights) == expected


@pytest.mark.parametrize("weights", [[], [1, -1]])
def test_largest_remainder_refuses_empty_or_negative_weights(weights):
    with pytest.raises(ValueError, match="weights"):
        split_pence(100, weights)


def test_even_phasing_puts_the_spare_pence_in_the_first_months():
    assert phase_evenly(1_200_05) == [10_001] * 5 + [10_000] * 7


@given(PENCE)
def test_phasing_always_adds_up_exactly_to_the_annual_budget(annual):
    phases = phase_evenly(annual)
    assert len(phases) == 12
    assert sum(phases) == annual
    assert max(phases) - min(phases) <= 1


@given(PENCE, st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30))
def test_largest_remainder_always_adds_up_and_never_misses_a_quota_by_a_penny(total, weights):
    shares = split_pence(total, weights)
    assert sum(shares) == total
    if sum(weights):
        for share, weight in zip(shares, weights, strict=True):
            assert abs(share - Decimal(total) * weight / sum(weights)) < 1


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=12, max_size=12),
    st.integers(min_value=0, max_value=11),
    st.data(),
)
def test_adjusting_phasing_keeps_closed_months_and_never_goes_below_zero(phases, first, data):
    open_total = sum(phases[first:])
    delta = data.draw(st.integers(min_value=-open_total, max_value=10**9))
    adjusted = adjust_phasing(phases, delta, first)
    assert adjusted[:first] == phases[:first]
    assert sum(adjusted) == sum(phases) + delta
    assert min(adjusted) >= 0


def test_removing_more_than_the_open_months_hold_is_refused():
    with pytest.raises(PhasingError, match="larger than the budget left"):
        adjust_phasing([100] * 12, -301, 9)


def test_nothing_can_move_once_every_month_has_closed():
    with pytest.raises(PhasingError, match="closed"):
        adjust_phasing([100] * 12, 50, 12)


def test_an_increase_follows_the_profile_of_the_open_months():
    phases = [100] * 9 + [100, 200, 100]
    assert adjust_phasing(phases, 40, 9)[9:] == [110, 220, 110]


@pytest.mark.parametrize(
    ("actuals", "closed", "annual", "expected"),
    [
        ([100, 200, 300, 400] + [0] * 8, 4, 9999, 1000 + 8 * 300),
        ([100, 200] + [0] * 10, 2, 9999, 300 + 10 * 150),
        ([50] + [0] * 11, 1, 9999, 50 + 11 * 50),
        ([0] * 12, 0, 1200, 1200),
        ([10] * 12, 12, 9999, 120),
        # 8 months × (0 + 0 + 1) / 3 = 2.67p rounds up to 3p; 7 × 1 / 3 = 2.33p rounds down
        ([0, 0, 0, 1] + [0] * 8, 4, 0, 1 + 3),
        ([0, 0, 0, 0, 1] + [0] * 7, 5, 0, 1 + 2),
    ],
)
def test_forecast_is_actual_plus_remaining_months_at_the_last_three_months_rate(
    actuals, closed, annual, expected
):
    assert forecast_outturn(actuals, closed, annual) == expected


def test_overspending_gives_a_negative_variance_and_a_positive_overspend_percent():
    p = line_position("pay_nursing", [1000] * 12, [1100] * 9 + [0] * 3, 9)
    assert (p.budget_ytd, p.actual_ytd) == (9000, 9900)
    assert p.variance == -900
    assert p.variance_percent == Decimal(-10)
    assert p.overspend_percent == Decimal(10)
    assert p.forecast == 9900 + 3 * 1100
    assert p.forecast_variance == 12000 - 13200


def test_income_above_plan_is_a_favourable_variance():
    p = line_position("income", [1000] * 12, [1100] * 9 + [0] * 3, 9)
    assert p.income
    assert p.variance == 900
    assert p.forecast_variance == 1200
    assert p.overspend_percent == Decimal(-10)


def test_the_net_total_counts_income_against_expenditure():
    pay = line_position("pay_nursing", [1000] * 12, [1100] * 9 + [0] * 3, 9)
    income = line_position("income", [200] * 12, [300] * 9 + [0] * 3, 9)
    total = net_position([pay, income], 9)
    assert total.budget_ytd == 9000 - 1800
    assert total.actual_ytd == 9900 - 2700
    assert total.variance == pay.variance + income.variance == 0
    assert total.forecast == pay.forecast - income.forecast


def test_status_reads_like_the_finance_report():
    p = Position("pay_nursing", "nursing pay", False, 200_000_00, 100_000_00, 142_300_00,
                 296_000_00, 9)  # fmt: skip
    assert describe(p) == "£42,300 overspent on nursing pay, forecast £96,000 over by March"


def test_status_of_an_underspend_and_of_income_reads_the_right_way_round():
    under = Position("nonpay_drugs", "drugs", False, 120_000_00, 90_000_00, 80_000_00,
                     110_000_00, 9)  # fmt: skip
    assert describe(under) == "£10,000 underspent on drugs, forecast £10,000 under by March"
    short = Position("income", "income", True, 120_000_00, 90_000_00, 80_000_00,
                     110_000_00, 9)  # fmt: skip
    assert describe(short) == (
        "£10,000 below the income plan (more income is good), forecast £10,000 short by March"
    )


def test_status_before_any_actuals_says_so():
    p = line_position("pay_medical", [100] * 12, [0] * 12, 0)
    assert describe(p).startswith("No actuals yet for medical pay")


@pytest.mark.parametrize(
    ("pence", "words"),
    [(42_349_99, "£42,300"), (42_350_00, "£42,400"), (999_49, "£999"), (-5_60, "£6"), (0, "£0")],
)
def test_sentences_round_to_the_nearest_hundred_pounds_from_a_thousand(pence, words):
    assert round_for_words(pence) == words


@pytest.mark.parametrize(
    ("budget", "actual", "expected"),
    [(1000, 900, "ok"), (1000, 1000, "ok"), (1000, 1040, "warn"), (1000, 1050, "warn"),
     (1000, 1051, "bad"), (0, 10, "bad")],
)  # fmt: skip
def test_level_flags_overspend_beyond_the_percentage(budget, actual, expected):
    p = Position("pay_other", "other pay", False, budget, budget, actual, actual, 1)
    assert level(p, Decimal(5)) == expected


def test_burn_chart_draws_budget_for_the_year_actual_to_date_and_a_forecast_to_march():
    chart = burn_chart([1000] * 12, [1100] * 12, 9, 13_200)
    assert len(chart.budget.split()) == 13
    assert len(chart.actual.split()) == 10
    start, end = chart.forecast.split()
    assert start == chart.actual.split()[-1]
    assert float(end.split(",")[0]) == chart.right
    ys = [float(p.split(",")[1]) for p in f"{chart.budget} {chart.actual} {end}".split()]
    assert min(ys) >= chart.top
    assert max(ys) <= chart.bottom
    assert [t.label for t in chart.x_ticks][0::11] == ["Apr", "Mar"]


def test_burn_chart_has_no_forecast_once_the_year_is_closed():
    chart = burn_chart([1000] * 12, [1000] * 12, 12, 12_000)
    assert chart.forecast == ""


@pytest.mark.parametrize(
    ("pence", "label"),
    [(0, "£0"), (50_000, "£500"), (35_000_000, "£350k"), (-120_000_000, "−£1.2m")],
)
def test_axis_labels_are_short(pence, label):
    assert short_money(pence) == label


def test_the_calculation_modules_load_without_flask_or_sqlalchemy():
    probe = (
        "import sys, qframe.budgets.calc, qframe.budgets.chart;"
        "print(','.join(m for m in ('flask', 'sqlalchemy') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # fixed argv: this interpreter and a constant script
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
