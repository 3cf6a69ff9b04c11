"""The measure types qframe ships with (domain.md §4): proportion, rate, value, yes/no, register,
and the indirectly standardised ratio (`measures_ratio`)."""

from collections.abc import Sequence
from decimal import Decimal
from math import isfinite

from qframe.engine.errors import InvalidInput
from qframe.engine.intervals import Interval, byar_interval, wilson_interval
from qframe.engine.measure_type import MeasureType
from qframe.engine.measures_ratio import RATIO

COUNTED_POPULATIONS = ("numerator", "denominator", "denominator-exclusion")


def check_counts(numerator: int, denominator: int, within: bool) -> None:
    """Raise InvalidInput for negative counts, or a numerator above a denominator it is within."""
    if numerator < 0 or denominator < 0:
        raise InvalidInput(f"counts must be >= 0, got {numerator}/{denominator}")
    if within and numerator > denominator:
        raise InvalidInput(f"numerator {numerator} exceeds denominator {denominator}")


def finite_value(value: float | None) -> float | None:
    """The value as given, or InvalidInput when it is not a finite number."""
    if value is not None and not isfinite(value):
        raise InvalidInput(f"value must be a finite number, got {value!r}")
    return value


def _proportion(n: int | None, d: int | None, _v: float | None, _m: float | None) -> float | None:
    if n is None or d is None:
        return None
    check_counts(n, d, True)
    # 100.0 * n / d (not n / d * 100) reproduces the published QOF figures exactly.
    return None if d == 0 else 100.0 * n / d


def _rate(n: int | None, d: int | None, _v: float | None, m: float | None) -> float | None:
    if n is None or d is None:
        return None
    check_counts(n, d, False)
    if d == 0:
        return None
    if m is None or not m > 0:
        raise InvalidInput("a rate needs a positive multiplier")
    return n / d * m


def _value(_n: int | None, _d: int | None, v: float | None, _m: float | None) -> float | None:
    value = finite_value(v)
    return None if value is None else float(value)


def _yes_no(_n: int | None, _d: int | None, v: float | None, _m: float | None) -> float | None:
    value = finite_value(v)
    if value is None:
        return None
    if value == 1:
        return 100.0
    if value == 0:
        return 0.0
    raise InvalidInput(f"a yes/no value must be 1 or 0, got {value!r}")


def _register(_n: int | None, _d: int | None, v: float | None, _m: float | None) -> float | None:
    value = finite_value(v)
    if value is None:
        return None
    if value < 0:
        raise InvalidInput(f"a register size cannot be negative, got {value!r}")
    return float(value)


def _wilson(n: int, d: float, _m: float | None) -> Interval | None:
    return wilson_interval(n, int(d))


def _byar(n: int, d: float, m: float | None) -> Interval | None:
    return byar_interval(n, d, m) if m else None


def _percentage(value: Decimal) -> str | None:
    ok = Decimal(0) <= value <= Decimal(100)
    return None if ok else "A proportion's value is a percentage from 0 to 100"


def _not_negative(value: Decimal) -> str | None:
    return "A rate cannot be negative" if value < 0 else None


def _one_or_zero(value: Decimal) -> str | None:
    return None if value in (Decimal(0), Decimal(1)) else "A yes/no value is 1 or 0"


def _all_yes(values: Sequence[float], _over_time: bool) -> float:
    return 1.0 if all(v == 1 for v in values) else 0.0


def _register_size(values: Sequence[float], over_time: bool) -> float:
    # Over time a register is its latest size; across units, their sum.
    return values[-1] if over_time else float(sum(values))


def _never(_a: float) -> bool:
    return False  # banded: points come from the band, never all or nothing


PROPORTION = MeasureType(
    "proportion", "Percentage of patients", counted=True, banded=True, percent=True,
    shown_as="percent",
    non_negative=True, needs_multiplier=False, within_denominator=True, achieve=_proportion,
    met=_never, interval=_wilson, funnel_family="proportion", fhir_scoring="proportion",
    fhir_populations=COUNTED_POPULATIONS, reported_value_problem=_percentage,
)  # fmt: skip
RATE = MeasureType(
    "rate", "Rate", counted=True, banded=True, percent=False, shown_as="rate", non_negative=True,
    needs_multiplier=True, within_denominator=False, achieve=_rate, met=_never,
    interval=_byar, funnel_family="rate", fhir_scoring="ratio",
    fhir_populations=COUNTED_POPULATIONS, reported_value_problem=_not_negative,
)  # fmt: skip
VALUE = MeasureType(
    "value", "Reported value", counted=False, banded=True, percent=False, shown_as="number",
    non_negative=False,
    needs_multiplier=False, within_denominator=False, achieve=_value, met=_never,
)  # fmt: skip
YES_NO = MeasureType(
    "yes_no", "Yes or no", counted=False, banded=False, percent=True, shown_as="yes_no",
    non_negative=True,
    needs_multiplier=False, within_denominator=False, achieve=_yes_no,
    met=lambda a: a == 100.0, reported_value_problem=_one_or_zero, combine=_all_yes,
)  # fmt: skip
REGISTER = MeasureType(
    "register", "Register kept", counted=False, banded=False, percent=False, shown_as="count",
    non_negative=True,
    needs_multiplier=False, within_denominator=False, achieve=_register, met=lambda a: a > 0,
    fhir_scoring="cohort", fhir_populations=("initial-population",),
    reported_value_problem=_not_negative, combine=_register_size,
)  # fmt: skip

BUILT_IN: tuple[MeasureType, ...] = (PROPORTION, RATE, VALUE, YES_NO, REGISTER, RATIO)
