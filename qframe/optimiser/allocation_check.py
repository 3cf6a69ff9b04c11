"""Optimality check of an LP answer to the allocation policy, done before any money is used."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MONEY_TOL = 1e-5  # pence; the tests hold the LP to 1e-6 pounds (1e-4 pence) of the closed form


@dataclass(frozen=True)
class PolicySolution:
    """Unrounded LP answer: rate s (pence per unit weight) and y_i in pence, input order."""

    rate: float
    shares: tuple[float, ...]
    total: float
    seconds: float
    formulation: str


def policy_violations(
    a: Sequence[float], u: Sequence[int], budget: int, solution: PolicySolution
) -> list[str]:
    """What stops `solution` from being the policy optimum (empty when it is one)."""
    tol = MONEY_TOL + 1e-13 * budget
    best = min(float(budget), math.fsum(u))
    spend = math.fsum(solution.shares)
    problems = []
    if abs(solution.total - best) > tol or abs(spend - best) > tol:
        problems.append(f"it allocates {spend:.6f}p of a possible {best:.6f}p")
    for i, (slope, room, share) in enumerate(zip(a, u, solution.shares, strict=True)):
        ideal = min(float(room), slope * solution.rate)
        if abs(share - ideal) > tol:
            problems.append(f"share {i} is {share:.6f}p where the rate gives {ideal:.6f}p")
            break
    all_capped = max(room / slope for slope, room in zip(a, u, strict=True))
    if solution.rate > all_capped * (1 + 1e-9):
        problems.append(f"rate {solution.rate} is above the {all_capped} that caps everyone")
    return problems
