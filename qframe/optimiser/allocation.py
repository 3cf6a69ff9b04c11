"""Reward allocation: floor plus capped proportional share (domain §6), in whole pence.

Two entrances to one solve: `allocate_rewards` takes Recipient objects; `allocate_columns` takes
the same terms as parallel columns (keys, weights, caps, floors, gates), so a national run of
100,000 recipients builds no per-recipient object on the way in or out.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

import numpy as np

from ._highs import SOLVER, Deadline
from .allocation_lp import Formulation, solve_policy
from .reasons import Reason, reason_for, reasons
from .recipients import Recipient, check_allocation_columns, check_allocation_inputs
from .rounding import largest_remainder

__all__ = ["Allocation", "AllocationLine", "allocate_columns", "allocate_rewards", "reason_for"]


@dataclass(frozen=True)
class AllocationLine:
    """One recipient's inputs, whole-pence amount and the reason for it."""

    key: str
    weight: Decimal
    cap_pence: int
    floor_pence: int
    gate: Decimal
    amount_pence: int
    reason: Reason


@dataclass(frozen=True)
class Allocation:
    """A solved allocation as columns in the input order (`lines` builds the row objects)."""

    status: Literal["optimal"]
    exchange_rate: float  # pounds paid per unit of (gated) weight
    total_pence: int
    keys: Sequence[str]
    weights: Sequence[Decimal]
    caps: Sequence[int]
    floors: Sequence[int]
    gates: Sequence[Decimal]
    amounts_pence: list[int]
    reasons: list[Reason]
    lp_amounts_pence: list[float]  # x_i = f_i + y_i before rounding
    solve_seconds: float
    solver: str

    @cached_property
    def lines(self) -> tuple[AllocationLine, ...]:
        """One AllocationLine per recipient, in the input order."""
        columns = zip(
            self.keys, self.weights, self.caps, self.floors, self.gates, self.amounts_pence,
            self.reasons, strict=True,
        )  # fmt: skip
        return tuple(AllocationLine(k, w, c, f, g, a, r) for k, w, c, f, g, a, r in columns)


def _solve(
    keys: Sequence[str],
    weights: Sequence[Decimal],
    caps: Sequence[int],
    floors: Sequence[int],
    gates: Sequence[Decimal],
    pot_pence: int,
    time_limit_s: float,
    formulation: Formulation,
) -> Allocation:
    deadline = Deadline.start(time_limit_s)
    # the model is built in key order, so the input order cannot change anyone's amount
    n = len(keys)
    order = sorted(range(n), key=keys.__getitem__)
    index = np.asarray(order, dtype=np.int64)
    floor_k, cap_k = [floors[i] for i in order], [caps[i] for i in order]
    # a_i = gate × weight in Decimal, then the nearest float (map: no Python frame per row)
    slopes = np.fromiter(map(float, map(operator.mul, gates, weights)), np.float64, n)[index]
    total_floors = sum(floor_k)
    solution = solve_policy(
        slopes,
        np.subtract(cap_k, floor_k, dtype=np.float64),
        pot_pence - total_floors,
        deadline,
        formulation,
    )
    amounts = np.asarray(floor_k, dtype=np.float64) + solution.shares
    spent = min(pot_pence, sum(cap_k), max(total_floors, round(total_floors + solution.total)))
    pence = largest_remainder(amounts.tolist(), floor_k, cap_k, [keys[i] for i in order], spent)
    # back to the input order (an object array keeps the pence Python ints)
    paid, unrounded = np.empty(n, dtype=object), np.empty(n, dtype=np.float64)
    paid[index], unrounded[index] = pence, amounts
    solver = f"{SOLVER}, {solution.formulation} LP"
    if solution.formulation == "none":
        solver = "none: no recipient can take a share, so amounts are the floors"
    return Allocation(
        status="optimal",
        exchange_rate=solution.rate / 100,
        total_pence=spent,
        keys=keys,
        weights=weights,
        caps=caps,
        floors=floors,
        gates=gates,
        amounts_pence=paid.tolist(),
        reasons=reasons(weights, gates, caps, floors, paid.tolist(), solution.rate),
        lp_amounts_pence=unrounded.tolist(),
        solve_seconds=solution.seconds,
        solver=solver,
    )


def allocate_rewards(
    recipients: Sequence[Recipient],
    pot_pence: int,
    time_limit_s: float = 60,
    formulation: Formulation = "segments",
) -> Allocation:
    """Share the pot by the policy LP (HiGHS), then round to pence by largest remainder.

    Raises InfeasibleAllocation (with reasons) before solving, SolverFailed when the solver
    does not prove an optimum within the time limit: no amounts come back in either case.
    """
    check_allocation_inputs(recipients, pot_pence)
    return _solve(
        [r.key for r in recipients],
        [r.weight for r in recipients],
        [r.cap_pence for r in recipients],
        [r.floor_pence for r in recipients],
        [r.gate for r in recipients],
        pot_pence,
        time_limit_s,
        formulation,
    )


def allocate_columns(
    keys: Sequence[str],
    weights: Sequence[Decimal],
    caps: Sequence[int],
    floors: Sequence[int],
    gates: Sequence[Decimal],
    pot_pence: int,
    time_limit_s: float = 60,
) -> Allocation:
    """`allocate_rewards` for recipients given as columns (the same checks, the same answer)."""
    check_allocation_columns(keys, weights, caps, floors, gates, pot_pence)
    return _solve(keys, weights, caps, floors, gates, pot_pence, time_limit_s, "segments")
