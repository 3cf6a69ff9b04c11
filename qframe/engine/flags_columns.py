"""Funnel flags over whole numpy columns: `flags.flags_by_row`, without a Python step per row.

The same floats as the row-by-row version, so the same flags: integer sums stay Python
integers; shares, Wilson limits and the arcsine half-widths are the same IEEE operations in the
same order (numpy's +, −, ×, ÷ and √ are correctly rounded, as Python's are); the functions
that are not (asin, sin, and `** 2`, which is libm's pow) run through `math` and `pow` by
`map`, on one value per distinct denominator. Each limit is worked out once per denominator.
Counts of 2**53 or more go row by row (a float no longer holds them exactly).
"""

import math
from collections.abc import Sequence
from itertools import repeat
from operator import mul

import numpy as np
import numpy.typing as npt

from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Z95, Z998, Flag, Reference
from qframe.engine.funnel_summary import FunnelSummary
from qframe.engine.types import Polarity

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
EXACT = 2**53
# Flag codes, indexes into NAMES.
NO_DATA, SMALL, WITHIN, ALERT, ALARM, BETTER_ALERT, BETTER_ALARM = range(7)
NAMES: tuple[Flag, ...] = (
    "no_data", "small_numbers", "within", "alert", "alarm", "better_alert", "better_alarm",
)  # fmt: skip


def integer_columns(
    numerators: Sequence[int | None], denominators: Sequence[int | None]
) -> tuple[Ints, Ints, Mask] | None:
    """(numerators, denominators, present) as int64 columns, missing counts as 0 and not
    present; None when a count is not a plain integer below 2**53 (then go row by row)."""
    xs, ns = np.asarray(numerators), np.asarray(denominators)
    if xs.dtype.kind != "i" or ns.dtype.kind != "i":
        present = [
            x is not None and n is not None for x, n in zip(numerators, denominators, strict=True)
        ]
        xs = np.asarray([x if p else 0 for x, p in zip(numerators, present, strict=True)])
        ns = np.asarray([n if p else 0 for n, p in zip(denominators, present, strict=True)])
        if xs.dtype.kind != "i" or ns.dtype.kind != "i":
            return None
        mask = np.asarray(present, dtype=np.bool_)
    else:
        mask = np.ones(len(xs), dtype=np.bool_)
    if len(xs) and (np.abs(xs).max() >= EXACT or np.abs(ns).max() >= EXACT):
        return None
    return xs.astype(np.int64, copy=False), ns.astype(np.int64, copy=False), mask


def column_flags(
    xs: Ints,
    ns: Ints,
    present: Mask,
    polarity: Polarity,
    small: int | None,
    min_units: int,
    reference: Reference | None,
) -> tuple[FunnelSummary, list[Flag]]:
    """flags_by_row's summary and flags, from integer columns."""
    if np.any(present & ((xs < 0) | (xs > ns))):
        raise InvalidInput("need 0 <= numerator <= denominator")
    counted = present & (ns > 0)
    total_den = sum(ns[counted].tolist())
    if total_den == 0:
        return FunnelSummary(None, None, 0.0), ["no_data"] * len(xs)
    theta = sum(xs[counted].tolist()) / total_den
    flagged = counted if small is None else counted & (ns >= small)
    phi, tau2 = _overdispersion(theta, xs[flagged], ns[flagged], min_units)
    basis, provisional = "local", phi is None
    if phi is None and reference is not None:
        theta, tau2, basis, provisional = reference.target, reference.tau2, reference.source, False
    codes = np.full(len(xs), NO_DATA, dtype=np.int8)
    codes[counted & ~flagged] = SMALL
    codes[flagged] = _judge(xs[flagged], ns[flagged], theta, tau2, polarity)
    names = np.asarray(NAMES, dtype=object)
    return FunnelSummary(theta, phi, tau2, provisional, basis), names[codes].tolist()


def _judge(xs: Ints, ns: Ints, theta: float, tau2: float, polarity: Polarity) -> Ints:
    """Each row's flag code against limits at its own denominator."""
    if not len(ns):
        return np.zeros(0, dtype=np.int64)
    higher = polarity == "higher_is_better"
    sizes, where = np.unique(ns, return_inverse=True)
    bad95, bad998 = (_limits(theta, tau2, sizes, z, low=higher)[where] for z in (Z95, Z998))
    good95, good998 = (_limits(theta, tau2, sizes, z, low=not higher)[where] for z in (Z95, Z998))
    share = xs / ns
    if higher:
        bad, worse = share < bad95, share < bad998
        inside, far = share <= good95, share > good998
    else:
        bad, worse = share > bad95, share > bad998
        inside, far = share >= good95, share < good998
    good = np.where(inside, WITHIN, np.where(far, BETTER_ALARM, BETTER_ALERT))
    return np.where(bad, np.where(worse, ALARM, ALERT), good)


def _limits(theta: float, tau2: float, sizes: Ints, z: float, *, low: bool) -> Floats:
    """funnel_limits' lower (low) or upper limit at each size: flags._limit_function's
    expressions, operation for operation."""
    if tau2 <= 0:
        z2 = z * z
        centre = 2 * sizes * theta + z2
        spread = z * np.sqrt(z2 + 4 * sizes * theta * (1 - theta))
        if low:
            return np.maximum(0.0, np.minimum((centre - spread) / (2 * (sizes + z2)), theta))
        return np.minimum(1.0, np.maximum((centre + spread) / (2 * (sizes + z2)), theta))
    angle = math.asin(math.sqrt(theta))
    half = z * np.sqrt(1 / (4 * sizes) + tau2)
    if low:
        edge = np.maximum(0.0, angle - half)
    else:
        edge = np.minimum(math.pi / 2, angle + half)
    squares = np.fromiter(
        map(pow, map(math.sin, edge.tolist()), repeat(2)), dtype=np.float64, count=len(edge)
    )
    return np.minimum(squares, theta) if low else np.maximum(squares, theta)


def _overdispersion(theta: float, xs: Ints, ns: Ints, min_units: int) -> tuple[float | None, float]:
    # flags._overdispersion term for term.
    count = len(ns)
    if count < max(2, min_units):
        return None, 0.0
    target = math.asin(math.sqrt(theta))
    roots = np.sqrt(xs / ns).tolist()
    angles = np.fromiter(map(math.asin, roots), dtype=np.float64, count=count)
    z = (angles - target) * 2 * np.sqrt(ns)
    low, high = _outer_deciles(z)
    phi = math.fsum(map(pow, np.clip(z, low, high).tolist(), repeat(2))) / count
    if count * phi <= count - 1:
        return phi, 0.0
    weights = (4 * ns).tolist()  # Python integers: exact sums
    sum_w = sum(weights)
    sum_w2 = sum(map(mul, weights, weights))
    return phi, (count * phi - (count - 1)) / (sum_w - sum_w2 / sum_w)


def _outer_deciles(z: Floats) -> tuple[float, float]:
    """statistics.quantiles(z, n=10, method="inclusive")[0] and [-1], by its own arithmetic:
    only the four order statistics it interpolates between are put in place."""
    m = len(z) - 1
    (j1, d1), (j9, d9) = divmod(m, 10), divmod(9 * m, 10)
    data = np.partition(z, sorted({j1, j1 + 1, j9, j9 + 1}))  # j + 1 <= m when m >= 1
    low = (float(data[j1]) * (10 - d1) + float(data[j1 + 1]) * d1) / 10
    high = (float(data[j9]) * (10 - d9) + float(data[j9 + 1]) * d9) / 10
    return low, high
