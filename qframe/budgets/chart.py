"""Burn chart geometry (pure): cumulative budget, actual and forecast as SVG polyline points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from qframe.budgets.calc import MONTH_NAMES, MONTHS
from qframe.web.svg import Scale, Tick

WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 36


@dataclass(frozen=True)
class BurnChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    budget: str
    actual: str
    forecast: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]


def short_money(pence: int) -> str:
    """Axis labels: £1.2m, £350k, £500."""
    pounds = Decimal(abs(pence)) / 100
    sign = "−" if pence < 0 else ""
    if pounds >= 1_000_000:
        return f"{sign}£{pounds / 1_000_000:.1f}m"
    if pounds >= 1000:
        return f"{sign}£{pounds / 1000:.0f}k"
    return f"{sign}£{pounds:.0f}"


def _nice_step(span: int) -> int:
    raw = max(span // 4, 1)
    power = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def burn_chart(
    budget_by_month: Sequence[int], actual_by_month: Sequence[int], closed: int, forecast: int
) -> BurnChart:
    """Cumulative budget for the year, cumulative actual to `closed`, then a straight forecast."""
    budget = [0, *accumulate(budget_by_month)]
    actual = [0, *accumulate(actual_by_month[:closed])]
    values = [*budget, *actual, forecast]
    step = _nice_step(max(values) - min(0, *values) or 100)
    low = min(0, *values) // step * step
    high = -(-max(*values, low + step) // step) * step
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    x, y = Scale(0, MONTHS, LEFT, right), Scale(low, high, bottom, TOP)

    def points(pairs: Sequence[tuple[int, int]]) -> str:
        return " ".join(f"{x(m)},{y(v)}" for m, v in pairs)

    forecast_points = [(closed, actual[-1]), (MONTHS, forecast)] if closed < MONTHS else []
    return BurnChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        budget=points(list(enumerate(budget))),
        actual=points(list(enumerate(actual))) if closed else "",
        forecast=points(forecast_points),
        y_ticks=tuple(Tick(y(v), short_money(v)) for v in range(low, high + 1, step)),
        x_ticks=tuple(Tick(x(m), MONTH_NAMES[m - 1][:3]) for m in range(1, MONTHS + 1)),
    )
