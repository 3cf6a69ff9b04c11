"""A commitment's status from its data (pure: no Flask, no database).

met: the target is reached (at or before the due period); missed: the due period's result
falls short; on track: the latest result is on or better than the straight line from baseline
to target; at risk: it is behind that line; awaiting data: nothing measured since the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

STATUSES = ("met", "on track", "at risk", "missed", "awaiting data")
POLARITIES = ("higher_is_better", "lower_is_better")
TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Reading:
    """A measured result at the end of a period."""

    on: date
    value: float


def _at_least(value: float, bar: float, higher: bool) -> bool:
    slack = TOLERANCE * max(1.0, abs(bar))
    return value >= bar - slack if higher else value <= bar + slack


def expected_value(baseline: float, target: float, start: date, due: date, on: date) -> float:
    """The straight line from baseline (at start) to target (at due), read at `on`."""
    span = (due - start).days
    share = min(max((on - start).days / span, 0.0), 1.0) if span > 0 else 1.0
    return baseline + (target - baseline) * share


def target_problem(polarity: str, baseline: float, target: float) -> str | None:
    """Why a target cannot be a promise of improvement, or None when it is one."""
    if polarity not in POLARITIES:
        return f"unknown polarity {polarity!r}"
    if polarity == "higher_is_better" and not target > baseline:
        return "higher is better for this indicator, so the target must be above the baseline"
    if polarity == "lower_is_better" and not target < baseline:
        return "lower is better for this indicator, so the target must be below the baseline"
    return None


def commitment_status(
    polarity: str,
    baseline: float,
    target: float,
    start: date,
    due: date,
    readings: Sequence[Reading],
) -> str:
    """Derive the status from the readings after `start` (the baseline period's end)."""
    problem = target_problem(polarity, baseline, target)
    if problem is not None:
        raise ValueError(problem)
    if due <= start:
        raise ValueError("the due period must end after the baseline period")
    higher = polarity == "higher_is_better"
    after = sorted((r for r in readings if r.on > start), key=lambda r: r.on)
    if not after:
        return "awaiting data"
    by_due = [r for r in after if r.on <= due]
    if any(r.on >= due for r in after):
        final = by_due[-1] if by_due else after[0]
        return "met" if _at_least(final.value, target, higher) else "missed"
    latest = after[-1]
    if _at_least(latest.value, target, higher):
        return "met"
    line = expected_value(baseline, target, start, due, latest.on)
    return "on track" if _at_least(latest.value, line, higher) else "at risk"
