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
from operator import attrgetter
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._highs import SOLVER, Deadline
from .allocation_lp import Formulation, solve_policy
from .reasons import Reason, reason_for, reasons
from .recipients import Recipient, check_allocation_columns
from .rounding import in_key_order, key_order, largest_remainder

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


def _in_order[T](column: Sequence[T], index: npt.NDArray[np.int64], ordered: bool) -> list[T]:
    if ordered:
        return column if isinstance(column, list) else list(column)
    return [column[i] for i in index.tolist()]


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
    # (a query by code gives the keys in order already: then nothing is permuted)
    n = len(keys)
    ordered = in_key_order(keys)
    index = np.arange(n, dtype=np.int64) if ordered else key_order(keys)
    floor_k, cap_k = _in_order(floors, index, ordered), _in_order(caps, index, ordered)
    # a_i = gate × weight in Decimal, then the nearest float (map: no Python frame per row)
    slopes = np.fromiter(map(float, map(operator.mul, gates, weights)), np.float64, n)
    if not ordered:
        slopes = slopes[index]
    total_floors = sum(floor_k)
    solution = solve_policy(
        slopes,
        np.subtract(cap_k, floor_k, dtype=np.float64),
        pot_pence - total_floors,
        deadline,
        formulation,
    )
    amounts = np.add(floor_k, solution.shares, dtype=np.float64)
    spent = min(pot_pence, sum(cap_k), max(total_floors, round(total_floors + solution.total)))
    pence = largest_remainder(amounts, floor_k, cap_k, _in_order(keys, index, ordered), spent)
    if not ordered:  # back to the input order (an object array keeps the pence Python ints)
        paid, unrounded = np.empty(n, dtype=object), np.empty(n, dtype=np.float64)
        paid[index], unrounded[index] = pence, amounts
        pence, amounts = paid.tolist(), unrounded
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
        amounts_pence=pence,
        reasons=reasons(weights, gates, caps, floors, pence, solution.rate),
        lp_amounts_pence=amounts.tolist(),
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
    # the recipients as columns (attrgetter in map: no Python frame per recipient), checked by
    # the column check, which gives check_allocation_inputs's words when anything is wrong
    keys, weights, caps, floors, gates = (
        list(map(attrgetter(name), recipients))
        for name in ("key", "weight", "cap_pence", "floor_pence", "gate")
    )
    check_allocation_columns(keys, weights, caps, floors, gates, pot_pence)
    return _solve(keys, weights, caps, floors, gates, pot_pence, time_limit_s, formulation)


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
