"""Properties of reward allocation on random instances, checked against the exact closed form."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.optimiser import Allocation, Recipient, allocate_rewards, closed_form_allocation
from qframe.optimiser.allocation_lp import Formulation

FORMULATIONS: list[Formulation] = ["segments", "direct"]
EXAMPLES = settings(max_examples=100, deadline=None, database=None)
PENNY_MILLIONTH = 1e-4  # a millionth of a pound, in pence

weights = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**6), places=4),
    st.integers(1, 1000).map(Decimal),
)
gates = st.one_of(st.sampled_from([Decimal(0), Decimal(1)]), st.decimals(0, 1, places=2))


@st.composite
def recipient(draw: st.DrawFn, key: str) -> Recipient:
    cap = draw(st.integers(0, 10**7))
    floor = draw(st.one_of(st.just(0), st.integers(0, cap)))
    return Recipient(key, draw(weights), cap, floor, draw(gates))


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Recipient], int]:
    key = st.text("ABCDEFGH0123456789", min_size=1, max_size=5)
    keys = draw(st.lists(key, min_size=1, max_size=40, unique=True))
    recipients = [draw(recipient(key)) for key in keys]
    floors = sum(x.floor_pence for x in recipients)
    room = sum(x.cap_pence for x in recipients) - floors
    extra = draw(st.one_of(st.integers(0, room), st.integers(room, 2 * room + 100)))
    return recipients, floors + extra


def allocate(recipients: list[Recipient], pot: int, formulation: Formulation) -> Allocation:
    return allocate_rewards(recipients, pot, formulation=formulation)


@pytest.mark.parametrize("formulation", FORMULATIONS)
@EXAMPLES
@given(instances())
def test_the_lp_matches_the_closed_form_before_rounding(
    formulation: Formulation, case: tuple[list[Recipient], int]
) -> None:
    recipients, pot = case
    result = allocate(recipients, pot, formulation)
    _, exact = closed_form_allocation(recipients, pot)
    deviation = max(abs(x - y) for x, y in zip(result.lp_amounts_pence, exact, strict=True))
    assert deviation < PENNY_MILLIONTH
    # the published rate explains every amount (the rate itself is ill-determined when the
    # recipients below their caps share almost nothing, so it is checked through the money)
    pence_per_weight = result.exchange_rate * 100
    for x, amount in zip(recipients, exact, strict=True):
        share = float(x.gate * x.weight) * pence_per_weight
        assert abs(min(x.cap_pence, x.floor_pence + share) - amount) < PENNY_MILLIONTH, x.key


@pytest.mark.parametrize("formulation", FORMULATIONS)
@EXAMPLES
@given(instances())
def test_rounded_amounts_add_up_exactly_within_floors_and_caps(
    formulation: Formulation, case: tuple[list[Recipient], int]
) -> None:
    recipients, pot = case
    result = allocate(recipients, pot, formulation)
    floors = sum(x.floor_pence for x in recipients)
    can_share = sum(x.cap_pence - x.floor_pence for x in recipients if x.weight * x.gate > 0)
    assert result.total_pence == floors + min(pot - floors, can_share) <= pot
    assert sum(line.amount_pence for line in result.lines) == result.total_pence
    for line, unrounded in zip(result.lines, result.lp_amounts_pence, strict=True):
        assert line.floor_pence <= line.amount_pence <= line.cap_pence
        assert abs(line.amount_pence - unrounded) < 1


@EXAMPLES
@given(instances())
def test_spare_pence_go_to_the_largest_remainders(case: tuple[list[Recipient], int]) -> None:
    recipients, pot = case
    result = allocate(recipients, pot, "segments")
    pairs = list(zip(result.lines, result.lp_amounts_pence, strict=True))
    raised = [x - math.floor(x) for line, x in pairs if line.amount_pence > math.floor(x)]
    passed_over = [
        x - math.floor(x)
        for line, x in pairs
        if line.amount_pence == math.floor(x) < line.cap_pence and line.amount_pence >= 0
    ]
    if raised and passed_over:
        assert min(raised) >= max(passed_over) - 1e-6


@EXAMPLES
@given(st.data())
def test_the_order_of_the_input_changes_nobodys_amount(data: st.DataObject) -> None:
    recipients, pot = data.draw(instances())
    shuffled = data.draw(st.permutations(recipients))
    first = {line.key: line.amount_pence for line in allocate(recipients, pot, "segments").lines}
    second = {line.key: line.amount_pence for line in allocate(shuffled, pot, "segments").lines}
    assert first == second
