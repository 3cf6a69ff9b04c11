"""Chart geometry for inline SVG (no script, no style attributes): funnel, SPC, bars, trend.

Functions here turn numbers into pixel coordinates and path strings; the templates in
templates/scoring/_charts.html draw them. Limits come from the engine, never from here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from qframe.engine.funnel import Z95, Z998, funnel_curve

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 56


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to pixels."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return round(self.start + (value - self.lo) / span * (self.end - self.start), 1)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (1, 2 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    # The first tick at or below lo and the last at or above hi, so nothing falls outside.
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def label(value: float) -> str:
    """A tick label without needless decimals: 0, 2.5, 1,000."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(points))


@dataclass
class Frame:
    """Plot area and axes shared by the charts."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""


@dataclass(frozen=True)
class Dot:
    """One plotted point: position, what it is (drives shape and colour) and its words."""

    x: float
    y: float
    kind: str
    text: str


@dataclass
class FunnelChart(Frame):
    target_y: float | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)  # (css class, path)
    dots: list[Dot] = field(default_factory=list)


def funnel_chart(
    rows: Sequence[tuple[str, int, float, str]], target: float, tau2: float, x_title: str
) -> FunnelChart:
    """A funnel plot of (name, denominator, proportion 0..1, flag) rows; limits from the engine."""
    chart = FunnelChart(x_title=x_title, y_title="Achievement (%)")
    n_max = max([n for _, n, _, _ in rows] + [10])
    n_min = max(1.0, min([n for _, n, _, _ in rows] + [n_max]) * 0.8)
    # The whole funnel from n = 1 is drawn (clipped to the plot area); the y range follows the
    # data and the limits over the denominators actually present.
    curves = {z: funnel_curve(target, n_max * 1.02, z, tau2, points=120) for z in (Z95, Z998)}
    seen = [c for c in curves[Z998] if c.n >= n_min]
    values = [p for _, _, p, _ in rows] + [target]
    values += [c.low for c in seen] + [c.high for c in seen]
    y_lo, y_hi = max(0.0, min(values) * 100 - 2), min(100.0, max(values) * 100 + 2)
    y_ticks = nice_ticks(y_lo, y_hi)
    y = Scale(y_ticks[0], y_ticks[-1], chart.bottom, chart.top)
    x_ticks = nice_ticks(0, n_max * 1.02, count=8)
    x = Scale(0, x_ticks[-1], chart.left, chart.right)
    chart.x_ticks = [(x(t), label(t)) for t in x_ticks]
    chart.y_ticks = [(y(t), label(t)) for t in y_ticks]
    chart.target_y = y(target * 100)
    for z, css in ((Z95, "limit95"), (Z998, "limit998")):
        for side in ("low", "high"):
            line = [(x(c.n), y(getattr(c, side) * 100)) for c in curves[z]]
            chart.lines.append((css, _path(line)))
    chart.dots = [
        Dot(x(n), y(p * 100), flag, f"{name}: {p * 100:.1f}% of {n:,} ({flag.replace('_', ' ')})")
        for name, n, p, flag in rows
    ]
    return chart


@dataclass
class SpcChart(Frame):
    mean_y: float | None = None
    ucl_y: float | None = None
    lcl_y: float | None = None
    target_y: float | None = None
    line: str = ""
    dots: list[Dot] = field(default_factory=list)


def spc_chart(
    labels: Sequence[str],
    values: Sequence[float],
    kinds: Sequence[str],
    mean: float | None,
    ucl: float | None,
    lcl: float | None,
    target: float | None,
    y_title: str,
    bounds: tuple[float | None, float | None] = (None, None),
) -> SpcChart:
    """An XmR chart: the series, its mean and process limits (from engine.spc), and a target;
    the axis stays within `bounds` (what the measure can be, e.g. 0 to 100 for a percentage)."""
    chart = SpcChart(width=WIDTH, height=300, bottom=300 - BOTTOM, y_title=y_title)
    known = [v for v in (*values, mean, ucl, lcl, target) if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or 1.0
    floor, ceiling = bounds
    lo = lo - pad if floor is None else max(lo - pad, floor)
    hi = hi + pad if ceiling is None else min(hi + pad, ceiling)
    y_ticks = [t for t in nice_ticks(lo, hi) if (floor is None or t >= floor)]
    y_ticks = [t for t in y_ticks if ceiling is None or t <= ceiling] or [lo, hi]
    y = Scale(y_ticks[0], y_ticks[-1], chart.bottom, chart.top)
    count = max(len(values) - 1, 1)
    x = Scale(0, count, chart.left + 10, chart.right - 10)
    every = max(1, math.ceil(len(labels) / 12))
    chart.x_ticks = [(x(i), text) for i, text in enumerate(labels) if i % every == 0]
    chart.y_ticks = [(y(t), label(t)) for t in y_ticks]
    for name, value in (("mean_y", mean), ("ucl_y", ucl), ("lcl_y", lcl), ("target_y", target)):
        setattr(chart, name, None if value is None else y(value))
    chart.line = _path([(x(i), y(v)) for i, v in enumerate(values)])
    chart.dots = [
        Dot(x(i), y(v), kind, f"{labels[i]}: {label(round(v, 2))} ({kind.replace('_', ' ')})")
        for i, (v, kind) in enumerate(zip(values, kinds, strict=True))
    ]
    return chart


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    max_width: float
    text: str


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    bars: list[Bar]


def bar_chart(rows: Sequence[tuple[str, float, float]], width: int = WIDTH) -> BarChart:
    """Horizontal bars of points earned against the maximum: rows are (label, earned, maximum)."""
    left, row_height = 220, 34
    top = max([m for _, _, m in rows] + [1.0])
    usable = width - left - 150
    bars = [
        Bar(
            name,
            10 + i * row_height,
            round(usable * earned / top, 1),
            round(usable * maximum / top, 1),
            f"{earned:,.1f} of {maximum:,.0f} points ({_share(earned, maximum):.1f}%)",
        )
        for i, (name, earned, maximum) in enumerate(rows)
    ]
    return BarChart(width, 20 + row_height * len(rows), left, bars)


def _share(part: float, whole: float) -> float:
    return part / whole * 100 if whole else 0.0


@dataclass
class TrendChart(Frame):
    line: str = ""
    dots: list[Dot] = field(default_factory=list)


def trend_chart(points: Sequence[tuple[str, float]], y_title: str) -> TrendChart:
    """Share of the maximum points in each period: points are (period label, percent)."""
    chart = TrendChart(height=240, bottom=240 - BOTTOM, y_title=y_title)
    y = Scale(0, 100, chart.bottom, chart.top)
    x = Scale(0, max(len(points) - 1, 1), chart.left + 30, chart.right - 30)
    chart.y_ticks = [(y(t), label(t)) for t in (0, 25, 50, 75, 100)]
    chart.x_ticks = [(x(i), name) for i, (name, _) in enumerate(points)]
    chart.line = _path([(x(i), y(v)) for i, (_, v) in enumerate(points)])
    chart.dots = [
        Dot(x(i), y(v), "trend", f"{name}: {v:.1f}%") for i, (name, v) in enumerate(points)
    ]
    return chart
