"""Run HiGHS (through highspy, via PuLP 4, in bulk) and accept only a proven optimum."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np
import pulp

from ._pulp_arrays import ArrayHiGHS, Basis, Floats, VariableBlock
from .errors import SolverFailed

SOLVER = f"HiGHS {version('highspy')} (highspy) via PuLP {version('PuLP')}"


@dataclass(frozen=True)
class Deadline:
    """Wall-clock budget shared by the solves of one optimisation."""

    limit_s: float
    started: float

    @classmethod
    def start(cls, limit_s: float) -> Deadline:
        """Start the clock; the limit must be a positive, finite number of seconds."""
        if not (isinstance(limit_s, int | float) and math.isfinite(limit_s) and limit_s > 0):
            raise ValueError(f"time limit must be a positive number of seconds, got {limit_s!r}")
        return cls(float(limit_s), time.perf_counter())

    def remaining(self) -> float:
        """Seconds left; SolverFailed when none are."""
        left = self.limit_s - (time.perf_counter() - self.started)
        if left <= 0:
            raise SolverFailed(
                f"time limit of {self.limit_s:g} s reached before the solve finished"
            )
        return left


@dataclass(frozen=True)
class Solved:
    """Objective value, wall-clock seconds and the solution (by variable id) of one solve."""

    objective: float
    seconds: float
    columns: Floats = field(default_factory=lambda: np.zeros(0))

    def of(self, block: VariableBlock) -> Floats:
        """The solution values of a block of variables, as an array."""
        return self.columns[block.first : block.first + block.count]


def solve(
    prob: pulp.LpProblem,
    deadline: Deadline,
    *,
    presolve: bool = True,
    mip: bool = False,
    tolerance: float | None = None,
    basis: Basis | None = None,
) -> Solved:
    """Solve `prob` with HiGHS; anything but Optimal with a solution raises SolverFailed.

    `tolerance` sets HiGHS's primal and dual feasibility tolerances (default 1e-7); `basis`
    starts the simplex from a known basis (a warm start).
    """
    limit = deadline.remaining()
    # HiGHS stops a MIP at a 0.01% gap by default: "optimal" must mean optimal here.
    gap = 0.0 if mip else None
    solver = ArrayHiGHS(
        basis=basis,
        msg=False,
        timeLimit=limit,
        gapRel=gap,
        gapAbs=gap,
        presolve="on" if presolve else "off",
        # PuLP drops options that are None, leaving HiGHS's defaults
        primal_feasibility_tolerance=tolerance,
        dual_feasibility_tolerance=tolerance,
    )
    started = time.perf_counter()
    try:
        stats = prob.solve(solver)
    except Exception as exc:  # any failure inside PuLP or highspy leaves nothing to trust
        raise SolverFailed(f"the solver failed: {type(exc).__name__}: {exc}") from exc
    seconds = time.perf_counter() - started
    if stats.status != pulp.LpSolveStatus.Optimal or not stats.has_solution:
        raise SolverFailed(
            f"the solver stopped with status {stats.status_str} after {seconds:.3f} s "
            f"(time limit {limit:.3f} s) without a proven optimum"
        )
    objective = stats.objective if stats.objective is not None else 0.0
    return Solved(float(objective), seconds, solver.column_values)


def values(variables: list[pulp.LpVariable]) -> list[float]:
    """Solution values of `variables` (an optimal solve always sets them)."""
    out = []
    for var in variables:
        value = var.varValue
        if value is None:
            raise SolverFailed(f"the solver returned no value for {var.name}")
        out.append(float(value))
    return out
