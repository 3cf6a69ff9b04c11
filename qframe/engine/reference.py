"""Reference populations for funnels with too few local providers (domain.md §7).

From counts (every provider in qframe on the indicator and period, or a benchmark with
counts): θ = Σx/Σn and τ² by the winsorised random-effects estimate on the arcsine scale.
From values alone (a benchmark without counts): θ = their mean and τ² = the variance of
asin(√p), an upper bound that errs towards wider limits.
"""

import math
from collections.abc import Sequence

from qframe.engine.dispersion import random_effects, values_tau2
from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Reference

MIN_REFERENCE_UNITS = 10


def proportion_reference(
    counts: Sequence[tuple[int, int]], source: str, min_units: int = MIN_REFERENCE_UNITS
) -> Reference | None:
    """A proportion's reference from (numerator, denominator) pairs; None if too few."""
    used = [(x, n) for x, n in counts if n > 0]
    for x, n in used:
        if x < 0 or x > n:
            raise InvalidInput("need 0 <= numerator <= denominator")
    if len(used) < min_units:
        return None
    theta = sum(x for x, _ in used) / sum(n for _, n in used)
    angle = math.asin(math.sqrt(theta))
    z = [(math.asin(math.sqrt(x / n)) - angle) * 2 * math.sqrt(n) for x, n in used]
    _phi, tau2 = random_effects(z, [4 * n for _, n in used], min_units)
    return Reference(theta, tau2, source)


def proportion_reference_from_values(
    percents: Sequence[float], source: str, min_units: int = MIN_REFERENCE_UNITS
) -> Reference | None:
    """A proportion's reference from values (0..100) alone; None if too few."""
    if any(not 0 <= v <= 100 for v in percents):
        raise InvalidInput("percentages run from 0 to 100")
    if len(percents) < min_units:
        return None
    shares = [v / 100 for v in percents]
    angles = [math.asin(math.sqrt(p)) for p in shares]
    return Reference(math.fsum(shares) / len(shares), values_tau2(angles), source)


def rate_reference(
    counts: Sequence[tuple[int, float]], source: str, min_units: int = MIN_REFERENCE_UNITS
) -> Reference | None:
    """A rate's reference from (events, exposure): θ per unit exposure and τ² on the log scale."""
    used = [(x, t) for x, t in counts if t > 0]
    if any(x < 0 for x, _ in used):
        raise InvalidInput("event counts cannot be negative")
    if len(used) < min_units or sum(x for x, _ in used) == 0:
        return None
    theta = sum(x for x, _ in used) / math.fsum(t for _, t in used)
    expected = [theta * t for _, t in used]
    z = [math.log(max(x, 0.5) / e) * math.sqrt(e) for (x, _), e in zip(used, expected, strict=True)]
    _phi, tau2 = random_effects(z, expected, min_units)
    return Reference(theta, tau2, source)


def ratio_reference(
    counts: Sequence[tuple[int, float]], source: str, min_units: int = MIN_REFERENCE_UNITS
) -> Reference | None:
    """An indirectly standardised ratio's reference from (observed, expected): the target is 1
    (expected counts are standardised to the reference already) and τ² on the log scale."""
    used = [(x, e) for x, e in counts if e > 0]
    if any(x < 0 for x, _ in used):
        raise InvalidInput("observed counts cannot be negative")
    if len(used) < min_units:
        return None
    z = [math.log(max(x, 0.5) / e) * math.sqrt(e) for x, e in used]
    _phi, tau2 = random_effects(z, [e for _, e in used], min_units)
    return Reference(1.0, tau2, source)
