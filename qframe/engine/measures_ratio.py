"""The indirectly standardised ratio (domain.md §7 "Rates and ratios"): observed / expected.

SHMI is the example: deaths observed in hospital or within 30 days of discharge, divided by the
deaths expected for the trust's case mix. The observed count is the numerator (a whole count);
the expected count is a decimal above 0 (the Measurements CSV `expected` column), which is
handed to `achieve` in the value's place. Its interval is the exact Poisson (Garwood,
chi-square form) interval of the observed count divided by the expected count; its funnel
family is "ratio" (limits around 1, log-scale random effects).
"""

from collections.abc import Sequence
from decimal import Decimal

from qframe.engine.errors import InvalidInput
from qframe.engine.intervals import Interval, ratio_interval
from qframe.engine.measure_type import MeasureType


def ratio_of(observed: int | None, expected: float | None) -> float | None:
    """observed / expected, or None when either is missing; InvalidInput on a bad count."""
    if observed is None or expected is None:
        return None
    if observed < 0:
        raise InvalidInput(f"an observed count cannot be negative, got {observed}")
    if not expected > 0 or expected == float("inf"):
        raise InvalidInput(f"an expected count must be a finite number above 0, got {expected}")
    return observed / expected


def _achieve(n: int | None, _d: int | None, v: float | None, _m: float | None) -> float | None:
    return ratio_of(n, v)


def _interval(observed: int, expected: float, _m: float | None) -> Interval | None:
    return ratio_interval(observed, expected)


def _ratio_value(value: Decimal) -> str | None:
    return "A ratio cannot be negative" if value < 0 else None


def _sum_of(values: Sequence[float], _over_time: bool) -> float:
    # Expected counts add up over units and sub-periods, as the observed counts do.
    return float(sum(values))


def _never(_a: float) -> bool:
    return False  # banded: points come from the band


RATIO = MeasureType(
    "ratio", "Ratio of observed to expected", counted=False, banded=True, percent=False,
    shown_as="ratio", non_negative=True, needs_multiplier=False, within_denominator=False,
    achieve=_achieve, met=_never, interval=_interval, funnel_family="ratio",
    fhir_scoring="ratio", fhir_populations=("numerator",),
    combine=_sum_of, reported_value_problem=_ratio_value, expected=True,
)  # fmt: skip
