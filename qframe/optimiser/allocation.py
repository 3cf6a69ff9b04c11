"""Reward allocation: floor plus capped proportional share (domain §6), in whole pence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from ._highs import SOLVER, Deadline
from .allocation_lp import Formulation, solve_policy
from .recipients import Recipient, check_allocation_inputs
from .rounding import largest_remainder

Reason = Literal["share", "capped", "floored", "gated", "ineligible"]


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
    """A solved allocation; lines and lp_amounts_pence follow the input order."""

    status: Literal["optimal"]
    exchange_rate: float  # pounds paid per unit of (gated) weight
    total_pence: int
    lines: tuple[AllocationLine, ...]
    lp_amounts_pence: tuple[float, ...]  # x_i = f_i + y_i before rounding
    solve_seconds: float
    solver: str


def reason_for(recipient: Recipient, amount_pence: int, rate: float) -> Reason:
    """Why a recipient got its amount; the first rule that applies wins.

    ineligible: weight 0 (nothing to share, so a gate or floor is not the story);
    gated: gate 0, or a gate below 1 that cost money (a positive rate and the amount under
    the cap); floored: a floor and nothing above it; capped: the amount is the cap;
    share: otherwise.
    """
    if recipient.weight == 0:
        return "ineligible"
    gate = recipient.gate
    if gate == 0 or (gate < 1 and rate > 0 and amount_pence < recipient.cap_pence):
        return "gated"
    if recipient.floor_pence > 0 and amount_pence == recipient.floor_pence:
        return "floored"
    if amount_pence == recipient.cap_pence:
        return "capped"
    return "share"


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
    deadline = Deadline.start(time_limit_s)
    # the model is built in key order, so the input order cannot change anyone's amount
    order = sorted(range(len(recipients)), key=lambda i: recipients[i].key)
    ranked = [recipients[i] for i in order]
    floors = [r.floor_pence for r in ranked]
    caps = [r.cap_pence for r in ranked]
    solution = solve_policy(
        np.fromiter((float(r.gate * r.weight) for r in ranked), np.float64, len(ranked)),
        np.subtract(caps, floors, dtype=np.float64),
        pot_pence - sum(floors),
        deadline,
        formulation,
    )
    amounts = (np.asarray(floors, dtype=np.float64) + solution.shares).tolist()
    spent = min(pot_pence, sum(caps), max(sum(floors), round(sum(floors) + solution.total)))
    pence = largest_remainder(amounts, floors, caps, [r.key for r in ranked], spent)
    lines: list[AllocationLine | None] = [None] * len(recipients)
    unrounded = [0.0] * len(recipients)
    for i, r, amount, paid in zip(order, ranked, amounts, pence, strict=True):
        reason = reason_for(r, paid, solution.rate)
        lines[i] = AllocationLine(r.key, r.weight, r.cap_pence, r.floor_pence, r.gate, paid, reason)
        unrounded[i] = amount
    solver = f"{SOLVER}, {solution.formulation} LP"
    if solution.formulation == "none":
        solver = "none: no recipient can take a share, so amounts are the floors"
    return Allocation(
        status="optimal",
        exchange_rate=solution.rate / 100,
        total_pence=spent,
        lines=tuple(line for line in lines if line is not None),
        lp_amounts_pence=tuple(unrounded),
        solve_seconds=solution.seconds,
        solver=solver,
    )
