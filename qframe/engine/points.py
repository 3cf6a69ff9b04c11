"""Threshold-method points and whole-indicator scoring (domain.md §5)."""

from collections.abc import Iterable, Mapping

from qframe.engine.achievement import achievement
from qframe.engine.errors import InvalidInput, InvalidThresholds
from qframe.engine.measure_types import measure_type
from qframe.engine.scoring_methods import scoring_method
from qframe.engine.types import (
    IndicatorScore,
    IndicatorSpec,
    Observation,
    Polarity,
    Status,
    check_thresholds,
)

# One bulk row: indicator code, numerator, denominator, value.
ScoreRow = tuple[str, int | None, int | None, float | None]


def threshold_fraction(a: float, lower: float, upper: float, polarity: Polarity) -> float:
    """Return the share of the band achieved, clamped to [0, 1] (CQUIN's fraction)."""
    check_thresholds(lower, upper, polarity, "threshold")
    # The upper threshold is tested first, so that a step (lower == upper) is met at it.
    if polarity == "higher_is_better":
        if a >= upper:
            return 1.0
        return 0.0 if a <= lower else (a - lower) / (upper - lower)
    if a <= upper:
        return 1.0
    return 0.0 if a >= lower else (lower - a) / (lower - upper)


def threshold_points(
    a: float, lower: float, upper: float, max_points: float, polarity: Polarity
) -> float:
    """Return max_points × the clamped band fraction: 0 at the lower threshold, max at upper."""
    check_thresholds(lower, upper, polarity, "threshold")
    return _band_points(a, lower, upper, max_points, polarity)


def _band_points(a: float, lower: float, upper: float, g: float, polarity: Polarity) -> float:
    # G * (a - L) / (U - L), multiplied first: this order gives QOF's published digits.
    # The upper threshold is tested first, so that a step (lower == upper) is met at it.
    if polarity == "higher_is_better":
        if a >= upper:
            return g
        return 0.0 if a <= lower else g * (a - lower) / (upper - lower)
    if a <= upper:
        return g
    return 0.0 if a >= lower else g * (lower - a) / (lower - upper)


def is_breach(a: float, minimum_standard: float | None, polarity: Polarity) -> bool:
    """Return True when achievement is on the wrong side of the minimum standard."""
    if minimum_standard is None:
        return False
    if polarity == "higher_is_better":
        return a < minimum_standard
    return a > minimum_standard


def score_indicator(spec: IndicatorSpec, obs: Observation) -> IndicatorScore:
    """Score one observation with the threshold method: achievement, points, status, breach."""
    return _score(spec, obs.numerator, obs.denominator, obs.value)


def score_many(
    specs_by_code: Mapping[str, IndicatorSpec], rows: Iterable[ScoreRow]
) -> list[IndicatorScore]:
    """Score many (code, numerator, denominator, value) rows without building Observations."""
    out: list[IndicatorScore] = []
    append = out.append
    for code, numerator, denominator, value in rows:
        spec = specs_by_code.get(code)
        if spec is None:
            raise InvalidInput(f"unknown indicator code {code!r}")
        append(_score(spec, numerator, denominator, value))
    return out


def _score(
    spec: IndicatorSpec, numerator: int | None, denominator: int | None, value: float | None
) -> IndicatorScore:
    if not scoring_method(spec.method).own_band:
        raise InvalidInput(f"{spec.code}: vbp indicators are scored with engine.vbp")
    g = spec.max_points
    measure = spec.measure
    kind = measure_type(measure)
    counted = kind.counted
    if counted and (numerator is None or denominator is None):
        return IndicatorScore(None, 0.0, g, "missing", False)
    a = achievement(measure, numerator, denominator, value, spec.multiplier)
    if a is None:
        if counted:
            return IndicatorScore(None, 0.0, g, "no_eligible", False)
        return IndicatorScore(None, 0.0, g, "missing", False)
    if kind.banded:
        lower, upper = spec.lower, spec.upper
        if lower is None or upper is None:  # IndicatorSpec checks this; mypy cannot see it
            raise InvalidThresholds(f"{spec.code}: lower and upper thresholds are required")
        points = _band_points(a, lower, upper, g, spec.polarity)
    else:
        points = g if kind.met(a) else 0.0
    status: Status = "scored"
    small = spec.min_denominator
    if counted and small is not None and denominator is not None and denominator < small:
        status = "small_numbers"
    return IndicatorScore(a, points, g, status, is_breach(a, spec.minimum_standard, spec.polarity))
