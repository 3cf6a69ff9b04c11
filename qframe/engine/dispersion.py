"""Winsorised overdispersion and the additive random-effects τ² (Spiegelhalter 2005, §7)."""

import math
from collections.abc import Sequence
from statistics import quantiles


def random_effects(
    z: Sequence[float], weights: Sequence[float], min_units: int = 10
) -> tuple[float | None, float]:
    """(φ, τ²) from z-scores and weights w = 1/s²; z winsorised at the 10th/90th percentiles.

    φ is None below min_units units (too few to estimate); τ² is 0 unless Iφ > I − 1.
    """
    count = len(z)
    if count < max(2, min_units):
        return None, 0.0
    deciles = quantiles(z, n=10, method="inclusive")
    low, high = deciles[0], deciles[-1]
    phi = math.fsum(min(max(v, low), high) ** 2 for v in z) / count
    if count * phi <= count - 1:
        return phi, 0.0
    sum_w = math.fsum(weights)
    sum_w2 = math.fsum(w * w for w in weights)
    return phi, (count * phi - (count - 1)) / (sum_w - sum_w2 / sum_w)


def values_tau2(angles: Sequence[float]) -> float:
    """τ² from reference values without counts: their sample variance (an upper bound,
    since it also holds each value's sampling error, so limits err wide)."""
    if len(angles) < 2:
        return 0.0
    mean = math.fsum(angles) / len(angles)
    return math.fsum((a - mean) ** 2 for a in angles) / (len(angles) - 1)
