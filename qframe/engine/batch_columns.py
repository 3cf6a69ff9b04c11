"""`batch._counted` over whole numpy columns: the same floats, without a Python step per row.

achievement() and _band_points() are +, −, ×, ÷ and comparisons, which numpy rounds as Python
does (IEEE, correctly rounded, in the same order), so every achievement and every point is the
same float. Counts that are not plain integers below 2**53, and any row the engine refuses, go
back to the row-by-row loop (which names the first bad row).
"""

import math

import numpy as np

from qframe.engine.flags_columns import Floats, Ints, Mask
from qframe.engine.types import IndicatorSpec, Status

Scored = tuple[list[float | None], list[float], list[Status], list[bool]]


def counted_columns(
    spec: IndicatorSpec,
    band: tuple[float, float],
    columns: tuple[Ints, Ints, Mask],
    proportion: bool,
) -> Scored | None:
    """Achievements, points, statuses and breaches from (numerators, denominators, present)
    and the (lower, upper) band; None when a row would be refused."""
    xs, ns, present = columns
    if np.any(present & ((xs < 0) | (ns < 0) | ((xs > ns) if proportion else False))):
        return None
    (lower, upper), g = band, spec.max_points
    valid = present & (ns > 0)
    safe = np.where(valid, ns, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if proportion:
            a: Floats = 100.0 * xs / safe
        else:
            a = xs / safe * (math.nan if spec.multiplier is None else spec.multiplier)
        if spec.polarity == "higher_is_better":  # upper first: a step is met at it
            part = g * (a - lower) / (upper - lower)
            p = np.where(a >= upper, g, np.where(a <= lower, 0.0, part))
            breach = a < spec.minimum_standard if spec.minimum_standard is not None else None
        else:
            part = g * (lower - a) / (lower - upper)
            p = np.where(a <= upper, g, np.where(a >= lower, 0.0, part))
            breach = a > spec.minimum_standard if spec.minimum_standard is not None else None
    small = spec.min_denominator
    status = np.where(
        valid,
        "scored" if small is None else np.where(ns < small, "small_numbers", "scored"),
        np.where(present, "no_eligible", "missing"),
    ).astype(object)
    breaches = np.zeros(len(xs), dtype=np.bool_) if breach is None else valid & breach
    achieved = a.astype(object)
    achieved[~valid] = None
    return (
        achieved.tolist(),
        np.where(valid, p, 0.0).tolist(),
        status.tolist(),
        breaches.tolist(),
    )
