"""What a measure type is: every rule that depends on how an indicator is measured.

The registry (`measure_types`) holds one `MeasureType` per name; the rest of qframe asks it
instead of comparing names, so a new type is one definition and its tests.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import fmean

from qframe.engine.intervals import Interval

# (numerator, denominator, value, multiplier) -> achievement, or None when it cannot be had.
# A type with `expected` gets its expected count in the value's place (observed = numerator).
Achieve = Callable[[int | None, int | None, float | None, float | None], float | None]
# (numerator, base, multiplier) -> the 95% interval of one result, or None; the base is the
# denominator, or the expected count of a type with `expected`.
IntervalOf = Callable[[int, float, float | None], Interval | None]


def no_interval(_numerator: int, _denominator: float, _multiplier: float | None) -> Interval | None:
    """The interval of a type that has none (one reported value)."""
    return None


def mean_of(values: Sequence[float], _over_time: bool) -> float:
    """Several reported values (units, or sub-periods in time order) as one: their mean."""
    return fmean(values)


def any_reported_value(_value: Decimal) -> str | None:
    """No rule on a reported value beyond being a number."""
    return None


@dataclass(frozen=True, slots=True)
class MeasureType:
    """One measure type: how its results are had, checked, scored, compared and shown."""

    name: str
    words: str  # what is measured, in words ("Percentage of patients")
    counted: bool  # submitted as numerator and denominator (and exclusions), not one value
    banded: bool  # points on a band between two thresholds; else all or nothing (`met`)
    percent: bool  # thresholds (and achievements) are percentages, 0 to 100
    shown_as: str  # how a result reads: "percent" (96.2%), "yes_no", "rate", "count" or "number"
    non_negative: bool  # results and thresholds are never below 0
    needs_multiplier: bool  # a result is numerator / denominator × multiplier
    within_denominator: bool  # the numerator can never exceed the denominator
    achieve: Achieve
    met: Callable[[float], bool]  # an all-or-nothing type: does this achievement earn points
    interval: IntervalOf = no_interval
    funnel_family: str | None = None  # name in `funnel_families`, or None: no funnel plot
    fhir_scoring: str = "continuous-variable"  # HL7 measure-scoring code
    fhir_populations: tuple[str, ...] = ("measure-population", "measure-observation")
    # One value from several (units, or sub-periods in time order when over_time): one-value types.
    combine: Callable[[Sequence[float], bool], float] = mean_of
    # A benchmark or reported value in the type's own units: the problem in words, or None.
    reported_value_problem: Callable[[Decimal], str | None] = any_reported_value
    # Submitted as an observed count (the numerator) and an expected count (a decimal > 0,
    # the Measurements CSV `expected` column): an indirectly standardised ratio.
    expected: bool = False
