"""Health improvement plan: which projects to fund and when each starts (a scheduling MILP).

x[p, s] = 1 when project p starts in year s (at most once; it must finish inside the plan and
not start before its earliest year). Each year's spend and staff time of the projects running
that year stay within the year's budget and capacity; a project starts only after every one of
its prerequisites has finished. Maximise the expected gain of the funded projects.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pulp

from ._highs import SOLVER, Deadline
from .errors import InvalidInput
from .portfolio_inputs import Horizon, Project, input_problems
from .portfolio_reasons import Rejected, Scheduled, why_not
from .portfolio_solve import solve_mip


@dataclass(frozen=True)
class Portfolio:
    """The funded projects and their starts, the rest with reasons, totals and solver figures."""

    scheduled: tuple[Scheduled, ...]
    rejected: tuple[Rejected, ...]
    total_gain: float
    gain_low: float
    gain_high: float
    spend_pence: tuple[int, ...]  # per year
    staff: tuple[int, ...]  # per year
    best_bound: float  # the solver's proven upper bound on the gain
    gap: float  # relative optimality gap, (bound - gain) / max(1, gain)
    build_seconds: float
    solve_seconds: float
    variables: int
    solver: str = SOLVER


def starts(p: Project, years: int) -> range:
    """The years a project may start in and still finish inside the plan."""
    return range(p.earliest_start, years - p.duration + 1)


def plan_portfolio(
    projects: Sequence[Project],
    horizon: Horizon,
    *,
    min_gain_per_million: Decimal = Decimal(0),
    min_projects_per_provider: int = 0,
    gap_rel: float = 0.0,
    time_limit_s: float = 60,
) -> Portfolio:
    """The plan with the most expected gain; InvalidInput (with every reason) before solving.

    Projects gaining less than `min_gain_per_million` points per £1m spent are not considered
    ("low gain per £"); each provider can be guaranteed `min_projects_per_provider` projects.
    """
    problems = input_problems(projects, horizon, min_projects_per_provider)
    if problems:
        raise InvalidInput([f"{p.project_id or 'plan'}: {p.field}: {p.message}" for p in problems])
    deadline = Deadline.start(time_limit_s)
    built = time.perf_counter()
    years = horizon.years
    cheap = {p.project_id for p in projects if not _low_value(p, min_gain_per_million)}
    by_id = {p.project_id: p for p in projects}
    prob = pulp.LpProblem("health_improvement_plan", pulp.LpMaximize)
    x: dict[tuple[str, int], pulp.LpVariable] = {}
    at: defaultdict[str, dict[int, pulp.LpVariable]] = defaultdict(dict)
    for i, p in enumerate(projects):
        if p.project_id in cheap:
            for s in starts(p, years):
                x[p.project_id, s] = at[p.project_id][s] = prob.add_variable(
                    f"x_{i}_{s}", cat="Binary"
                )
    for group in at.values():
        if len(group) > 1:
            prob += pulp.lpSum_vars(group.values()) <= 1
    money: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(years)]
    people: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(years)]
    for (pid, s), var in x.items():
        p = by_id[pid]
        for t in range(s, s + p.duration):
            money[t].append((var, float(p.cost_pence)))
            people[t].append((var, float(p.staff)))
    for t in range(years):
        if money[t]:
            prob += pulp.lpSum_vars_coefs(money[t]) <= horizon.budgets_pence[t]
            prob += pulp.lpSum_vars_coefs(people[t]) <= horizon.capacity[t]
    for (pid, s), var in x.items():
        for q in by_id[pid].prerequisites:
            done = [v for r, v in at[q].items() if r + by_id[q].duration <= s]
            prob += (var <= pulp.lpSum_vars(done)) if done else (var <= 0)
    if min_projects_per_provider:
        for provider in sorted({p.provider for p in projects}):
            mine = [v for (pid, _), v in x.items() if by_id[pid].provider == provider]
            prob += pulp.lpSum_vars(mine) >= min_projects_per_provider
    prob.setObjective(pulp.lpSum_vars_coefs([(v, by_id[pid].gain) for (pid, _), v in x.items()]))
    build_seconds = time.perf_counter() - built
    if not x:
        bound, solve_seconds = 0.0, 0.0
        if min_projects_per_provider:
            raise InvalidInput(["no project can be funded, so no provider's minimum can be met"])
    else:
        _objective, bound, solve_seconds = solve_mip(prob, deadline, gap_rel)
    chosen = {pid: s for (pid, s), v in x.items() if (v.varValue or 0.0) > 0.5}
    scheduled, rejected = why_not(projects, horizon, chosen, cheap)
    return _totals(scheduled, rejected, horizon, bound, build_seconds, solve_seconds, len(x))


def _low_value(p: Project, floor: Decimal) -> bool:
    if floor <= 0 or p.cost_pence == 0:
        return False
    spent_millions = Decimal(p.cost_pence * p.duration) / Decimal(100_000_000)
    return Decimal(repr(p.gain)) < floor * spent_millions


def _totals(
    scheduled: tuple[Scheduled, ...],
    rejected: tuple[Rejected, ...],
    horizon: Horizon,
    bound: float,
    build_seconds: float,
    solve_seconds: float,
    variables: int,
) -> Portfolio:
    spend, staff = [0] * horizon.years, [0] * horizon.years
    for s in scheduled:
        for t in range(s.start, s.end + 1):
            spend[t] += s.project.cost_pence
            staff[t] += s.project.staff
    gain = math.fsum(s.project.gain for s in scheduled)
    return Portfolio(
        scheduled,
        rejected,
        gain,
        math.fsum(s.project.gain_low for s in scheduled),
        math.fsum(s.project.gain_high for s in scheduled),
        tuple(spend),
        tuple(staff),
        bound,
        max(0.0, bound - gain) / max(1.0, abs(gain)),
        build_seconds,
        solve_seconds,
        variables,
    )
