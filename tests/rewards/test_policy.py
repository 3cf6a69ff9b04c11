"""The allocation policy JSON and the pot: exact decimals, unknown keys named, bad values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qframe.errors import ValidationFailed
from qframe.rewards.policy import parse_policy, parse_pot, read_policy_json


def test_an_empty_policy_takes_the_formats_defaults():
    policy = parse_policy({})
    assert (policy.recipients, policy.weight) == ("provider", "entitlement")
    assert (policy.cap_percent, policy.floor_pence, policy.breach_gate) == (
        Decimal("2.5"),
        0,
        Decimal(0),
    )


def test_decimals_are_exact_and_equal_policies_have_one_canonical_form():
    text = '{"cap_percent_of_contract": 2.50, "floor": "1000.10", "breach_gate": 0.1}'
    policy = read_policy_json(text)
    assert policy.cap_percent == Decimal("2.50")
    assert policy.floor_pence == 1000_10
    assert policy.breach_gate == Decimal("0.1")  # not 0.1000000000000000055...
    same = parse_policy(
        {"cap_percent_of_contract": "2.5", "floor": "1000.1", "breach_gate": "0.10"}
    )
    assert same.as_json() == policy.as_json()


def test_unknown_keys_are_refused_and_named():
    with pytest.raises(ValidationFailed) as caught:
        parse_policy({"recipients": "provider", "amount": "5", "role": "admin"})
    assert "unknown keys amount, role" in caught.value.message
    assert {p.column for p in caught.value.problems} == {"amount", "role"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("recipients", "wards"),
        ("weight", "beds"),
        ("cap_percent_of_contract", "-1"),
        ("cap_percent_of_contract", "101"),
        ("cap_percent_of_contract", "1e2"),
        ("floor", "-5"),
        ("floor", "10.001"),
        ("floor", "NaN"),
        ("breach_gate", "1.5"),
        ("breach_gate", "+0.5"),
        ("breach_gate", True),
        ("breach_gate", "0_5"),
    ],
)
def test_bad_policy_values_are_refused_naming_the_key(key, value):
    with pytest.raises(ValidationFailed) as caught:
        parse_policy({key: value})
    assert key in {p.column for p in caught.value.problems}


def test_a_policy_that_is_not_an_object_or_not_json_is_refused():
    with pytest.raises(ValidationFailed):
        parse_policy(["provider"])
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        read_policy_json("{recipients: provider}")


def test_no_contract_cap_is_allowed_with_null():
    assert parse_policy({"cap_percent_of_contract": None}).cap_percent is None


@pytest.mark.parametrize(
    ("text", "pence"), [("2000000", 2_000_000_00), ("£1,500.50", 1_500_50), ("0.01", 1)]
)
def test_the_pot_is_pounds_read_as_whole_pence(text, pence):
    assert parse_pot(text) == pence


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-5", "negative"),
        ("-1000.00", "negative"),
        ("lots", "amount in pounds"),
        ("", "amount in pounds"),
        ("1e6", "amount in pounds"),
        ("NaN", "amount in pounds"),
        ("1_000", "amount in pounds"),
        ("10.005", "amount in pounds"),
        ("0", "nothing to share"),
    ],
)
def test_a_negative_non_numeric_or_zero_pot_is_refused(text, words):
    with pytest.raises(ValidationFailed, match=words):
        parse_pot(text)
