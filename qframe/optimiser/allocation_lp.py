"""The reward-allocation LP of domain §6, solved lexicographically by HiGHS and then verified.

Policy (pence): 0 <= y_i <= u_i (u_i = cap - floor), y_i <= s * a_i (a_i = gate * weight),
sum(y) <= budget (pot - floors); maximise sum(y), then minimise the rate s. Two solves: the
first finds the largest total T; the second keeps sum(y) >= T - slack and minimises s. (One
solve with a small weight on s is exact only for a weight below min(a_i), and that weight falls
under HiGHS's optimality tolerances, which we measured picking a wrong s: so two solves.)

"direct" is that LP as written. Its rate column touches every row, so the second solve costs
about n pivots of O(n) work each (measured 3-4 s at 10,000 recipients, over a minute at
100,000). "segments" (the default) solves the same LP restricted to points of the form
y_i = a_i * min(s, t_i), t_i = u_i / a_i: with the breakpoints sorted, s is split into segment
lengths d_k in [0, t_(k) - t_(k-1)], y_(j) = a_(j) * (d_1 + ... + d_j), and the slope of
segment k is the sum of a over the recipients not yet capped. Every such point is feasible for
the direct LP and the direct LP's unique optimum has this form, so both give the same answer,
and HiGHS solves the segment LP in a few iterations. Either way the answer must pass
`policy_violations` (feasible, the largest total, y_i = min(u_i, a_i s)) before it is used; a
segment answer that fails is solved again with tighter tolerances (see ATTEMPTS).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Literal

import pulp

from ._highs import Deadline, solve, values
from .allocation_check import PolicySolution, policy_violations
from .errors import SolverFailed

Formulation = Literal["segments", "direct"]


def _slack(total: float, relative: float) -> float:
    # lets the second solve keep the first's optimum despite float noise in the last bits;
    # every unit of slack can move the amounts by as much, so it is kept as small as HiGHS allows
    return 1e-9 + relative * abs(total)


def _segments(
    a: list[float], u: list[int], budget: int, deadline: Deadline, tolerance: float | None
) -> PolicySolution:
    n = len(a)
    order = sorted(range(n), key=lambda i: u[i] / a[i])  # stable: ties keep key order
    ends = [u[i] / a[i] for i in order]
    lengths = [ends[0], *(ends[k] - ends[k - 1] for k in range(1, n))]
    slopes = list(accumulate(a[i] for i in reversed(order)))[::-1]
    used = [k for k in range(n) if lengths[k] > 0]
    prob = pulp.LpProblem("allocation_segments", pulp.LpMaximize)
    # d_k = length_k * f_k with f_k in [0, 1]: measured 3 dual simplex iterations at 100,000
    # recipients against about 6,000 with d_k in [0, length_k]
    by_index = prob.add_variable_dicts("f", used, lowBound=0, upBound=1)
    filled: list[pulp.LpVariable] = [by_index[k] for k in used]
    money = [slopes[k] * lengths[k] for k in used]
    spend = pulp.lpSum_vars_coefs(list(zip(filled, money, strict=True)))
    prob += spend <= budget
    prob.setObjective(spend)
    first = solve(prob, deadline, tolerance=tolerance)
    prob += spend >= first.objective - _slack(first.objective, 4e-16)  # two units in the last place
    prob.sense = pulp.LpMinimize
    prob.setObjective(
        pulp.lpSum_vars_coefs([(f, lengths[k]) for f, k in zip(filled, used, strict=True)])
    )
    # presolve spends seconds on this one-row LP and saves nothing
    second = solve(prob, deadline, presolve=False, tolerance=tolerance)
    steps = [0.0] * n
    for k, fraction in zip(used, values(filled), strict=True):
        steps[k] = lengths[k] * fraction
    levels = list(accumulate(steps))
    shares = [0.0] * n
    for i, level in zip(order, levels, strict=True):
        shares[i] = min(float(u[i]), a[i] * level)
    seconds = first.seconds + second.seconds
    return PolicySolution(levels[-1], tuple(shares), first.objective, seconds, "segments")


def _direct(
    a: list[float], u: list[int], budget: int, deadline: Deadline, tolerance: float | None
) -> PolicySolution:
    n = len(a)
    prob = pulp.LpProblem("allocation_direct", pulp.LpMaximize)
    by_index = prob.add_variable_dicts("y", range(n), lowBound=0)
    shares: list[pulp.LpVariable] = [by_index[i] for i in range(n)]
    for var, room in zip(shares, u, strict=True):
        var.upBound = room
    rate = prob.add_variable("s", lowBound=0)
    for var, slope in zip(shares, a, strict=True):
        prob += pulp.lpSum_vars_coefs([(var, 1.0), (rate, -slope)]) <= 0
    spend = pulp.lpSum_vars(shares)
    prob += spend <= budget
    prob.setObjective(spend)
    first = solve(prob, deadline, tolerance=tolerance)
    # HiGHS answered Undefined at 10,000 recipients with a slack of 1e-15 of the total
    prob += spend >= first.objective - _slack(first.objective, 1e-14)
    prob.sense = pulp.LpMinimize
    prob.setObjective(rate)
    second = solve(prob, deadline, tolerance=tolerance)
    seconds = first.seconds + second.seconds
    y = tuple(values(shares))
    return PolicySolution(values([rate])[0], y, first.objective, seconds, "direct")


Method = Callable[[list[float], list[int], int, Deadline, float | None], PolicySolution]

# HiGHS's default feasibility tolerances (1e-7) are fast and pass the check on ordinary runs,
# but when weights and caps span many orders of magnitude both LPs can stop pennies to pounds
# from the optimum. The segment LP then passed at 1e-9 on 99.5% of 1,300 such instances and at
# 1e-10 on the rest; the direct LP at 1e-9 was refused by HiGHS (status Undefined) even on
# ordinary 10,000-recipient runs, so it keeps the defaults.
ATTEMPTS: dict[str, tuple[tuple[Method, float | None], ...]] = {
    "segments": ((_segments, None), (_segments, 1e-9), (_segments, 1e-10)),
    "direct": ((_direct, None),),
}


def solve_policy(
    slopes: Sequence[float],
    room: Sequence[int],
    budget: int,
    deadline: Deadline,
    formulation: Formulation = "segments",
) -> PolicySolution:
    """Solve the policy LP for recipients (slope a_i, room u_i); shares come back in input order."""
    active = [i for i, (a, u) in enumerate(zip(slopes, room, strict=True)) if a > 0 and u > 0]
    if not active:
        return PolicySolution(0.0, (0.0,) * len(slopes), 0.0, 0.0, "none")
    a = [float(slopes[i]) for i in active]
    u = [room[i] for i in active]
    failures, seconds = [], 0.0
    for method, tolerance in ATTEMPTS[formulation]:
        found = method(a, u, budget, deadline, tolerance)
        seconds += found.seconds
        problems = policy_violations(a, u, budget, found)
        if not problems:
            shares = [0.0] * len(slopes)
            for i, share in zip(active, found.shares, strict=True):
                shares[i] = share
            return PolicySolution(found.rate, tuple(shares), found.total, seconds, formulation)
        failures.append(f"{formulation} LP, tolerance {tolerance or 'default'}: {problems[0]}")
    checked = "; ".join(failures)
    raise SolverFailed(f"the solver said Optimal but its answer failed the policy check: {checked}")
