"""Achievement of one observation (domain.md §4), at full float precision."""

from math import isfinite

from qframe.engine.errors import InvalidInput
from qframe.engine.types import Measure


def achievement(
    measure: Measure,
    numerator: int | None,
    denominator: int | None,
    value: float | None,
    multiplier: float | None = None,
) -> float | None:
    """Return the achievement for a measure, or None when missing or denominator is 0."""
    if measure == "proportion" or measure == "rate":
        if numerator is None or denominator is None:
            return None
        check_counts(numerator, denominator, measure)
        if denominator == 0:
            return None
        if measure == "proportion":
            # 100.0 * n / d (not n / d * 100) reproduces the published QOF figures exactly.
            return 100.0 * numerator / denominator
        if multiplier is None or not multiplier > 0:
            raise InvalidInput("a rate needs a positive multiplier")
        return numerator / denominator * multiplier
    if value is None:
        return None
    if not isfinite(value):
        raise InvalidInput(f"value must be a finite number, got {value!r}")
    if measure == "value":
        return float(value)
    if measure == "yes_no":
        if value == 1:
            return 100.0
        if value == 0:
            return 0.0
        raise InvalidInput(f"a yes/no value must be 1 or 0, got {value!r}")
    if measure == "register":
        if value < 0:
            raise InvalidInput(f"a register size cannot be negative, got {value!r}")
        return float(value)
    raise InvalidInput(f"unknown measure {measure!r}")


def check_counts(numerator: int, denominator: int, measure: Measure) -> None:
    """Raise InvalidInput for negative counts, or a proportion above its denominator."""
    if numerator < 0 or denominator < 0:
        raise InvalidInput(f"counts must be >= 0, got {numerator}/{denominator}")
    if measure == "proportion" and numerator > denominator:
        raise InvalidInput(f"numerator {numerator} exceeds denominator {denominator}")


def exclusion_rate(exclusions: int, denominator: int) -> float | None:
    """Return exclusions / (denominator + exclusions), NHS Digital's convention; None if both 0."""
    if exclusions < 0 or denominator < 0:
        raise InvalidInput("counts must be >= 0")
    total = denominator + exclusions
    return None if total == 0 else exclusions / total
