"""Shared literal aliases and frozen input/output dataclasses of the engine."""

from dataclasses import dataclass
from math import isfinite
from typing import Literal

from qframe.engine.errors import InvalidInput, InvalidThresholds
from qframe.engine.scoring_methods import known_scoring_method

# A name in the measure-type registry (engine.measure_types), e.g. "proportion" or "rate".
Measure = str
Polarity = Literal["higher_is_better", "lower_is_better"]
Status = Literal["scored", "no_eligible", "small_numbers", "missing"]
Method = Literal["threshold", "vbp"]

POLARITIES: tuple[Polarity, ...] = ("higher_is_better", "lower_is_better")


def check_polarity(polarity: str) -> None:
    """Raise InvalidInput unless polarity is one of the two known values."""
    if polarity not in POLARITIES:
        raise InvalidInput(f"unknown polarity {polarity!r}")


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """How one indicator is measured and scored (validated on construction)."""

    code: str
    measure: Measure
    polarity: Polarity
    method: Method
    max_points: float
    lower: float | None = None
    upper: float | None = None
    multiplier: float | None = None
    minimum_standard: float | None = None
    min_denominator: int | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        from qframe.engine.measure_types import is_measure, measure_type  # registry imports us

        if not is_measure(self.measure):
            raise InvalidInput(f"{self.code}: unknown measure {self.measure!r}")
        kind = measure_type(self.measure)
        check_polarity(self.polarity)
        method = known_scoring_method(self.method)
        if method is None:
            raise InvalidInput(f"{self.code}: unknown method {self.method!r}")
        if not isfinite(self.max_points) or self.max_points < 0:
            raise InvalidInput(f"{self.code}: max_points must be a finite number >= 0")
        if kind.needs_multiplier and (self.multiplier is None or not self.multiplier > 0):
            raise InvalidInput(f"{self.code}: a {self.measure} needs a positive multiplier")
        if self.min_denominator is not None and self.min_denominator < 0:
            raise InvalidInput(f"{self.code}: min_denominator must be >= 0")
        if self.minimum_standard is not None and not isfinite(self.minimum_standard):
            raise InvalidInput(f"{self.code}: minimum_standard must be finite")
        if method.own_band and kind.banded:
            check_thresholds(self.lower, self.upper, self.polarity, self.code)


def check_thresholds(lower: float | None, upper: float | None, polarity: str, code: str) -> None:
    """Raise InvalidThresholds unless both thresholds exist and run the polarity's way
    (or are equal: a step)."""
    if lower is None or upper is None or not (isfinite(lower) and isfinite(upper)):
        raise InvalidThresholds(f"{code}: lower and upper thresholds are required")
    # lower == upper is a step: full points at or beyond it, none before (QOF CVD-PP003(S)).
    if polarity == "higher_is_better" and not upper >= lower:
        raise InvalidThresholds(f"{code}: higher is better needs upper >= lower")
    if polarity == "lower_is_better" and not lower >= upper:
        raise InvalidThresholds(f"{code}: lower is better needs lower >= upper")


@dataclass(frozen=True, slots=True)
class Observation:
    """One submitted measurement; all fields None means missing."""

    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """The scored result of one observation against one indicator."""

    achievement: float | None
    points: float
    max_points: float
    status: Status
    breach: bool
