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
and HiGHS solves the segment LP in a few iterations. The segment LP is built from arrays
(numpy in, PuLP's bulk paths, HiGHS's array API: see _pulp_arrays) and starts from the
closed form's basis, so HiGHS confirms it rather than searches. It is first solved reduced to
the segments near where the pot runs out (the others merged into one full and one empty group:
`group_starts`), so the model has at most 67 variables whatever the number of recipients; the
whole segment LP is the fallback. Either way the answer must pass
`policy_violations` (feasible, the largest total, y_i = min(u_i, a_i s)) before it is used; a
segment answer that fails is solved again with tighter tolerances (see ATTEMPTS).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pulp

from ._highs import Deadline, solve, values
from ._pulp_arrays import Basis, Floats, Status, VariableBlock, add_block, dot
from .allocation_check import PolicySolution, policy_violations
from .errors import SolverFailed

Formulation = Literal["segments", "direct"]
Ints = npt.NDArray[np.int64]


def _slack(total: float, relative: float) -> float:
    # lets the second solve keep the first's optimum despite float noise in the last bits;
    # every unit of slack can move the amounts by as much, so it is kept as small as HiGHS allows
    return 1e-9 + relative * abs(total)


class Segments(NamedTuple):
    """The breakpoint structure of the policy: recipients by t_i = u_i / a_i, segment sizes."""

    order: Ints  # recipients by breakpoint (stable: ties keep key order)
    lengths: Floats  # t_(k) - t_(k-1)
    money: Floats  # pence spent by filling segment k: its length times the uncapped slope
    used: Ints  # the segments of positive length, the LP's variables


def segments_of(a: Floats, u: Floats) -> Segments:
    """Sort the breakpoints and size the segments, in arrays."""
    order = np.argsort(u / a, kind="stable")
    lengths = np.diff((u / a)[order], prepend=0.0)
    slopes = np.cumsum(a[order][::-1])[::-1]
    return Segments(order, lengths, slopes * lengths, np.flatnonzero(lengths > 0))


def closed_form_basis(money: Floats, budget: float, block: VariableBlock) -> tuple[Basis, Basis]:
    """Optimal bases of both solves, from the closed form: the segments before the one where
    the pot runs out are full (upper), that one is basic, the rest empty (lower)."""
    binds = bool(np.cumsum(money)[-1] > budget)
    last = binding_segment(money, budget)
    full: list[Status] = ["upper"] * last
    empty: list[Status] = ["lower"] * (len(money) - last - 1)
    columns = [*full, "basic", *empty]
    if binds:
        first = Basis(block, columns, ("upper",))
    else:  # everyone is capped: every segment full, the budget row slack
        first = Basis(block, ["upper"] * len(money), ("basic",))
    return first, Basis(block, columns, ("lower",))


def binding_segment(money: Floats, budget: float) -> int:
    """The segment where the pot runs out by the closed form (the last one if it never does)."""
    spent = np.cumsum(money)
    return int(np.searchsorted(spent, budget)) if spent[-1] > budget else len(money) - 1


def group_starts(money: Floats, budget: float, window: int | None) -> Ints:
    """Where each group of segments starts: every segment its own group (window None), or
    only those within `window` of where the closed form says the pot runs out.

    The segments further away are merged: those before into one group (full at the optimum),
    those after into another (empty). The whole segment LP's optimum lies in this smaller LP,
    so both have the same optimum; the policy check afterwards holds the answer to the whole
    policy, and a failure is solved again without merging (ATTEMPTS)."""
    m = len(money)
    if window is None:
        return np.arange(m, dtype=np.int64)
    k = binding_segment(money, budget)
    lo, hi = max(0, k - window), min(m, k + window + 1)
    # [0 (the full group)], the window one by one, [hi (the empty group)]: already sorted
    # and distinct (np.unique would import numpy.ma on its first call: 6 ms)
    edges = [np.arange(min(lo, 1)), np.arange(lo, hi), np.arange(hi, min(hi + 1, m))]
    return np.concatenate(edges).astype(np.int64)


def _grouped(
    lengths: Floats, money: Floats, starts: Ints, budget: int, deadline: Deadline,
    tolerance: float | None,
) -> tuple[Floats, float, float]:  # fmt: skip
    """The segment LP over groups of consecutive segments (a group is filled evenly): each
    group's fill f_g in [0, 1]; returns the fills, the first solve's total and the seconds."""
    group_length = np.add.reduceat(lengths, starts)
    group_money = np.add.reduceat(money, starts)
    prob = pulp.LpProblem("allocation_segments", pulp.LpMaximize)
    # d_k = length_k * f_k with f_k in [0, 1]: measured 3 dual simplex iterations at 100,000
    # recipients against about 6,000 with d_k in [0, length_k]
    filled = add_block(prob, "f", len(starts), 0.0, 1.0)
    spend = dot(prob, filled, group_money)
    prob += spend <= budget
    prob.setObjective(spend)
    start, restart = closed_form_basis(group_money, float(budget), filled)
    # presolve spends time on this one-row LP and saves nothing; a warm basis needs it off
    first = solve(prob, deadline, presolve=False, tolerance=tolerance, basis=start)
    # Second solve: keep the first's optimum (less two units in the last place) and minimise s.
    # The budget row is turned round rather than a second row added: once s is minimised the
    # spend falls to that floor, so "spend <= budget" cannot bind and the model needs one row.
    (row,) = prob.constraints()
    row.sense = pulp.LpConstraintGE
    row.changeRHS(first.objective - _slack(first.objective, 4e-16))
    prob.sense = pulp.LpMinimize
    prob.setObjective(dot(prob, filled, group_length))
    second = solve(prob, deadline, presolve=False, tolerance=tolerance, basis=restart)
    # a basic f_g may sit a hair outside [0, 1] within HiGHS's feasibility tolerance
    fills = np.clip(second.of(filled), 0.0, 1.0)
    return fills, first.objective, first.seconds + second.seconds


