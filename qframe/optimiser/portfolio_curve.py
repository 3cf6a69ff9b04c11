"""The trade-off curve of a health improvement plan: best gain at several budget levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import InvalidInput
from .portfolio import plan_portfolio
from .portfolio_inputs import Horizon, Project, input_problems

SCALES = (
    Decimal("0.25"),
    Decimal("0.5"),
    Decimal("0.75"),
    Decimal(1),
    Decimal("1.25"),
    Decimal("1.5"),
)


@dataclass(frozen=True)
class CurvePoint:
    """The best plan when every year's budget is `scale` times the plan's budget."""

    scale: Decimal
    budget_pence: int  # all years together
    spend_pence: int
    gain: float
    gain_low: float
    gain_high: float
    funded: int
    feasible: bool = True  # False: no plan meets the per-provider minimum at this budget


def scaled(horizon: Horizon, scale: Decimal) -> Horizon:
    """Every year's budget times `scale`, rounded down to whole pence; capacity unchanged."""
    budgets = tuple(int(Decimal(b) * scale) for b in horizon.budgets_pence)
    return Horizon(budgets, horizon.capacity)


def trade_off(
    projects: Sequence[Project],
    horizon: Horizon,
    scales: Sequence[Decimal] = SCALES,
    *,
    min_gain_per_million: Decimal = Decimal(0),
    min_projects_per_provider: int = 0,
    gap_rel: float = 0.0,
    time_limit_s: float = 60,
) -> tuple[CurvePoint, ...]:
    """Solve the plan at each budget scale (options as for plan_portfolio), in scale order."""
    problems = input_problems(projects, horizon, min_projects_per_provider)
    if problems:
        raise InvalidInput([f"{p.project_id or 'plan'}: {p.field}: {p.message}" for p in problems])
    points = []
    for scale in sorted(set(scales)):
        h = scaled(horizon, scale)
        try:
            plan = plan_portfolio(
                projects,
                h,
                min_gain_per_million=min_gain_per_million,
                min_projects_per_provider=min_projects_per_provider,
                gap_rel=gap_rel,
                time_limit_s=time_limit_s,
            )
        except InvalidInput:  # the inputs are sound, so only the minimum failed at this budget
            points.append(CurvePoint(scale, sum(h.budgets_pence), 0, 0.0, 0.0, 0.0, 0, False))
            continue
        points.append(
            CurvePoint(
                scale,
                sum(h.budgets_pence),
                sum(plan.spend_pence),
                plan.total_gain,
                plan.gain_low,
                plan.gain_high,
                len(plan.scheduled),
            )
        )
    return tuple(points)
