"""Solve a plan MILP with HiGHS to a relative gap, reporting the proven bound."""

from __future__ import annotations

import time

import pulp

from ._highs import Deadline
from .errors import InvalidInput, SolverFailed


def solve_mip(
    prob: pulp.LpProblem, deadline: Deadline, gap_rel: float
) -> tuple[float, float, float]:
    """(objective, proven bound, seconds); Optimal means within `gap_rel` of the bound."""
    solver = pulp.HiGHS(msg=False, timeLimit=deadline.remaining(), gapRel=gap_rel, gapAbs=0.0)
    started = time.perf_counter()
    try:
        stats = prob.solve(solver)
    except Exception as exc:  # anything inside PuLP or highspy leaves nothing to trust
        raise SolverFailed(f"the solver failed: {type(exc).__name__}: {exc}") from exc
    seconds = time.perf_counter() - started
    if stats.status == pulp.LpSolveStatus.Infeasible:
        # everything else allows funding nothing, so only the per-provider minimum can bind
        raise InvalidInput(
            [
                "no plan funds the minimum number of projects for every provider within the "
                "yearly budgets, staff capacity and prerequisites"
            ]
        )
    if stats.status != pulp.LpSolveStatus.Optimal or not stats.has_solution:
        raise SolverFailed(
            f"the solver stopped with status {stats.status_str} after {seconds:.2f} s"
        )
    objective = float(stats.objective or 0.0)
    bound = float(stats.best_bound) if stats.best_bound is not None else objective
    return objective, max(bound, objective), seconds
