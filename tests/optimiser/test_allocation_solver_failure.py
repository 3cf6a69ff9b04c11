"""No money comes back unless the solver proves an optimum that passes the policy check."""

from __future__ import annotations

import random
from decimal import Decimal

import pulp
import pytest

from qframe.optimiser import Recipient, SolverFailed, allocate_rewards, closed_form_allocation
from qframe.optimiser import allocation_lp as lp
from qframe.optimiser._highs import Deadline
from qframe.optimiser.allocation_check import PolicySolution


def instance(n: int, seed: int = 3) -> tuple[list[Recipient], int]:
    rng = random.Random(seed)
    recipients = [
        Recipient(f"P{i:05d}", Decimal(rng.randint(1, 10**6)) / 100, rng.randint(10**5, 10**7))
        for i in range(n)
    ]
    return recipients, sum(x.cap_pence for x in recipients) * 6 // 10


def test_a_solver_exception_becomes_solver_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: pulp.LpProblem, *args: object, **kwargs: object) -> None:
        raise RuntimeError("highspy crashed")

    monkeypatch.setattr(pulp.LpProblem, "solve", explode)
    recipients, pot = instance(5)
    with pytest.raises(SolverFailed, match="RuntimeError: highspy crashed"):
        allocate_rewards(recipients, pot)


@pytest.mark.parametrize(
    "status",
    [
        pulp.LpSolveStatus.TimeLimit,
        pulp.LpSolveStatus.Infeasible,
        pulp.LpSolveStatus.Unbounded,
        pulp.LpSolveStatus.NotSolved,
        pulp.LpSolveStatus.Undefined,
    ],
)
def test_any_status_but_optimal_becomes_solver_failed(
    monkeypatch: pytest.MonkeyPatch, status: pulp.LpSolveStatus
) -> None:
    def stopped(self: pulp.LpProblem, *args: object, **kwargs: object) -> pulp.LpSolveStats:
        # a feasible incumbent does not make an early stop acceptable
        return pulp.LpSolveStats(solver="HiGHS", status=status, has_solution=True, objective=1.0)

    monkeypatch.setattr(pulp.LpProblem, "solve", stopped)
    recipients, pot = instance(5)
    with pytest.raises(SolverFailed, match=f"status {status.name}"):
        allocate_rewards(recipients, pot)


def test_a_real_time_limit_stops_the_solve_without_amounts() -> None:
    # the direct LP needs a few seconds here: half a second cannot prove an optimum (HiGHS
    # stops with TimeLimit, or the second solve finds no time left)
    recipients, pot = instance(6000)
    with pytest.raises(SolverFailed, match="(?i)time ?limit"):
        allocate_rewards(recipients, pot, time_limit_s=0.5, formulation="direct")


def wrong(a: list[float], u: list[int], budget: int, *args: object) -> PolicySolution:
    """An "optimal" answer that pays everything to the first recipient."""
    shares = (float(min(budget, u[0])),) + (0.0,) * (len(a) - 1)
    return PolicySolution(1.0, shares, float(budget), 0.0, "segments")


def test_a_wrong_answer_is_caught_and_solved_again_more_tightly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tighter: list[float | None] = []

    def second_try(
        a: list[float], u: list[int], budget: int, deadline: Deadline, tolerance: float | None
    ) -> PolicySolution:
        tighter.append(tolerance)
        return lp._segments(a, u, budget, deadline, tolerance)

    monkeypatch.setitem(lp.ATTEMPTS, "segments", ((wrong, None), (second_try, 1e-9)))
    recipients, pot = instance(8)
    result = allocate_rewards(recipients, pot)
    assert tighter == [1e-9]
    _, exact = closed_form_allocation(recipients, pot)
    assert max(abs(x - y) for x, y in zip(result.lp_amounts_pence, exact, strict=True)) < 1e-4


def test_an_answer_failing_the_policy_check_returns_no_money(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(lp.ATTEMPTS, "segments", ((wrong, None), (wrong, 1e-10)))
    recipients, pot = instance(8)
    with pytest.raises(SolverFailed, match="failed the policy check") as caught:
        allocate_rewards(recipients, pot)
    assert "tolerance 1e-10" in caught.value.status
