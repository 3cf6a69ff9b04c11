"""Threshold calibration: what proposed thresholds would do to last period's results.

Pure: given achievements, count the providers below the band (no points), inside it (part)
and at or beyond it (full), and suggest thresholds at chosen percentiles or by the CMS VBP
convention (median and top-decile mean).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.errors import InvalidInput
from qframe.engine.points import threshold_fraction, threshold_points
from qframe.engine.types import Polarity, check_polarity, check_thresholds
from qframe.engine.vbp import vbp_thresholds


@dataclass(frozen=True, slots=True)
class BandCounts:
    """How many results score nothing, part or all of the points, and each one's points."""

    zero: int
    part: int
    full: int
    points: tuple[float, ...]

    @property
    def total_points(self) -> float:
        return math.fsum(self.points)


def band_counts(
    achievements: Sequence[float],
    lower: float,
    upper: float,
    max_points: float,
    polarity: Polarity,
) -> BandCounts:
    """Score each achievement with the threshold method and count the three outcomes."""
    check_thresholds(lower, upper, polarity, "calibration")
    zero = part = full = 0
    points = []
    for a in achievements:
        if not math.isfinite(a):
            raise InvalidInput("achievements must be finite")
        share = threshold_fraction(a, lower, upper, polarity)
        if share == 0.0:
            zero += 1
        elif share == 1.0:
            full += 1
        else:
            part += 1
        points.append(threshold_points(a, lower, upper, max_points, polarity))
    return BandCounts(zero, part, full, tuple(points))


def percentile(values: Sequence[float], pct: float) -> float:
    """The pct-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise InvalidInput("a percentile needs at least one value")
    if not 0 <= pct <= 100:
        raise InvalidInput("percentiles run from 0 to 100")
    ordered = sorted(float(v) for v in values)
    rank = pct / 100 * (len(ordered) - 1)
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def thresholds_at_percentiles(
    values: Sequence[float], polarity: Polarity, low_pct: float, high_pct: float
) -> tuple[float, float]:
    """(lower, upper) where lower is met by the best (100 − low_pct)% and upper by the best
    (100 − high_pct)%: percentiles of performance, so polarity is respected."""
    check_polarity(polarity)
    if not low_pct < high_pct:
        raise InvalidInput("the upper threshold's percentile must be above the lower one's")
    if polarity == "higher_is_better":
        return percentile(values, low_pct), percentile(values, high_pct)
    return percentile(values, 100 - low_pct), percentile(values, 100 - high_pct)


def vbp_convention(values: Sequence[float], polarity: Polarity) -> tuple[float, float]:
    """(lower, upper) by the CMS VBP convention: the median and the mean of the top decile."""
    return vbp_thresholds(values, polarity)
