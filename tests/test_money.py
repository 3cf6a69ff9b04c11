"""Shared money helpers: exact splits of whole pence and pence as pounds."""

from decimal import Decimal

import pytest

from qframe.csvio import parse_money_input
from qframe.money import pence_to_pounds, split_pence


def test_decimal_weights_split_exactly_and_ties_go_to_the_earlier_weight():
    assert split_pence(100, [Decimal("1.5"), Decimal("1.5"), Decimal("1.5")]) == [34, 33, 33]


def test_a_share_in_points_adds_up_to_the_award():
    shares = split_pence(1_000_001, [Decimal("12.25"), Decimal("0.75"), Decimal("7")])
    assert sum(shares) == 1_000_001
    assert shares == [612_501, 37_500, 350_000]


def test_pence_print_as_pounds_with_two_places():
    assert str(pence_to_pounds(123_450)) == "1234.50"
    assert str(pence_to_pounds(0)) == "0.00"
    assert str(pence_to_pounds(-5)) == "-0.05"


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("£40,000", 4_000_000),  # the virement form refused this (issue 14)
        ("40000", 4_000_000),
        (" £2,500.50 ", 250_050),
        ("-£12.5", -1_250),
        ("1,250,000", 125_000_000),
        ("£", None),
        ("forty", None),
        ("£-5", None),
        ("12.345", None),
        ("", None),
    ],
)
def test_every_money_form_reads_pounds_as_people_type_them(typed, pence):
    assert parse_money_input(typed) == pence
