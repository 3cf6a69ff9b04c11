"""A funnel plot that scales to national data: points drawn as one SVG path per kind.

7,000 points as 7,000 elements make a page of megabytes; here each kind (alarm, alert,
within, better, small numbers) is one <path> whose sub-paths are the markers, so a point
costs about 20 bytes. Outliers on both sides are labelled (the most extreme, up to a limit).
Positions come from the same stored values and flags as the table, and the limit lines from
the engine (Wilson/arcsine for proportions, exact Poisson/log-normal for rates).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from qframe.engine.funnel import Z95, Z998
from qframe.engine.funnel_families import FunnelFamily, funnel_family
from qframe.engine.measure_types import measure_type
from qframe.scoring.charts import Frame, Scale, label, nice_ticks

KINDS = ("within", "small_numbers", "better_alert", "better_alarm", "alert", "alarm")
OUTLIERS = ("alarm", "alert", "better_alarm", "better_alert")
MAX_LABELS = 24
SAMPLES = 90


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """One result: its name, size (denominator or exposure), value (% or rate) and flag."""

    name: str
    size: float
    value: float
    flag: str


@dataclass
class Funnel(Frame):
    target_y: float | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)
    paths: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, d, count)
    labels: list[tuple[float, float, str, str, bool]] = field(default_factory=list)
    unlabelled: int = 0


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "alarm" or kind == "better_alarm":
        return f"M{x:.1f},{y - 5:.1f}l5,5-5,5-5-5z"
    if kind == "alert":
        return f"M{x:.1f},{y - 5:.1f}l5,9h-10z"
    if kind == "better_alert":
        return f"M{x:.1f},{y + 5:.1f}l5,-9h-10z"
    if kind == "small_numbers":
        return f"M{x - 3:.1f},{y - 3:.1f}l6,6m0,-6l-6,6"
    return f"M{x:.1f},{y:.1f}h0"


def family_of(measure: str) -> FunnelFamily:
    """The funnel family a measure type is drawn in; InvalidInput for one with no funnel."""
    name = measure_type(measure).funnel_family
    return funnel_family(name if name is not None else "")


def funnel_plot(
    points: Sequence[FunnelPoint],
    measure: str,
    target: float,
    tau2: float,
    x_title: str,
    y_title: str,
    multiplier: float = 1.0,
) -> Funnel:
    """Geometry of the plot; target is a share (0..1) or a rate per unit of exposure."""
    chart = Funnel(x_title=x_title, y_title=y_title)
    sizes = [p.size for p in points if p.size > 0]
    size_max = max(sizes + [10.0]) * 1.02
    size_min = max(min(sizes + [size_max]) * 0.8, 1e-9)
    first = max(size_min * 0.5, size_max * 1e-4)
    steps = [first * (size_max / first) ** (k / (SAMPLES - 1)) for k in range(SAMPLES)]
    family = family_of(measure)
    curves = {
        z: [(s, *family.limits(target, tau2, s, z, multiplier)) for s in steps] for z in (Z95, Z998)
    }
    centre = family.centre(target, multiplier) or 0.0
    seen = [c for c in curves[Z998] if c[0] >= size_min]
    values = [p.value for p in points] + [centre]
    values += [c[1] for c in seen] + [c[2] for c in seen]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    if family.ceiling is not None:
        hi = min(family.ceiling, hi)
    lo = max(0.0, lo)
    y_ticks = nice_ticks(lo, hi)
    y = Scale(y_ticks[0], y_ticks[-1], chart.bottom, chart.top)
    x_ticks = nice_ticks(0, size_max, count=8)
    x = Scale(0, x_ticks[-1], chart.left, chart.right)
    chart.x_ticks = [(x(t), label(t)) for t in x_ticks]
    chart.y_ticks = [(y(t), label(t)) for t in y_ticks]
    chart.target_y = y(centre)
    for z, css in ((Z95, "limit95"), (Z998, "limit998")):
        for side in (1, 2):
            line = [(x(c[0]), y(c[side])) for c in curves[z]]
            d = " ".join(f"{'M' if i == 0 else 'L'}{px},{py}" for i, (px, py) in enumerate(line))
            chart.lines.append((css, d))
    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    for p in points:
        kind = p.flag if p.flag in by_kind else "within"
        by_kind[kind].append(_marker(kind, x(p.size), y(p.value)))
    chart.paths = [(k, "".join(v), len(v)) for k, v in by_kind.items() if v]
    outliers = [p for p in points if p.flag in OUTLIERS]
    # The most extreme first: distance from the target relative to the 99.8% half-width.
    outliers.sort(key=lambda p: -abs(p.value - centre) * math.sqrt(max(p.size, 1e-9)))
    for p in outliers[:MAX_LABELS]:
        px, py = x(p.size), y(p.value)
        # Near the right edge the name runs leftwards so it stays on the plot.
        left = px > chart.right - 200
        chart.labels.append((px - 7 if left else px + 7, py - 6, p.name, p.flag, left))
    chart.unlabelled = max(0, len(outliers) - MAX_LABELS)
    return chart
