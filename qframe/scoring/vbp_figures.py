"""Exact performance figures of vbp observations, and a vbp column before its points."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from qframe.engine.batch import ScoredColumn
from qframe.engine.measure_types import measure_type
from qframe.engine.types import Status
from qframe.engine.vbp import exact
from qframe.scoring.rollup import Obs


def performance(measure: str, obs: Obs, multiplier: Decimal | None) -> Fraction | None:
    """The exact performance figure of an observation (None when there is none)."""
    numerator, denominator, value = obs
    kind = measure_type(measure)
    if kind.counted:
        if numerator is None or denominator is None or denominator == 0:
            return None
        if not kind.needs_multiplier:  # a percentage
            return Fraction(100 * numerator, denominator)
        return Fraction(numerator, denominator) * exact(multiplier or 1)
    return None if value is None else exact(value)


def vbp_column(measure: str, multiplier: Decimal | None, rows: Sequence[Obs]) -> ScoredColumn:
    """Achievement and status of a vbp column; its points come from `apply_vbp`."""
    achievement: list[float | None] = []
    status: list[Status] = []
    for obs in rows:
        figure = performance(measure, obs, multiplier)
        achievement.append(None if figure is None else float(figure))
        if figure is not None:
            status.append("scored")
        elif obs[1] == 0 and measure_type(measure).counted:
            status.append("no_eligible")
        else:
            status.append("missing")
    n = len(rows)
    return ScoredColumn(achievement, [0.0] * n, status, [False] * n)
