"""A funnel plot that scales to national data: points drawn as one SVG path per kind.

7,000 points as 7,000 elements make a page of megabytes; here each kind (alarm, alert,
within, better, small numbers) is one <path> whose sub-paths are the markers, so a point
costs about 20 bytes, worked out as arrays. Outliers on both sides are labelled (the most
extreme, up to a limit, none over another).
Positions come from the same stored values and flags as the table, and the limit lines from
the engine (Wilson/arcsine for proportions, exact Poisson/log-normal for rates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from qframe.engine.funnel import Z95, Z998
from qframe.engine.funnel_families import FunnelFamily, funnel_family, limit_lines
from qframe.engine.measure_types import measure_type
from qframe.scoring.charts import Frame, Scale, label, nice_ticks

KINDS = ("within", "small_numbers", "better_alert", "better_alarm", "alert", "alarm")
KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}  # any other flag: 0, within
OUTLIERS = ("alarm", "alert", "better_alarm", "better_alert")
MAX_LABELS = 24


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


# Each kind's marker as a format of its point's (x, y) (the point is the marker's centre).
MARKERS = {
    "alarm": ("M%.1f,%.1fl5,5-5,5-5-5z", 0.0, -5.0),
    "better_alarm": ("M%.1f,%.1fl5,5-5,5-5-5z", 0.0, -5.0),
    "alert": ("M%.1f,%.1fl5,9h-10z", 0.0, -5.0),
    "better_alert": ("M%.1f,%.1fl5,-9h-10z", 0.0, 5.0),
    "small_numbers": ("M%.1f,%.1fl6,6m0,-6l-6,6", -3.0, -3.0),
    "within": ("M%.1f,%.1fh0", 0.0, 0.0),
}
CHAR_WIDTH, LABEL_HEIGHT = 6.2, 12.0  # an 11px label's average character width and height


@dataclass(frozen=True, slots=True)
class Columns:
    """The points as columns: names, sizes, values and flags, in the same order. With
    name_of, names may be empty: only the names of the points that may be labelled (the
    most extreme few outliers) are asked of it, by position."""

    names: Sequence[str]
    sizes: Sequence[float] | np.ndarray
    values: Sequence[float] | np.ndarray
    flags: Sequence[str] | np.ndarray
    name_of: Callable[[list[int]], dict[int, str]] | None = None
    kinds: Mapping[str, np.ndarray] | None = None  # kind_positions(flags), if already known


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
    columns = Columns(
        [p.name for p in points], [p.size for p in points],
        [p.value for p in points], [p.flag for p in points],
    )  # fmt: skip
    return funnel_columns(columns, measure, target, tau2, x_title, y_title, multiplier)


def funnel_columns(
    points: Columns,
    measure: str,
    target: float,
    tau2: float,
    x_title: str,
    y_title: str,
    multiplier: float = 1.0,
) -> Funnel:
    """funnel_plot for points given as columns: 7,000 points are worked out as arrays."""
    chart = Funnel(x_title=x_title, y_title=y_title)
    sizes, values = np.asarray(points.sizes, float), np.asarray(points.values, float)
    positive = sizes[sizes > 0]
    size_max = max(float(positive.max()) if positive.size else 0.0, 10.0) * 1.02
    size_min = max((float(positive.min()) if positive.size else size_max) * 0.8, 1e-9)
    first = max(size_min * 0.5, size_max * 1e-4)
    family = family_of(measure)
    curves = {
        z: limit_lines(family, target, tau2, first, size_max, z, multiplier) for z in (Z95, Z998)
    }
    centre = family.centre(target, multiplier) or 0.0
    seen = [c for c in curves[Z998] if c[0] >= size_min]
    edges = [centre] + [c[1] for c in seen] + [c[2] for c in seen]
    if values.size:
        edges += [float(values.min()), float(values.max())]
    lo, hi = min(edges), max(edges)
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
    xs, ys = _pixels(x, sizes), _pixels(y, values)
    by_kind = points.kinds if points.kinds is not None else kind_positions(points.flags)
    for kind in KINDS:
        at = by_kind[kind]
        if at.size:
            shape, dx, dy = MARKERS[kind]
            chart.paths.append((kind, _markers(shape, xs[at] + dx, ys[at] + dy), int(at.size)))
    outliers = [i for kind in OUTLIERS for i in by_kind[kind].tolist()]
    _label(chart, points, np.asarray(outliers, int), (xs, ys, values, sizes), centre)
    return chart


def kind_positions(flags: Sequence[str] | np.ndarray) -> dict[str, np.ndarray]:
    """The positions of each kind's points, in order; any other flag (or none) is within."""
    codes = np.fromiter(map(KIND_CODES.get, flags, repeat(0)), np.int8, len(flags))
    return {kind: np.flatnonzero(codes == code) for kind, code in KIND_CODES.items()}


