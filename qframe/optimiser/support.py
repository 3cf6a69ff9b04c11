"""Improvement support: the best set of packages a support budget can buy (a MILP knapsack)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulp

from ._highs import SOLVER, Deadline, solve, values
from .errors import InvalidInput
from .recipients import pounds


@dataclass(frozen=True)
class Package:
    """A support package a recipient in escalation could receive."""

    recipient: str
    package_id: str
    cost_pence: int
    expected_gain: float  # expected points gained


@dataclass(frozen=True)
class SupportPlan:
    """The packages bought, sorted by recipient then package id."""

    chosen: tuple[Package, ...]
    total_cost_pence: int
    total_gain: float
    status: Literal["optimal"]
    solver: str = SOLVER


def _problems(packages: Sequence[Package], budget_pence: int) -> list[str]:
    problems = []
    if isinstance(budget_pence, bool) or not isinstance(budget_pence, int) or budget_pence < 0:
        problems.append(f"the support budget must be whole pence, at least 0, got {budget_pence!r}")
    counts = Counter((p.recipient, p.package_id) for p in packages)
    problems += [
        f"package {k[1]!r} for {k[0]!r} appears {n} times" for k, n in counts.items() if n > 1
    ]
    for p in packages:
        name = f"package {p.package_id!r} for {p.recipient!r}"
        cost, gain = p.cost_pence, p.expected_gain
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
            problems.append(f"{name}: cost must be whole pence, at least 0, got {cost!r}")
        if not isinstance(gain, int | float) or not math.isfinite(gain) or gain < 0:
            problems.append(f"{name}: expected gain must be a number, at least 0, got {gain!r}")
    return problems


def plan_improvement_support(
    packages: Sequence[Package], budget_pence: int, time_limit_s: float = 60
) -> SupportPlan:
    """At most one package per recipient, within budget, maximising expected gain.

    Among plans with the largest gain the cheapest is chosen (a second solve). Packages that
    gain nothing or cost more than the whole budget are never chosen.
    """
    problems = _problems(packages, budget_pence)
    if problems:
        raise InvalidInput(problems)
    deadline = Deadline.start(time_limit_s)
    options = sorted(
        (p for p in packages if p.expected_gain > 0 and p.cost_pence <= budget_pence),
        key=lambda p: (p.recipient, p.package_id),
    )
    if not options:
        return SupportPlan((), 0, 0.0, "optimal", "none: no package fits the budget")
    prob = pulp.LpProblem("improvement_support", pulp.LpMaximize)
    by_index = prob.add_variable_dicts("buy", range(len(options)), cat="Binary")
    buy: list[pulp.LpVariable] = [by_index[i] for i in range(len(options))]
    groups: defaultdict[str, list[pulp.LpVariable]] = defaultdict(list)
    for var, p in zip(buy, options, strict=True):
        groups[p.recipient].append(var)
    for group in groups.values():
        if len(group) > 1:
            prob += pulp.lpSum_vars(group) <= 1
    cost = pulp.lpSum_vars_coefs(
        [(v, float(p.cost_pence)) for v, p in zip(buy, options, strict=True)]
    )
    gain = pulp.lpSum_vars_coefs(
        [(v, float(p.expected_gain)) for v, p in zip(buy, options, strict=True)]
    )
    prob += cost <= budget_pence
    prob.setObjective(gain)
    best = solve(prob, deadline, mip=True).objective
    prob += gain >= best - 1e-9 * max(1.0, abs(best))
    prob.sense = pulp.LpMinimize
    prob.setObjective(cost)
    solve(prob, deadline, mip=True)
    chosen = tuple(p for p, x in zip(options, values(buy), strict=True) if x > 0.5)
    total_cost = sum(p.cost_pence for p in chosen)
    if total_cost > budget_pence:  # integrality tolerance must never overspend the budget
        raise InvalidInput([f"the plan costs {pounds(total_cost)}, over the budget"])
    gained = math.fsum(p.expected_gain for p in chosen)
    return SupportPlan(chosen, total_cost, gained, "optimal")
