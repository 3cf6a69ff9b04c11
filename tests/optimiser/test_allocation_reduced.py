"""The reduced segment LP (the segments near where the pot runs out, the rest merged) is the
first attempt: on instances large enough for merging it must pass the policy check by itself
and agree with the exact closed form, or every run would quietly fall back to the whole LP."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from qframe.optimiser import Recipient, closed_form_allocation
from qframe.optimiser import allocation_lp as lp
from qframe.optimiser._highs import Deadline
from qframe.optimiser.allocation_check import policy_violations


def instance(rng: random.Random) -> tuple[list[Recipient], int]:
    """Hundreds to a few thousand recipients; caps £10 to £10m, weights over ten orders."""
    recipients = []
    for i in range(rng.randint(200, 1500)):
        cap = rng.randint(0, 10 ** rng.randint(3, 9))
        floor = rng.randint(0, cap) if rng.random() < 0.3 else 0
        weight = Decimal(rng.randint(0, 10**10)) / 10 ** rng.randint(0, 10)
        gate = rng.choice([Decimal(1), Decimal(1), Decimal(0), Decimal("0.5")])
        recipients.append(Recipient(f"R{i:05d}", weight, cap, floor, gate))
    floors = sum(x.floor_pence for x in recipients)
    room = sum(x.cap_pence for x in recipients) - floors
    return recipients, floors + rng.randint(0, 2 * room + 100)


@pytest.mark.parametrize("seed", range(12))
def test_the_reduced_lp_alone_is_the_policy_optimum(seed: int) -> None:
    recipients, pot = instance(random.Random(seed))
    a_all = np.array([float(Fraction(r.gate) * Fraction(r.weight)) for r in recipients])
    u_all = np.array([r.cap_pence - r.floor_pence for r in recipients], dtype=np.float64)
    live = (a_all > 0) & (u_all > 0)
    a, u = a_all[live], u_all[live]
    budget = pot - sum(r.floor_pence for r in recipients)
    money = lp.segments_of(a, u)
    groups = lp.group_starts(money.money[money.used], float(budget), lp.NEAR)
    assert len(groups) < len(money.used)  # segments really were merged
    found = lp._near(a, u, budget, Deadline.start(60), None)
    assert policy_violations(a, u, budget, found) == []
    _, exact = closed_form_allocation(recipients, pot)
    floors = np.array([r.floor_pence for r in recipients], dtype=np.float64)
    shares = np.zeros(len(recipients))
    shares[live] = found.shares
    assert np.max(np.abs(floors + shares - np.array(exact))) <= 1e-9 * max(pot, 1)
