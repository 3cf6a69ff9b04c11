"""CMS Hospital Value-Based Purchasing scoring (domain.md §5, vbp method)."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, median

from qframe.engine.errors import InvalidInput, InvalidThresholds, InvalidWeights
from qframe.engine.types import Polarity, check_polarity


@dataclass(frozen=True, slots=True)
class VbpPoints:
    """Achievement and improvement points, and the score (their maximum)."""

    achievement: int
    improvement: int
    points: int


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


def _cms_round(x: float) -> int:
    # CMS rounds half up; the formulas already carry their own ±0.5, so this adds one more.
    return math.floor(x + 0.5)


def vbp_points(
    x: float, at: float, bm: float, baseline: float | None, polarity: Polarity
) -> VbpPoints:
    """Score performance x: 10 at the benchmark, else max(achievement 1..9, improvement 0..9)."""
    check_polarity(polarity)
    given = [x, at, bm] if baseline is None else [x, at, bm, baseline]
    if not all(math.isfinite(v) for v in given):
        raise InvalidInput("vbp inputs must be finite")
    if polarity == "lower_is_better":
        # Negating every value turns "lower is better" into "higher is better" exactly.
        x, at, bm = -x, -at, -bm
        baseline = None if baseline is None else -baseline
    if at > bm:
        raise InvalidThresholds("the benchmark must be at least as good as the threshold")
    if x >= bm:
        return VbpPoints(10, 0, 10)
    achieved = 0
    if at <= x:
        achieved = min(9, max(1, _cms_round(9 * (x - at) / (bm - at) + 0.5)))
    improved = 0
    if baseline is not None and baseline < x:
        improved = min(9, max(0, _cms_round(10 * (x - baseline) / (bm - baseline) - 0.5)))
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
