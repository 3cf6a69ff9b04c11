"""Exact Poisson limits on one fixed grid of expected counts, each worked out once.

A rate's or a ratio's funnel plot draws its exact Poisson limit lines through points; where
the points fall along the line is a choice of drawing, not of method. Drawn at expected counts
on one fixed grid, e = 2^(k/12) (twelve to a doubling, about 6% apart: the straight pieces
between them stay within 0.1% of the limit's distance from the centre line except across the size
where the lower limit leaves 0), every plot of every rate and ratio
draws through the same few hundred limits, and a limit at a given expected count is the same
number for ever. So each doubling's twelve limits are worked out together the first time a
plot needs them (by `ratio_curves.ratio_limit_curve`, started afresh for that doubling, so
the same bits whichever plot asked first) and kept: a few kilobytes for every plot to come.
"""

import math
from functools import lru_cache

from qframe.engine.errors import InvalidInput
from qframe.engine.ratio_curves import ratio_limit_curve

STEPS = 12  # grid points to a doubling of the expected count
DOUBLINGS_KEPT = 1024  # (each z apart): more than the grid from 1e-30 to 1e30 needs


def grid_count(k: int) -> float:
    """The k-th expected count on the grid: 2^(k/12)."""
    return math.pow(2.0, k / STEPS)


def grid_span(low: float, high: float) -> range:
    """The grid points that cover expected counts low to high: the last point at or below
    low, every point between and the first at or above high."""
    if not 0 < low <= high or not math.isfinite(high):
        raise InvalidInput("the expected counts to cover must be finite, above 0, low ≤ high")
    first = math.floor(STEPS * math.log2(low))
    while grid_count(first) > low:  # (log2 may round either way by an ulp)
        first -= 1
    last = math.ceil(STEPS * math.log2(high))
    while grid_count(last) < high:
        last += 1
    return range(first, last + 1)


def grid_limits(ks: range, z: float) -> list[tuple[float, float]]:
    """The exact (low, high) ratio limits with no overdispersion (τ² = 0) at grid_count(k)
    for each k: `ratios.ratio_limits` at those expected counts, kept once worked out."""
    limits: list[tuple[float, float]] = []
    for k in ks:
        doubling, step = divmod(k, STEPS)
        limits.append(_doubling(doubling, z)[step])
    return limits


@lru_cache(maxsize=DOUBLINGS_KEPT)
def _doubling(doubling: int, z: float) -> tuple[tuple[float, float], ...]:
    counts = [grid_count(doubling * STEPS + step) for step in range(STEPS)]
    return tuple(ratio_limit_curve(counts, z, 0.0))


def forget_grid() -> None:
    """Drop every limit kept (for measuring a first plot; the limits never change)."""
    _doubling.cache_clear()
