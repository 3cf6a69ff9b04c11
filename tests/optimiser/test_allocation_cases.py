"""Reward allocation on small cases worked out by hand (domain §6)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from qframe.optimiser import Recipient, allocate_rewards, closed_form_allocation
from qframe.optimiser.allocation_lp import Formulation

FORMULATIONS: list[Formulation] = ["segments", "direct"]


def r(key: str, weight: str, cap: int, floor: int = 0, gate: str = "1") -> Recipient:
    return Recipient(key, Decimal(weight), cap, floor, Decimal(gate))


@dataclass(frozen=True)
class Case:
    name: str
    recipients: tuple[Recipient, ...]
    pot: int
    amounts: dict[str, int]
    reasons: dict[str, str]
    rate: float  # pounds per unit weight


CASES = [
    Case(
        # s = 100 pence/weight: C's 2 x 100 = 200 would pass its 100 cap, so C stops at 100
        # and A and B share the other 200 equally.
        "a cap binds on one of three",
        (r("A", "1", 20000), r("B", "1", 20000), r("C", "2", 10000)),
        30000,
        {"A": 10000, "B": 10000, "C": 10000},
        {"A": "share", "B": "share", "C": "capped"},
        100.0,
    ),
    Case(
        # gate 0.5 halves B's effective weight: 30000 / 1.5 = 20000 pence per weight
        "a half gate halves the share",
        (r("A", "1", 100000), r("B", "1", 100000, gate="0.5")),
        30000,
        {"A": 20000, "B": 10000},
        {"A": "share", "B": "gated"},
        200.0,
    ),
    Case(
        "a gate of zero withholds everything",
        (r("A", "1", 50000), r("B", "3", 50000, gate="0")),
        10000,
        {"A": 10000, "B": 0},
        {"A": "share", "B": "gated"},
        100.0,
    ),
    Case(
        # a gated recipient that still reaches its cap was not held back by the gate
        "a gate that does not bind leaves the cap as the reason",
        (r("A", "1", 100000), r("B", "4", 1000, gate="0.5")),
        11000,
        {"A": 10000, "B": 1000},
        {"A": "share", "B": "capped"},
        100.0,
    ),
    Case(
        # floors first (5000 + 0), then 10000 shared equally by weight
        "floors are paid before the shares",
        (r("A", "1", 50000, floor=5000), r("B", "1", 50000)),
        15000,
        {"A": 10000, "B": 5000},
        {"A": "share", "B": "share"},
        50.0,
    ),
    Case(
        "a pot equal to the floors pays only the floors",
        (r("A", "2", 50000, floor=5000), r("B", "1", 50000, floor=3000)),
        8000,
        {"A": 5000, "B": 3000},
        {"A": "floored", "B": "floored"},
        0.0,
    ),
    Case(
        # the smallest rate that caps everyone is C's 3000 pence per weight
        "a pot larger than all caps caps everyone and leaves the rest",
        (r("A", "1", 1000), r("B", "1", 2000), r("C", "1", 3000)),
        1_000_000,
        {"A": 1000, "B": 2000, "C": 3000},
        {"A": "capped", "B": "capped", "C": "capped"},
        30.0,
    ),
    Case(
        "a pot of zero pays nobody",
        (r("A", "1", 1000), r("B", "2", 2000)),
        0,
        {"A": 0, "B": 0},
        {"A": "share", "B": "share"},
        0.0,
    ),
    Case(
        "a weight of zero is ineligible for a share but keeps its floor",
        (r("A", "0", 5000, floor=700), r("B", "1", 5000)),
        2700,
        {"A": 700, "B": 2000},
        {"A": "ineligible", "B": "share"},
        20.0,
    ),
    Case(
        # 100 pence over three equal weights: 33.33 each; the spare penny goes to the
        # smallest key because the remainders tie
        "the spare penny goes to the smallest key on a tie",
        (r("b", "1", 1000), r("a", "1", 1000), r("c", "1", 1000)),
        100,
        {"a": 34, "b": 33, "c": 33},
        {"a": "share", "b": "share", "c": "share"},
        100 / 3 / 100,
    ),
    Case(
        # weights 1 and 2 over 100 pence: 33.33 and 66.67; the larger remainder (.67) wins
        "the spare penny goes to the largest remainder",
        (r("a", "1", 1000), r("b", "2", 1000)),
        100,
        {"a": 33, "b": 67},
        {"a": "share", "b": "share"},
        100 / 3 / 100,
    ),
]


@pytest.mark.parametrize("formulation", FORMULATIONS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_allocations_come_out_to_the_penny(
    case: Case, formulation: Formulation
) -> None:
    result = allocate_rewards(case.recipients, case.pot, formulation=formulation)
    assert {line.key: line.amount_pence for line in result.lines} == case.amounts
    assert {line.key: line.reason for line in result.lines} == case.reasons
    assert result.exchange_rate == pytest.approx(case.rate, rel=1e-9, abs=1e-12)
    assert result.total_pence == sum(case.amounts.values())
    assert result.status == "optimal"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_closed_form_agrees_with_the_hand_worked_cases(case: Case) -> None:
    rate, amounts = closed_form_allocation(case.recipients, case.pot)
    assert rate == pytest.approx(case.rate, rel=1e-12, abs=1e-12)
    for recipient, amount in zip(case.recipients, amounts, strict=True):
        assert abs(amount - case.amounts[recipient.key]) < 1


def test_lines_come_back_in_the_input_order_with_their_inputs() -> None:
    recipients = (r("Z", "1", 500, 100, "0.5"), r("A", "2", 900))
    result = allocate_rewards(recipients, 1000)
    assert [line.key for line in result.lines] == ["Z", "A"]
    first = result.lines[0]
    assert (first.weight, first.cap_pence, first.floor_pence, first.gate) == (
        Decimal(1),
        500,
        100,
        Decimal("0.5"),
    )
    assert len(result.lp_amounts_pence) == 2


def test_no_recipients_allocates_nothing() -> None:
    result = allocate_rewards([], 10_000)
    assert result.lines == ()
    assert result.total_pence == 0


def test_when_nobody_can_share_only_the_floors_are_paid_without_a_solve() -> None:
    recipients = (r("A", "0", 500, 200), r("B", "5", 300, 300), r("C", "1", 900, gate="0"))
    result = allocate_rewards(recipients, 10_000)
    assert [line.amount_pence for line in result.lines] == [200, 300, 0]
    assert result.total_pence == 500
    assert result.solver.startswith("none")


def test_the_solver_is_named_on_the_result() -> None:
    result = allocate_rewards([r("A", "1", 100)], 50)
    assert "HiGHS" in result.solver
    assert "PuLP 4." in result.solver
    assert result.solve_seconds >= 0
