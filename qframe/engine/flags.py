"""Funnel flags for a whole population at once: `funnel`'s flags, from plain columns.

`funnel` builds an object with all four limits for every provider. A score run only needs each
provider's flag, so this takes numerator and denominator columns and computes the limits on
the bad side only, with the same expressions as `funnel` and `funnel_limits` (so the same
floats and the same flags; tests/engine/test_flags.py checks it against `funnel`).
"""

import math
from collections.abc import Callable, Sequence
from statistics import quantiles

from qframe.engine.errors import InvalidInput
from qframe.engine.flags_columns import column_flags, integer_columns
from qframe.engine.funnel import Z95, Z998, Flag, Reference
from qframe.engine.funnel_summary import FunnelSummary
from qframe.engine.types import Polarity, check_polarity


def funnel_flags(
    numerators: Sequence[int | None],
    denominators: Sequence[int | None],
    polarity: Polarity,
    *,
    min_denominator: int | None = None,
    min_units: int = 10,
    reference: Reference | None = None,
) -> tuple[FunnelSummary, list[Flag]]:
    """Return the summary and, in input order, the flag `funnel` would give each provider.

    Whole columns at once (engine.flags_columns) where the counts are plain integers; row by
    row otherwise. Both give the same floats and flags (tests/engine/test_flags.py)."""
    check_polarity(polarity)
    if len(numerators) != len(denominators):
        raise InvalidInput("numerators and denominators must be the same length")
    columns = integer_columns(numerators, denominators)
    if columns is not None:
        return column_flags(*columns, polarity, min_denominator, min_units, reference)
    return flags_by_row(numerators, denominators, polarity, min_denominator, min_units, reference)


def flags_by_row(
    numerators: Sequence[int | None],
    denominators: Sequence[int | None],
    polarity: Polarity,
    min_denominator: int | None,
    min_units: int,
    reference: Reference | None,
) -> tuple[FunnelSummary, list[Flag]]:
    """funnel_flags one row at a time: the reference for the column version, and its fallback."""
    counted: list[tuple[int, int]] = []
    for x, n in zip(numerators, denominators, strict=True):
        if x is None or n is None:
            continue
        if x < 0 or x > n:
            raise InvalidInput("need 0 <= numerator <= denominator")
        if n > 0:
            counted.append((x, n))
    total_den = sum(n for _, n in counted)
    if total_den == 0:
        return FunnelSummary(None, None, 0.0), ["no_data"] * len(numerators)
    theta = sum(x for x, _ in counted) / total_den
    small = min_denominator
    eligible = counted if small is None else [(x, n) for x, n in counted if n >= small]
    phi, tau2 = _overdispersion(theta, eligible, min_units)
    basis, provisional = "local", phi is None
    if phi is None and reference is not None:
        theta, tau2, basis, provisional = reference.target, reference.tau2, reference.source, False
    higher = polarity == "higher_is_better"
    limit = _limit_function(theta, tau2, higher)
    good = _limit_function(theta, tau2, not higher)
    # Denominators repeat a great deal across a population: compute each limit once per n.
    known95: dict[int, float] = {}
    good95: dict[int, float] = {}
    flags: list[Flag] = []
    append = flags.append
    for x, n in zip(numerators, denominators, strict=True):
        if x is None or n is None or n <= 0:
            append("no_data")
        elif small is not None and n < small:
            append("small_numbers")
        else:
            share = x / n
            bound95 = known95.get(n)
            if bound95 is None:
                bound95 = known95[n] = limit(n, Z95)
            if (share >= bound95) if higher else (share <= bound95):
                bound = good95.get(n)
                if bound is None:
                    bound = good95[n] = good(n, Z95)
                if (share <= bound) if higher else (share >= bound):
                    append("within")
                else:
                    beyond = good(n, Z998)
                    far = share > beyond if higher else share < beyond
                    append("better_alarm" if far else "better_alert")
            else:
                bound998 = limit(n, Z998)
                worse = share < bound998 if higher else share > bound998
                append("alarm" if worse else "alert")
    return FunnelSummary(theta, phi, tau2, provisional, basis), flags


def _overdispersion(
    theta: float, used: Sequence[tuple[int, int]], min_units: int
) -> tuple[float | None, float]:
    # funnel._overdispersion term for term, on (numerator, denominator) pairs.
    count = len(used)
    if count < max(2, min_units):
        return None, 0.0
    asin, sqrt = math.asin, math.sqrt
    target = asin(sqrt(theta))
    z = [(asin(sqrt(x / n)) - target) * 2 * sqrt(n) for x, n in used]
    deciles = quantiles(z, n=10, method="inclusive")
    low, high = deciles[0], deciles[-1]
    # Winsorised: min(max(v, low), high), written out (the same value, half the calls).
    phi = math.fsum([(low if v < low else high if v > high else v) ** 2 for v in z]) / count
    if count * phi <= count - 1:
        return phi, 0.0
    sum_w = sum(4 * n for _, n in used)
    sum_w2 = sum((4 * n) ** 2 for _, n in used)
    return phi, (count * phi - (count - 1)) / (sum_w - sum_w2 / sum_w)


def _limit_function(theta: float, tau2: float, higher: bool) -> Callable[[int, float], float]:
    # funnel_limits' own expressions, one side only, so the floats agree exactly.
    if tau2 <= 0:

        def wilson(n: int, z: float) -> float:
            z2 = z * z
            centre = 2 * n * theta + z2
            spread = z * math.sqrt(z2 + 4 * n * theta * (1 - theta))
            if higher:
                return max(0.0, min((centre - spread) / (2 * (n + z2)), theta))
            return min(1.0, max((centre + spread) / (2 * (n + z2)), theta))

        return wilson
    angle = math.asin(math.sqrt(theta))

    def arcsine(n: int, z: float) -> float:
        half = z * math.sqrt(1 / (4 * n) + tau2)
        if higher:
            return min(math.sin(max(0.0, angle - half)) ** 2, theta)
        return max(math.sin(min(math.pi / 2, angle + half)) ** 2, theta)

    return arcsine
