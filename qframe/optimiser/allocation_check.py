"""Optimality check of an LP answer to the allocation policy, done before any money is used."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MONEY_TOL = 1e-5  # pence; the tests hold the LP to 1e-6 pounds (1e-4 pence) of the closed form


@dataclass(frozen=True)
class PolicySolution:
    """Unrounded LP answer: rate s (pence per unit weight) and y_i in pence, input order."""

    rate: float
    shares: Sequence[float] | npt.NDArray[np.float64]
    total: float
    seconds: float
    formulation: str


def policy_violations(
    a: Sequence[float] | npt.NDArray[np.float64],
    u: Sequence[int] | npt.NDArray[np.float64],
    budget: int,
    solution: PolicySolution,
) -> list[str]:
    """What stops `solution` from being the policy optimum (empty when it is one)."""
    slope, room = np.asarray(a, dtype=np.float64), np.asarray(u, dtype=np.float64)
    shares = np.asarray(solution.shares, dtype=np.float64)
    tol = MONEY_TOL + 1e-13 * budget
    best = min(float(budget), math.fsum(room))
    spend = math.fsum(shares)
    problems = []
    if abs(solution.total - best) > tol or abs(spend - best) > tol:
        problems.append(f"it allocates {spend:.6f}p of a possible {best:.6f}p")
    ideal = np.minimum(room, slope * solution.rate)
    off = np.flatnonzero(np.abs(shares - ideal) > tol)
    if len(off):
        i = int(off[0])
        problems.append(f"share {i} is {shares[i]:.6f}p where the rate gives {ideal[i]:.6f}p")
    all_capped = float(np.max(room / slope))
    if solution.rate > all_capped * (1 + 1e-9):
        problems.append(f"rate {solution.rate} is above the {all_capped} that caps everyone")
    return problems