_TENTHS: list[np.ndarray] = []  # "%.1f" % (k / 10) for k = 0 … TENTHS - 1, made on first use
TENTHS = 30_000  # up to 3,000 px: past the plot's largest coordinate


def _markers(shape: str, xs: np.ndarray, ys: np.ndarray) -> str:
    """shape % (x, y) for every point, joined: the same text as formatting each pair with
    "%.1f", but 7,000 points' coordinates are looked up in a table of tenths as arrays."""
    x10, y10 = np.rint(xs * 10), np.rint(ys * 10)
    if not x10.size or min(x10.min(), y10.min()) < 0 or max(x10.max(), y10.max()) >= TENTHS:
        return "".join([shape % xy for xy in zip(xs.tolist(), ys.tolist(), strict=True)])
    if not _TENTHS:
        _TENTHS.append(np.array(["%.1f" % (k / 10) for k in range(TENTHS)], dtype=object))
    table = _TENTHS[0]
    head, middle, tail = shape.replace("%.1f", "\0").split("\0")
    # every point's five pieces side by side, joined once (no string made per point)
    parts = np.empty(5 * x10.size, dtype=object)
    parts[0::5], parts[2::5], parts[4::5] = head, middle, tail
    parts[1::5], parts[3::5] = table[x10.astype(np.int64)], table[y10.astype(np.int64)]
    return "".join(parts.tolist())


def _pixels(scale: Scale, values: np.ndarray) -> np.ndarray:
    """Scale(values) for an array: the same linear map, rounded to 0.1 px."""
    span = scale.hi - scale.lo or 1.0
    return np.round(scale.start + (values - scale.lo) / span * (scale.end - scale.start), 1)


def _label(
    chart: Funnel,
    points: Columns,
    outliers: np.ndarray,
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    centre: float,
) -> None:
    """Name the most extreme outliers on both sides, each where it overlaps no name already
    placed, or not at all; those left out are counted (the page lists them all)."""
    xs, ys, values, sizes = arrays
    # The most extreme first: distance from the target relative to the 99.8% half-width.
    extreme = -np.abs(values[outliers] - centre) * np.sqrt(np.maximum(sizes[outliers], 1e-9))
    placed: list[tuple[float, float, float, float]] = []
    # (the most extreme few times MAX_LABELS are tried: the rest are listed under the plot)
    tried = outliers[np.argsort(extreme, kind="stable")][: 4 * MAX_LABELS].tolist()
    names = points.names if points.name_of is None else points.name_of(tried)
    for i in tried:
        if len(placed) == MAX_LABELS:
            break
        px, py, name = float(xs[i]), float(ys[i]), names[i]
        width = CHAR_WIDTH * len(name)
        for left, dy in _places(px > chart.right - 200):
            x0 = px - 7 - width if left else px + 7
            box = (x0, py + dy - LABEL_HEIGHT, x0 + width, py + dy + 2)
            if x0 < 0 or x0 + width > chart.width:
                continue
            if not _overlaps_any(box, placed):
                placed.append(box)
                chart.labels.append(
                    (x0 + width if left else x0, py + dy, name, points.flags[i], left)
                )
                break
    chart.unlabelled = len(outliers) - len(chart.labels)


def _places(near_right: bool) -> list[tuple[bool, float]]:
    """Where a name may go, in order: beside the point on its side (leftwards near the right
    edge, so it stays on the plot), above the point and then below it; then the other side."""
    sides = (True, False) if near_right else (False, True)
    return [(left, dy) for left in sides for dy in (-6.0, 14.0)]


def _overlaps_any(box: tuple[float, ...], placed: list[tuple[float, float, float, float]]) -> bool:
    """Whether the box overlaps any placed one (a loop, not a call per pair: 24 names tried
    against each other in up to four places each)."""
    left, top, right, bottom = box
    for x0, y0, x1, y1 in placed:
        if left < x1 and x0 < right and top < y1 and y0 < bottom:
            return True
    return False
