"""Intervals and Fingertips comparisons for pages, CSVs and snapshots (domain.md §7)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qframe.engine.errors import EngineError
from qframe.engine.funnel_families import funnel_family
from qframe.engine.intervals import Comparison, Interval, compare
from qframe.engine.measure_types import is_measure, measure_interval, measure_type

COMPARISON_WORDS: dict[str, str] = {
    "better": "Better than the benchmark (its 95% interval excludes it)",
    "worse": "Worse than the benchmark (its 95% interval excludes it)",
    "similar": "Similar to the benchmark (its 95% interval includes it)",
    "higher": "Higher than the benchmark",
    "lower": "Lower than the benchmark",
    "not_compared": "Not compared",
}
BASIS_WORDS = {
    0: "the providers in this run",
    1: "every provider in qframe on this indicator",
    2: "the imported benchmark",
}


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def result_interval(
    measure: str,
    numerator: int | None,
    denominator: int | None,
    multiplier: Decimal | float | None,
    expected: float | None = None,
) -> Interval | None:
    """The 95% interval of a stored result, in its own units; None where there is none
    (`expected`: a ratio's expected count, its base in place of the denominator)."""
    try:
        return measure_interval(measure, numerator, denominator, _float(multiplier), expected)
    except EngineError:
        return None


def benchmark_value(
    measure: str, stat: dict[str, Any] | None, multiplier: Decimal | float | None
) -> float | None:
    """The run's funnel target in the result's units (a percentage, or a rate per multiplier)."""
    target = (stat or {}).get("target")
    if target is None:
        return None
    family = measure_type(measure).funnel_family if is_measure(measure) else None
    if family is None:
        return None
    return funnel_family(family).centre(float(target), _float(multiplier))


def comparison(
    interval: Interval | None, benchmark: float | None, polarity: str | None
) -> Comparison:
    """better / similar / worse by the interval (Fingertips), never by rank."""
    if polarity not in ("higher_is_better", "lower_is_better"):
        return compare(interval, benchmark, None)
    return compare(interval, benchmark, polarity)  # type: ignore[arg-type]
