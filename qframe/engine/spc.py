"""NHS "Making Data Count" XmR charts: limits, special-cause rules, icons (domain.md §7)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Literal

from qframe.engine.errors import InvalidInput
from qframe.engine.types import Polarity, check_polarity

Variation = Literal["improving", "concerning", "common_cause"]
Assurance = Literal["pass", "fail", "hit_and_miss"]
Side = Literal["high", "low"]
RUN_LENGTH = 7
LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267  # moving ranges above this × their mean are screened out
MIN_POINTS = 15  # fewer points than this: limits are provisional
D2 = 1.128  # bias constant for moving ranges of two points: sigma = mean moving range / d2


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One value; special points carry the rule that fired first and the side it points to."""

    value: float
    special: bool
    rule: str | None
    side: Side | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the chart between rebases: its limits and the points it covers."""

    start: int
    end: int
    mean: float
    mr_bar: float
    ucl: float
    lcl: float
    baseline_points: int


@dataclass(frozen=True, slots=True)
class SpcResult:
    """Latest segment's mean, moving range and limits, the points, and the two MDC icons.

    provisional: the latest limits rest on fewer than 15 points (NHSRplotthedots)."""

    mean: float | None
    mr_bar: float | None
    ucl: float | None
    lcl: float | None
    points: tuple[SpcPoint, ...]
    variation: Variation
    assurance: Assurance | None
    segments: tuple[Segment, ...] = ()
    provisional: bool = True


def xmr(
    values: Sequence[float],
    polarity: Polarity,
    target: float | None = None,
    *,
    floor: float | None = None,
    baseline: int | None = None,
    rebase_at: Sequence[int] = (),
) -> SpcResult:
    """Build an XmR chart: mean ± 2.66 × screened mean moving range, four special-cause rules.

    floor: no limit below it (0 for counts and rates); baseline: limits fixed on the first
    points of each segment; rebase_at: indexes where a known change starts a new segment."""
    check_polarity(polarity)
    data = [float(v) for v in values]
    if not all(math.isfinite(v) for v in data) or (
        target is not None and not math.isfinite(target)
    ):
        raise InvalidInput("SPC values and target must be finite")
    if baseline is not None and baseline < 2:
        raise InvalidInput("a baseline needs at least 2 points")
    cuts = sorted({0, *(i for i in rebase_at if 0 < i < len(data)), len(data)})
    if any(b - a < 2 for a, b in zip(cuts, cuts[1:], strict=False)) or len(data) < 2:
        mean = fmean(data) if data else None
        plain = tuple(SpcPoint(v, False, None) for v in data)
        return SpcResult(mean, None, None, None, plain, "common_cause", None)
    segments: list[Segment] = []
    rules: list[tuple[str, Side] | None] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        part = data[a:b]
        base = part[:baseline] if baseline is not None else part
        mean, mr_bar = fmean(base), screened_mr_bar(base)
        ucl, lcl = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
        if floor is not None:
            lcl = max(lcl, floor)
        segments.append(Segment(a, b, mean, mr_bar, ucl, lcl, len(base)))
        rules += _rules(part, mean, ucl, lcl, 2 * mr_bar / D2)
    points = tuple(
        SpcPoint(v, r is not None, r[0] if r else None, r[1] if r else None)
        for v, r in zip(data, rules, strict=True)
    )
    last = segments[-1]
    return SpcResult(
        last.mean, last.mr_bar, last.ucl, last.lcl, points, _variation(points[-1], polarity),
        _assurance(last.ucl, last.lcl, target, polarity), tuple(segments),
        last.baseline_points < MIN_POINTS,
    )  # fmt: skip


def screened_mr_bar(values: Sequence[float]) -> float:
    """Mean moving range after dropping moving ranges above 3.267 × their mean."""
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    first = fmean(ranges)
    kept = [r for r in ranges if r <= SCREEN_FACTOR * first]
    return fmean(kept) if kept else first


def _rules(
    data: list[float], mean: float, ucl: float, lcl: float, two_sigma: float
) -> list[tuple[str, Side] | None]:
    # Rules are marked in priority order; a point keeps the first rule that marks it.
    found: list[tuple[str, Side] | None] = [None] * len(data)

    def mark(indexes: Sequence[int], rule: str, side: Side) -> None:
        for i in indexes:
            found[i] = found[i] or (rule, side)

    for i, v in enumerate(data):
        if v > ucl or v < lcl:
            mark([i], "outside_limits", "high" if v > ucl else "low")
    for i in range(len(data) - 2):
        window = range(i, i + 3)
        for side, beyond in (("high", mean + two_sigma), ("low", mean - two_sigma)):
            hits = [j for j in window if _near(data[j], side, beyond, ucl, lcl)]
            if len(hits) >= 2:
                mark(hits, "two_of_three", "high" if side == "high" else "low")
    sides = [1 if v > mean else -1 if v < mean else 0 for v in data]
    steps = [0] + [1 if b > a else -1 if b < a else 0 for a, b in zip(data, data[1:], strict=False)]
    # A shift needs 7 points on one side (a point on the mean breaks it); a trend needs
    # 7 points each higher (or lower) than the one before.
    for rule, signs, need in (("shift", sides, RUN_LENGTH), ("trend", steps, RUN_LENGTH - 1)):
        start = 0
        for i in range(1, len(data) + 1):
            if i == len(data) or signs[i] != signs[start] or signs[i] == 0:
                run = i - start
                if signs[start] != 0 and run >= need:
                    first = start if rule == "shift" else start - 1
                    mark(range(first, i), rule, "high" if signs[start] > 0 else "low")
                start = i
    return found


def _near(v: float, side: str, beyond: float, ucl: float, lcl: float) -> bool:
    # Beyond 2 sigma but still inside the limits (outside them is the first rule's).
    return beyond < v <= ucl if side == "high" else lcl <= v < beyond


def _variation(latest: SpcPoint, polarity: Polarity) -> Variation:
    # MDC icons describe the latest point: special cause there, or common cause.
    if not latest.special:
        return "common_cause"
    good: Side = "high" if polarity == "higher_is_better" else "low"
    return "improving" if latest.side == good else "concerning"


def _assurance(
    ucl: float, lcl: float, target: float | None, polarity: Polarity
) -> Assurance | None:
    if target is None:
        return None
    if lcl <= target <= ucl:
        return "hit_and_miss"
    limits_above = lcl > target
    return "pass" if limits_above == (polarity == "higher_is_better") else "fail"