def _segments_solve(
    a: Floats, u: Floats, budget: int, deadline: Deadline, tolerance: float | None,
    window: int | None,
) -> PolicySolution:  # fmt: skip
    a, u = np.asarray(a, dtype=np.float64), np.asarray(u, dtype=np.float64)
    seg = segments_of(a, u)
    lengths, money = seg.lengths[seg.used], seg.money[seg.used]
    m = len(money)
    starts = group_starts(money, float(budget), window)
    fills, total, seconds = _grouped(lengths, money, starts, budget, deadline, tolerance)
    sizes = np.diff(starts, append=m)
    steps = np.zeros(len(a))
    steps[seg.used] = lengths * np.repeat(fills, sizes)
    levels = np.cumsum(steps)
    shares = np.empty(len(a))
    shares[seg.order] = np.minimum(u[seg.order], a[seg.order] * levels)
    return PolicySolution(float(levels[-1]), shares, total, seconds, "segments")


def _segments(
    a: Floats, u: Floats, budget: int, deadline: Deadline, tolerance: float | None
) -> PolicySolution:
    """The whole segment LP: one variable per segment."""
    return _segments_solve(a, u, budget, deadline, tolerance, None)


NEAR = 32  # segments kept either side of where the pot runs out


def _near(
    a: Floats, u: Floats, budget: int, deadline: Deadline, tolerance: float | None
) -> PolicySolution:
    """The segment LP reduced to the segments near where the pot runs out (see above)."""
    return _segments_solve(a, u, budget, deadline, tolerance, NEAR)


def _direct(
    slopes: Floats, room: Floats, budget: int, deadline: Deadline, tolerance: float | None
) -> PolicySolution:
    a, u = [float(x) for x in slopes], [float(x) for x in room]
    n = len(a)
    prob = pulp.LpProblem("allocation_direct", pulp.LpMaximize)
    by_index = prob.add_variable_dicts("y", range(n), lowBound=0)
    shares: list[pulp.LpVariable] = [by_index[i] for i in range(n)]
    for var, top in zip(shares, u, strict=True):
        var.upBound = top
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


Method = Callable[[Floats, Floats, int, Deadline, float | None], PolicySolution]

# HiGHS's default feasibility tolerances (1e-7) are fast and pass the check on ordinary runs,
# but when weights and caps span many orders of magnitude both LPs can stop pennies to pounds
# from the optimum. The segment LP then passed at 1e-9 on 99.5% of 1,300 such instances and at
# 1e-10 on the rest; the direct LP at 1e-9 was refused by HiGHS (status Undefined) even on
# ordinary 10,000-recipient runs, so it keeps the defaults. The reduced segment LP passed at
# the defaults on those 1,300 instances (up to 60 recipients, seed 16) and on 300 of 100 to
# 3,000 recipients (test_allocation_reduced.py); the whole one stays as the fallback.
ATTEMPTS: dict[str, tuple[tuple[Method, float | None], ...]] = {
    "segments": ((_near, None), (_segments, None), (_segments, 1e-9), (_segments, 1e-10)),
    "direct": ((_direct, None),),
}


def solve_policy(
    slopes: Sequence[float] | Floats,
    room: Sequence[int] | Floats,
    budget: int,
    deadline: Deadline,
    formulation: Formulation = "segments",
) -> PolicySolution:
    """Solve the policy LP for recipients (slope a_i, room u_i); shares come back in input order."""
    a_all, u_all = np.asarray(slopes, dtype=np.float64), np.asarray(room, dtype=np.float64)
    active = np.flatnonzero((a_all > 0) & (u_all > 0))
    if not len(active):
        return PolicySolution(0.0, np.zeros(len(a_all)), 0.0, 0.0, "none")
    a, u = a_all[active], u_all[active]
    failures, seconds = [], 0.0
    for method, tolerance in ATTEMPTS[formulation]:
        found = method(a, u, budget, deadline, tolerance)
        seconds += found.seconds
        problems = policy_violations(a, u, budget, found)
        if not problems:
            shares = np.zeros(len(a_all))
            shares[active] = found.shares
            return PolicySolution(found.rate, shares, found.total, seconds, formulation)
        failures.append(f"{formulation} LP, tolerance {tolerance or 'default'}: {problems[0]}")
    checked = "; ".join(failures)
    raise SolverFailed(f"the solver said Optimal but its answer failed the policy check: {checked}")
