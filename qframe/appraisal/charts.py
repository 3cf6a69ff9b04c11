"""Geometry for the appraisal-rate trend, drawn as inline SVG by the templates (no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    rate: Decimal | None
    numerator: int
    denominator: int


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    points: list[Point]
    gridlines: list[tuple[float, int]]  # (y, percent)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points if p.rate is not None)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """Percentage with full precision (rounded only for display); None with no staff."""
    return None if denominator == 0 else Decimal(100 * numerator) / Decimal(denominator)


def trend_chart(
    series: list[tuple[date, int, int]], width: int = 640, height: int = 220, small: bool = False
) -> TrendChart:
    """Place each month's rate on a 0–100% scale, oldest on the left."""
    left, top, bottom, right = (2, 2, 2, 2) if small else (44, 12, 30, 12)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(series) - 1, 1)
    points = []
    for i, (day, num, den) in enumerate(series):
        value = rate(num, den)
        y = top + plot_h * (1 - float(value) / 100) if value is not None else top + plot_h
        points.append(Point(left + i * step, y, day, value, num, den))
    grid = [] if small else [(top + plot_h * (1 - p / 100), p) for p in (0, 25, 50, 75, 100)]
    return TrendChart(width, height, left, top, height - bottom, points, grid)
