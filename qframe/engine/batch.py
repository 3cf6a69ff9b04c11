"""Score a column of observations of one indicator: `score_indicator`'s results, as columns.

A national run scores half a million rows; one result object per row costs more than the
arithmetic. The built-in counted types (proportion, rate) take a tight loop with the same
expressions as `achievement` and `threshold_points` (so the same floats); other types, and any
type added to the registry, go row by row through `score_indicator`.
tests/engine/test_batch.py checks every result against `score_indicator`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from qframe.engine.batch_columns import counted_columns
from qframe.engine.errors import InvalidInput
from qframe.engine.flags_columns import integer_columns
from qframe.engine.measure_types import measure_type
from qframe.engine.measures import PROPORTION, RATE
from qframe.engine.points import score_indicator
from qframe.engine.scoring_methods import scoring_method
from qframe.engine.types import IndicatorSpec, Observation, Status

ObsRow = tuple[int | None, int | None, float | None]  # numerator, denominator, value


@dataclass(frozen=True, slots=True)
class ScoredColumn:
    """Parallel lists: one entry per observation, in input order."""

    achievement: list[float | None]
    points: list[float]
    status: list[Status]
    breach: list[bool]


def score_column(spec: IndicatorSpec, rows: Sequence[ObsRow]) -> ScoredColumn:
    """Score every (numerator, denominator, value) row against one threshold indicator."""
    if not scoring_method(spec.method).own_band:
        raise InvalidInput(f"{spec.code}: vbp indicators are scored with engine.vbp")
    if measure_type(spec.measure) not in (PROPORTION, RATE):
        scored = [score_indicator(spec, Observation(*row)) for row in rows]
        return ScoredColumn(
            [s.achievement for s in scored],
            [s.points for s in scored],
            [s.status for s in scored],
            [s.breach for s in scored],
        )
    return _counted(spec, rows)


def _counted(spec: IndicatorSpec, rows: Sequence[ObsRow]) -> ScoredColumn:
    proportion = measure_type(spec.measure) is PROPORTION
    multiplier = spec.multiplier
    if not proportion and (multiplier is None or not multiplier > 0):
        raise InvalidInput("a rate needs a positive multiplier")
    lower, upper, g = spec.lower, spec.upper, spec.max_points
    if lower is None or upper is None:  # IndicatorSpec checks this; mypy cannot see it
        raise InvalidInput(f"{spec.code}: lower and upper thresholds are required")
    columns = integer_columns(list(map(itemgetter(0), rows)), list(map(itemgetter(1), rows)))
    if columns is not None:
        found = counted_columns(spec, (lower, upper), columns, proportion)
        if found is not None:
            return ScoredColumn(*found)
    higher = spec.polarity == "higher_is_better"
    small, floor = spec.min_denominator, spec.minimum_standard
    achievements: list[float | None] = []
    points: list[float] = []
    statuses: list[Status] = []
    breaches: list[bool] = []
    for numerator, denominator, _value in rows:
        if numerator is None or denominator is None:
            achievements.append(None)
            points.append(0.0)
            statuses.append("missing")
            breaches.append(False)
            continue
        if numerator < 0 or denominator < 0:
            raise InvalidInput(f"counts must be >= 0, got {numerator}/{denominator}")
        if proportion and numerator > denominator:
            raise InvalidInput(f"numerator {numerator} exceeds denominator {denominator}")
        if denominator == 0:
            achievements.append(None)
            points.append(0.0)
            statuses.append("no_eligible")
            breaches.append(False)
            continue
        # achievement() and _band_points(), expression for expression.
        if proportion:
            a = 100.0 * numerator / denominator
        else:
            a = numerator / denominator * multiplier  # type: ignore[operator]
        if higher:  # upper first: a step (lower == upper) is met at it
            p = g if a >= upper else 0.0 if a <= lower else g * (a - lower) / (upper - lower)
            breach = floor is not None and a < floor
        else:
            p = g if a <= upper else 0.0 if a >= lower else g * (lower - a) / (lower - upper)
            breach = floor is not None and a > floor
        achievements.append(a)
        points.append(p)
        statuses.append("small_numbers" if small is not None and denominator < small else "scored")
        breaches.append(breach)
    return ScoredColumn(achievements, points, statuses, breaches)
