"""A funnel plot's exact Poisson limit lines at many expected counts at once.

`ratios.ratio_limits` finds each limit count by 64 halvings of a bracket: 64 incomplete-gamma
evaluations per limit, 23,040 for a plot's 90 sizes × 2 z × 2 sides. Here the same count (the
continuous c with P(c, e) = α above, P(c + 1, e) = 1 − α below, P the regularised lower
incomplete gamma) is found by the secant method inside the same bracket, started from the
normal approximation with its skewness term plus its error at the last three sizes carried on
along a parabola: about three evaluations each, the same limit to about 1e-13 (the bisection's
own rounding).
With τ² > 0 the limits are closed form and taken as they are. A funnel plot asks for them a
doubling of expected counts at a time, on a fixed grid, and keeps them (engine.poisson_grid).
"""

import math
from collections.abc import Callable, Sequence

from qframe.engine.errors import InvalidInput
from qframe.engine.gamma import lower_regularised_positive
from qframe.engine.poisson import gamma_p, tail_alpha
from qframe.engine.ratios import ratio_limits


def ratio_limit_curve(
    expected: Sequence[float], z: float, tau2: float
) -> list[tuple[float, float]]:
    """ratio_limits(e, z, tau2) for every e in expected, in the same order."""
    if any(not e > 0 for e in expected):
        raise InvalidInput("expected must be above 0")
    if tau2 > 0:
        return [ratio_limits(e, z, tau2) for e in expected]
    alpha = tail_alpha(z)
    lows, highs = _count_limits(expected, z, alpha, False), _count_limits(expected, z, alpha, True)
    return [(low / e, high / e) for e, low, high in zip(expected, lows, highs, strict=True)]


def _count_limits(expected: Sequence[float], z: float, alpha: float, above: bool) -> list[float]:
    """The limit count at each expected count. Each search starts from the normal
    approximation with its skewness term (Cornish–Fisher) plus its error at the last three
    sizes carried on along a parabola (the curve is smooth, so the error changes slowly)."""
    target = alpha if above else 1 - alpha
    shift = 0.0 if above else 1.0
    # the slope of P(c, e) in c near the limit, about −φ(z)/√c (normal approximation)
    density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    counts: list[float] = []
    errors = [0.0, 0.0, 0.0]  # the last three sizes' errors in the approximation
    last = (0.0, 0.0)  # the last size's limit (as c + shift) and the secant's slope there
    for e in expected:
        if not above and _none_is_usual(e, target):
            counts.append(0.0)  # no events at all is not unusually few here (as ratios.py)
            continue

        def gap(c: float, e: float = e) -> float:  # falls as c grows; > 0 below the limit
            a = c + shift
            return lower_regularised_positive(a, e) - target if a > 0 else 1.0

        high = e + 12 * math.sqrt(e) + 50
        approx = e + (z if above else -z) * math.sqrt(e) + (z * z + 2) / 6 - shift
        error = 3 * errors[-1] - 3 * errors[-2] + errors[-3]  # carried on along a parabola
        guess = min(max(approx + error, high * 1e-6), high * (1 - 1e-6))
        if last[1] < 0:  # the last size's slope, as the slope goes with 1/√c
            slope = last[1] * math.sqrt(last[0] / max(guess + shift, 1e-300))
        else:
            slope = -density / math.sqrt(max(guess + shift, 1.0))
        found, ended = _secant(gap, 0.0, high, guess, slope)
        counts.append(found)
        last = (found + shift, ended)
        errors = [errors[-2], errors[-1], found - approx]
    return counts


def _none_is_usual(e: float, target: float) -> bool:
    """P(1, e) ≤ 1 − α: with P(1, e) = 1 − exp(−e) in closed form, and P itself (as ratios.py
    compares) only where the two are too close to call."""
    closed = -math.expm1(-e)
    if abs(closed - target) > 1e-9:
        return closed <= target
    return gamma_p(1.0, e) <= target


# the next relative error, about z/2 × the last two steps' (relative) product: 1e-15 is far
# inside the 1e-12 the tests ask of the bisection's limits (worst seen 2.3e-13, as at 1e-17:
# the bisection's own rounding at small counts), and saves about one evaluation in six
PREDICTED = 1e-15


def _secant(
    gap: Callable[[float], float], low: float, high: float, x: float, slope: float
) -> tuple[float, float]:
    """The root of a falling function inside (low, high): a first step along the estimated
    slope, then secant steps, halving whenever a step would leave the bracket, until a step
    is below 1e-14 of the root, or two secant steps in a row are small enough that the next
    one's error (about the product of the two) is below 1e-15 of it: the root to the same
    digits, an evaluation sooner. Returns the root and the last secant's slope (0 if none)."""
    f = gap(x)
    if f == 0:
        return x, 0.0
    low, high = (x, high) if f > 0 else (low, x)
    other = x - f / slope
    if not low < other < high:
        other = (low + high) / 2
    for _ in range(200):
        g = gap(other)
        if g == 0:
            return other, 0.0
        if g > 0:
            low = other
        else:
            high = other
        slope = (g - f) / (other - x) if g != f else 0.0
        step = other - g / slope if slope else (low + high) / 2
        if not low < step < high:
            step, slope = (low + high) / 2, 0.0
        scale = max(1.0, abs(other))
        moved = abs(step - other)
        if moved <= 1e-14 * scale or high - low <= 1e-15 * high:
            return step, slope
        if slope and moved * abs(other - x) <= PREDICTED * scale * scale:
            return step, slope
        x, f, other = other, g, step
    return (low + high) / 2, 0.0  # pragma: no cover - the bracket halves at worst
