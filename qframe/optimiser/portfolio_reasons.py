"""Why each project was or was not funded, checked against the chosen plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .portfolio_inputs import Horizon, Project

Reason = Literal["low_value", "horizon", "no_gain", "prerequisite", "budget", "capacity", "gap"]


@dataclass(frozen=True)
class Scheduled:
    """A funded project, running from year `start` to year `end` inclusive (0 = first year)."""

    project: Project
    start: int
    end: int


@dataclass(frozen=True)
class Rejected:
    """A project not funded and why; `year` (0-based) is where the budget or capacity binds."""

    project: Project
    reason: Reason
    detail: str
    year: int | None = None
    blockers: tuple[str, ...] = ()


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def _ready_year(p: Project, chosen: dict[str, int], by_id: dict[str, Project]) -> int:
    """The first year every prerequisite has finished (prerequisites are all funded)."""
    return max([p.earliest_start] + [chosen[q] + by_id[q].duration for q in p.prerequisites])


def why_not(
    projects: Sequence[Project], horizon: Horizon, chosen: dict[str, int], considered: set[str]
) -> tuple[tuple[Scheduled, ...], tuple[Rejected, ...]]:
    """The funded projects by start year, and for each of the others the binding reason."""
    years = horizon.years
    by_id = {p.project_id: p for p in projects}
    money, staff = list(horizon.budgets_pence), list(horizon.capacity)
    scheduled = []
    for pid, s in chosen.items():
        p = by_id[pid]
        scheduled.append(Scheduled(p, s, s + p.duration - 1))
        for t in range(s, s + p.duration):
            money[t] -= p.cost_pence
            staff[t] -= p.staff
    scheduled.sort(key=lambda x: (x.start, x.project.project_id))
    rejected = [
        _reason(p, years, chosen, by_id, considered, money, staff)
        for p in sorted(projects, key=lambda p: p.project_id)
        if p.project_id not in chosen
    ]
    return tuple(scheduled), tuple(rejected)


def _reason(
    p: Project,
    years: int,
    chosen: dict[str, int],
    by_id: dict[str, Project],
    considered: set[str],
    money: list[int],
    staff: list[int],
) -> Rejected:
    if p.project_id not in considered:
        spent = Decimal(p.cost_pence * p.duration) / 100_000_000
        per = (Decimal(repr(p.gain)) / spent).quantize(Decimal("0.1"))
        return Rejected(p, "low_value", f"it gains {per} points per £1m spent, below the floor")
    if p.earliest_start + p.duration > years:
        return Rejected(
            p,
            "horizon",
            f"it needs {p.duration} year(s) from year {p.earliest_start + 1}, "
            f"beyond the plan's {years} year(s)",
        )
    if p.gain <= 0:
        return Rejected(p, "no_gain", "it is expected to gain nothing")
    unfunded = tuple(q for q in p.prerequisites if q not in chosen)
    if unfunded:
        return Rejected(
            p,
            "prerequisite",
            f"its prerequisite {', '.join(unfunded)} is not funded",
            blockers=unfunded,
        )
    ready = _ready_year(p, chosen, by_id)
    if ready + p.duration > years:
        return Rejected(
            p,
            "prerequisite",
            f"its prerequisites finish in year {ready}, too late for it to finish inside the plan",
            blockers=p.prerequisites,
        )
    options = range(ready, years - p.duration + 1)
    money_fits = [s for s in options if all(money[t] >= p.cost_pence for t in _run(p, s))]
    staff_fits = [s for s in options if all(staff[t] >= p.staff for t in _run(p, s))]
    if not money_fits:
        t = next(t for t in _run(p, ready) if money[t] < p.cost_pence)
        return Rejected(
            p,
            "budget",
            f"it needs {_pounds(p.cost_pence)} a year; year {t + 1} has "
            f"{_pounds(max(money[t], 0))} left after the funded projects",
            year=t,
        )
    if not set(money_fits) & set(staff_fits):
        s = money_fits[0]
        t = next(t for t in _run(p, s) if staff[t] < p.staff)
        return Rejected(
            p,
            "capacity",
            f"it needs {p.staff} staff days a year; year {t + 1} has "
            f"{max(staff[t], 0)} left after the funded projects",
            year=t,
        )
    return Rejected(p, "gap", "it fits beside the plan; it was left out within the optimality gap")


def _run(p: Project, s: int) -> range:
    return range(s, s + p.duration)
