"""Achievement of one observation (domain.md §4), at full float precision."""

from qframe.engine.errors import InvalidInput
from qframe.engine.measure_types import measure_type
from qframe.engine.measures import check_counts as _check_counts
from qframe.engine.types import Measure


def achievement(
    measure: Measure,
    numerator: int | None,
    denominator: int | None,
    value: float | None,
    multiplier: float | None = None,
) -> float | None:
    """Return the achievement for a measure, or None when missing or denominator is 0."""
    return measure_type(measure).achieve(numerator, denominator, value, multiplier)


def check_counts(numerator: int, denominator: int, measure: Measure) -> None:
    """Raise InvalidInput for negative counts, or a numerator above a denominator it is within."""
    _check_counts(numerator, denominator, measure_type(measure).within_denominator)


def exclusion_rate(exclusions: int, denominator: int) -> float | None:
    """Return exclusions / (denominator + exclusions), NHS Digital's convention; None if both 0."""
    if exclusions < 0 or denominator < 0:
        raise InvalidInput("counts must be >= 0")
    total = denominator + exclusions
    return None if total == 0 else exclusions / total
