"""Confidence intervals for a provider's own value and Fingertips-style comparisons (§7).

Wilson score intervals for proportions, Byar's method for rates, exact Poisson (Garwood) for
a ratio's observed count. "Better" or "worse" only when the 95% interval excludes the
benchmark; otherwise "similar". Nothing here ranks.
"""

import math
from dataclasses import dataclass
from typing import Literal

from qframe.engine.errors import InvalidInput
from qframe.engine.limits import Z95, wilson_limits
from qframe.engine.poisson import exact_rate_interval
from qframe.engine.types import Polarity, check_polarity

Comparison = Literal["better", "similar", "worse", "higher", "lower", "not_compared"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A value with its interval, in the value's own units (percent, rate per multiplier)."""

    value: float
    low: float
    high: float


def wilson_interval(numerator: int, denominator: int, z: float = Z95) -> Interval:
    """Wilson score interval for numerator/denominator, as a percentage."""
    _check(numerator, denominator)
    if denominator == 0:
        raise InvalidInput("a proportion needs a denominator above 0")
    if numerator > denominator:
        raise InvalidInput("numerator exceeds denominator")
    p = numerator / denominator
    low, high = wilson_limits(p, denominator, z)
    return Interval(100.0 * numerator / denominator, 100 * low, 100 * high)


def byar_interval(events: int, exposure: float, multiplier: float, z: float = Z95) -> Interval:
    """Byar's approximation to the exact Poisson interval for events per exposure × multiplier."""
    _check(events, exposure)
    if not exposure > 0 or not multiplier > 0:
        raise InvalidInput("a rate needs exposure and a multiplier above 0")
    if events == 0:
        low_count = 0.0
    else:
        low_count = events * (1 - 1 / (9 * events) - z / (3 * math.sqrt(events))) ** 3
    up = events + 1
    high_count = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    scale = multiplier / exposure
    return Interval(events * scale, max(0.0, low_count) * scale, high_count * scale)


def ratio_interval(observed: int, expected: float, z: float = Z95) -> Interval:
    """Exact Poisson interval for an indirectly standardised ratio observed / expected."""
    _check(observed, expected)
    if not expected > 0:
        raise InvalidInput("a ratio needs an expected count above 0")
    low, high = exact_rate_interval(observed, z)
    return Interval(observed / expected, low / expected, high / expected)


def measure_interval(
    measure: str,
    numerator: int | None,
    denominator: int | None,
    multiplier: float | None,
    expected: float | None = None,
) -> Interval | None:
    """The 95% interval of one result, or None where the measure has none (values, yes/no)."""
    # The interval of each type is in the measure-type registry, which imports this module.
    from qframe.engine.measure_types import measure_interval as registered

    return registered(measure, numerator, denominator, multiplier, expected)


def compare(
    interval: Interval | None, benchmark: float | None, polarity: Polarity | None
) -> Comparison:
    """Fingertips: better/worse only when the interval excludes the benchmark."""
    if interval is None or benchmark is None:
        return "not_compared"
    if polarity is not None:
        check_polarity(polarity)
    if interval.low <= benchmark <= interval.high:
        return "similar"
    above = interval.low > benchmark
    if polarity is None:
        return "higher" if above else "lower"
    return "better" if above == (polarity == "higher_is_better") else "worse"


def _check(count: int, base: float) -> None:
    if count < 0 or base < 0 or not math.isfinite(base):
        raise InvalidInput("counts must be >= 0 and finite")
