"""Health improvement plan inputs: projects, yearly budgets and capacity, checked before solving."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Project:
    """A proposed improvement project; years are indexes into the plan (0 = first year)."""

    project_id: str
    provider: str
    gain: float  # expected gain (points), with its plausible range below
    gain_low: float
    gain_high: float
    cost_pence: int  # per year while it runs
    duration: int  # whole years
    staff: int  # staff days per year while it runs
    prerequisites: tuple[str, ...] = ()
    earliest_start: int = 0


@dataclass(frozen=True)
class Horizon:
    """Per-year budgets (pence) and staff capacity (days) of the plan's years."""

    budgets_pence: tuple[int, ...]
    capacity: tuple[int, ...]

    @property
    def years(self) -> int:
        return len(self.budgets_pence)


@dataclass(frozen=True)
class InputProblem:
    """One reason the inputs cannot describe a plan; `project_id` None = about the horizon."""

    project_id: str | None
    field: str
    message: str


def _whole(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _horizon_problems(horizon: Horizon) -> list[InputProblem]:
    out = []
    if horizon.years == 0:
        out.append(InputProblem(None, "budgets", "the plan needs at least one year's budget"))
    if len(horizon.capacity) != horizon.years:
        out.append(InputProblem(None, "capacity", "give one staff capacity per budget year"))
    for i, value in enumerate(horizon.budgets_pence):
        if not _whole(value, 0):
            out.append(InputProblem(None, f"budgets[{i}]", "budget must be whole pence ≥ 0"))
    for i, value in enumerate(horizon.capacity):
        if not _whole(value, 0):
            out.append(InputProblem(None, f"capacity[{i}]", "capacity must be whole days ≥ 0"))
    return out


def _project_problems(p: Project, years: int, known: set[str]) -> list[InputProblem]:
    out = []

    def bad(field: str, message: str) -> None:
        out.append(InputProblem(p.project_id, field, message))

    if not _whole(p.cost_pence, 0):
        bad("cost", f"cost per year must be whole pence ≥ 0, got {p.cost_pence!r}")
    if not _whole(p.duration, 1):
        bad("duration", f"duration must be a whole number of years ≥ 1, got {p.duration!r}")
    if not _whole(p.staff, 0):
        bad("staff_days", f"staff time must be whole days ≥ 0, got {p.staff!r}")
    if not _whole(p.earliest_start, 0) or p.earliest_start >= max(years, 1):
        bad("earliest_start", f"earliest start must be one of the plan's {years} years")
    if not all(_number(v) and v >= 0 for v in (p.gain, p.gain_low, p.gain_high)):
        bad("gain", "expected gain and its range must be numbers ≥ 0")
    elif not p.gain_low <= p.gain <= p.gain_high:
        bad("gain", f"expected gain {p.gain:g} is outside its range {p.gain_low:g}–{p.gain_high:g}")
    for q in p.prerequisites:
        if q == p.project_id:
            bad("prerequisites", "a project cannot be its own prerequisite")
        elif q not in known:
            bad("prerequisites", f"prerequisite {q!r} is not a project in this plan")
    return out


def _cycles(projects: Sequence[Project]) -> list[InputProblem]:
    """Projects on a prerequisite cycle (A needs B needs A): none of them could ever start."""
    needs = {p.project_id: [q for q in p.prerequisites if q != p.project_id] for p in projects}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    on_cycle: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for q in needs.get(node, []):
            if state.get(q) == 1:
                on_cycle.update(path[path.index(q) :])
            elif q in needs and q not in state:
                visit(q, [*path, q])
        state[node] = 2

    for pid in sorted(needs):
        if pid not in state:
            visit(pid, [pid])
    return [
        InputProblem(pid, "prerequisites", "its prerequisites form a cycle back to itself")
        for pid in sorted(on_cycle)
    ]


def input_problems(
    projects: Sequence[Project], horizon: Horizon, min_projects_per_provider: int = 0
) -> list[InputProblem]:
    """Everything wrong with the inputs, in project order; empty when a plan can be sought."""
    out = _horizon_problems(horizon)
    counts = Counter(p.project_id for p in projects)
    out += [
        InputProblem(pid, "project_id", f"project {pid!r} appears {n} times")
        for pid, n in counts.items()
        if n > 1
    ]
    known = set(counts)
    for p in projects:
        out += _project_problems(p, horizon.years, known)
    out += _cycles(projects)
    if not _whole(min_projects_per_provider, 0):
        out.append(InputProblem(None, "minimum", "the minimum per provider must be whole ≥ 0"))
    elif min_projects_per_provider:
        per = Counter(p.provider for p in projects)
        out += [
            InputProblem(
                None,
                "minimum",
                f"provider {prov!r} proposed {n} project(s), fewer than the minimum of "
                f"{min_projects_per_provider} to fund per provider",
            )
            for prov, n in sorted(per.items())
            if n < min_projects_per_provider
        ]
    return out
