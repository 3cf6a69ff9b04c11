"""The trade-off curve of a health improvement plan: best gain at several budget levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .portfolio import plan_portfolio
from .portfolio_inputs import Horizon, Project

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


def scaled(horizon: Horizon, scale: Decimal) -> Horizon:
    """Every year's budget times `scale`, rounded down to whole pence; capacity unchanged."""
    budgets = tuple(int(Decimal(b) * scale) for b in horizon.budgets_pence)
    return Horizon(budgets, horizon.capacity)


def trade_off(
    projects: Sequence[Project],
    horizon: Horizon,
    scales: Sequence[Decimal] = SCALES,
    **options: object,
) -> tuple[CurvePoint, ...]:
    """Solve the plan at each budget scale (options as for plan_portfolio), in scale order."""
    points = []
    for scale in sorted(set(scales)):
        h = scaled(horizon, scale)
        plan = plan_portfolio(projects, h, **options)  # type: ignore[arg-type]
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
