"""CMS Hospital Value-Based Purchasing points (domain.md §5, vbp method), in exact arithmetic.

Every input becomes a `Fraction` (a float through its shortest decimal text, so 0.7 is 7/10,
not 0.6999…): CMS's half-points (0.7 with AT 0.6 and BM 0.9 gives exactly 3.5, rounded to 4)
round the way CMS rounds them only when nothing is lost to binary floats.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import fmean, median

from qframe.engine.errors import InvalidInput, InvalidThresholds, InvalidWeights
from qframe.engine.types import Polarity, check_polarity

Number = Decimal | float | int | Fraction


@dataclass(frozen=True, slots=True)
class VbpPoints:
    """Achievement and improvement points, and the score (their maximum)."""

    achievement: int
    improvement: int
    points: int


def exact(value: Number) -> Fraction:
    """An exact fraction: a float through its shortest decimal text; NaN and infinity refused."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("vbp inputs must be finite")
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInput("vbp inputs must be finite")
    return Fraction(value)


def half_up(value: Fraction) -> int:
    """Round to a whole number, halves away from minus infinity (CMS: 3.5 → 4, 2.5 → 3)."""
    return math.floor(value + Fraction(1, 2))


def vbp_thresholds(baseline_values: Sequence[float], polarity: Polarity) -> tuple[float, float]:
    """Return (AT, BM): the median, and the mean of the best ceil(n/10) values (top decile)."""
    check_polarity(polarity)
    values = [float(v) for v in baseline_values]
    if not values:
        raise InvalidInput("vbp thresholds need at least one baseline value")
    if not all(math.isfinite(v) for v in values):
        raise InvalidInput("baseline values must be finite")
    best_first = sorted(values, reverse=polarity == "higher_is_better")
    top = best_first[: math.ceil(len(values) / 10)]
    return median(values), fmean(top)


def exact_thresholds(
    baseline_values: Sequence[Number], polarity: Polarity
) -> tuple[Fraction, Fraction]:
    """(AT, BM) exactly: the median and the mean of the best ceil(n/10) baseline values."""
    check_polarity(polarity)
    values = sorted(exact(v) for v in baseline_values)
    if not values:
        raise InvalidInput("vbp thresholds need at least one baseline value")
    n = len(values)
    middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    best_first = values[::-1] if polarity == "higher_is_better" else values
    top = best_first[: math.ceil(n / 10)]
    return middle, sum(top, Fraction(0)) / len(top)


def vbp_points(
    x: Number, at: Number, bm: Number, baseline: Number | None, polarity: Polarity
) -> VbpPoints:
    """Score performance x: 10 at the benchmark, else max(achievement 1..9, improvement 0..9).

    Improvement is 9 when x reaches the benchmark and beats the baseline (even a baseline
    already beyond the benchmark), and 0 when x is no better than the baseline.
    """
    check_polarity(polarity)
    fx, fat, fbm = exact(x), exact(at), exact(bm)
    fb = None if baseline is None else exact(baseline)
    if polarity == "lower_is_better":
        # Negating every value turns "lower is better" into "higher is better" exactly.
        fx, fat, fbm = -fx, -fat, -fbm
        fb = None if fb is None else -fb
    if fat > fbm:
        raise InvalidThresholds("the benchmark must be at least as good as the threshold")
    improved = 0
    if fb is not None and fx > fb:
        if fx >= fbm:
            improved = 9
        else:
            improved = min(9, max(0, half_up(10 * (fx - fb) / (fbm - fb) - Fraction(1, 2))))
    if fx >= fbm:
        return VbpPoints(10, improved, 10)
    achieved = 0
    if fat <= fx:
        achieved = min(9, max(1, half_up(9 * (fx - fat) / (fbm - fat) + Fraction(1, 2))))
    return VbpPoints(achieved, improved, max(achieved, improved))


def domain_score(earned: float, possible: float) -> float | None:
    """Return earned / possible × 100, or None when no points were possible."""
    if not (math.isfinite(earned) and math.isfinite(possible)) or earned < 0 or possible < 0:
        raise InvalidInput("points must be finite and >= 0")
    if earned > possible:
        raise InvalidInput(f"earned {earned} exceeds possible {possible}")
    return None if possible == 0 else earned / possible * 100


def total_performance_score(
    domain_scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """Return Σ weight × score over scored domains, weights re-normalised to those domains."""
    unknown = sorted(set(domain_scores) - set(weights))
    if unknown:
        raise InvalidWeights(f"no weight for domain(s) {', '.join(unknown)}")
    if any(not math.isfinite(w) or w < 0 for w in weights.values()):
        raise InvalidWeights("weights must be finite and >= 0")
    scored = [(weights[d], s) for d, s in domain_scores.items() if s is not None]
    if any(not math.isfinite(s) for _, s in scored):
        raise InvalidInput("domain scores must be finite")
    total_weight = math.fsum(w for w, _ in scored)
    if total_weight == 0:
        return None
    return math.fsum(w * s for w, s in scored) / total_weight
