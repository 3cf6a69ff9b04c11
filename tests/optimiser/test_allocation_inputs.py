"""Infeasible or invalid allocation input is explained in words before any solver runs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qframe.optimiser import InfeasibleAllocation, Recipient, allocate_rewards
from qframe.optimiser import allocation_lp as lp


def r(key: str, weight: str, cap: int, floor: int = 0, gate: str = "1") -> Recipient:
    return Recipient(key, Decimal(weight), cap, floor, Decimal(gate))


@pytest.fixture(autouse=True)
def no_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any solve in these tests is a failure: the checks must come first."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the solver ran on invalid input")

    monkeypatch.setattr(lp, "solve", refuse)


def reasons_for(recipients: list[Recipient], pot: int) -> list[str]:
    with pytest.raises(InfeasibleAllocation) as caught:
        allocate_rewards(recipients, pot)
    assert str(caught.value) == "; ".join(caught.value.reasons)
    return caught.value.reasons


def test_floors_above_the_pot_give_both_totals_and_the_shortfall() -> None:
    reasons = reasons_for([r("RXA", "1", 90000, 60000), r("RXB", "1", 90000, 50000)], 100000)
    assert reasons == [
        "floors total £1,100.00 but the pot is £1,000.00: £100.00 short "
        "(largest floors: RXA £600.00, RXB £500.00)"
    ]


def test_a_floor_above_a_cap_names_the_recipient_and_the_excess() -> None:
    reasons = reasons_for([r("RXA", "1", 1000, 1250), r("RXB", "1", 1000)], 10000)
    assert reasons == ["recipient 'RXA': floor £12.50 is above its cap £10.00 by £2.50"]


def test_a_negative_weight_is_refused() -> None:
    assert reasons_for([r("RXA", "-0.5", 1000)], 10) == [
        "recipient 'RXA': weight is negative (-0.5)"
    ]


def test_a_negative_cap_is_refused() -> None:
    assert reasons_for([r("RXA", "1", -100)], 10) == ["recipient 'RXA': cap is negative (-£1.00)"]


def test_a_negative_floor_is_refused() -> None:
    assert reasons_for([r("RXA", "1", 100, -5)], 10) == [
        "recipient 'RXA': floor is negative (-£0.05)"
    ]


def test_a_negative_pot_is_refused() -> None:
    assert reasons_for([r("RXA", "1", 100)], -123456) == ["the pot is negative (-£1,234.56)"]


@pytest.mark.parametrize("gate", ["-0.01", "1.01", "2"])
def test_a_gate_outside_zero_to_one_is_refused(gate: str) -> None:
    assert reasons_for([r("RXA", "1", 100, gate=gate)], 10) == [
        f"recipient 'RXA': gate {gate} is outside 0 to 1"
    ]


@pytest.mark.parametrize("weight", ["NaN", "Infinity", "-Infinity"])
def test_a_weight_that_is_not_a_finite_number_is_refused(weight: str) -> None:
    (reason,) = reasons_for([r("RXA", weight, 100)], 10)
    assert reason.startswith("recipient 'RXA': weight must be a finite decimal number")


def test_money_that_is_not_whole_pence_is_refused() -> None:
    bad = Recipient("RXA", Decimal(1), 10.5, 0)  # type: ignore[arg-type]
    assert reasons_for([bad], 10) == ["recipient 'RXA': cap must be whole pence, got 10.5"]
    assert reasons_for([r("RXA", "1", 100)], True) == ["the pot must be whole pence, got True"]


def test_a_repeated_key_is_refused() -> None:
    assert reasons_for([r("RXA", "1", 100), r("RXA", "2", 100)], 10) == [
        "recipient 'RXA' appears 2 times"
    ]


def test_every_problem_is_reported_at_once() -> None:
    reasons = reasons_for(
        [r("RXA", "-1", 100), r("RXB", "1", 100, 200), r("RXC", "1", 100, gate="3")], -1
    )
    assert reasons == [
        "the pot is negative (-£0.01)",
        "recipient 'RXA': weight is negative (-1)",
        "recipient 'RXB': floor £2.00 is above its cap £1.00 by £1.00",
        "recipient 'RXC': gate 3 is outside 0 to 1",
    ]


@pytest.mark.parametrize("limit", [0, -1, float("nan"), float("inf")])
def test_a_time_limit_must_be_a_positive_number_of_seconds(limit: float) -> None:
    with pytest.raises(ValueError, match="time limit"):
        allocate_rewards([r("RXA", "1", 100)], 10, time_limit_s=limit)
