"""Funnel-plot control limits: PHE Wilson score and random-effects arcsine (domain.md §7)."""

import math
from dataclasses import dataclass

from qframe.engine.errors import InvalidInput

Z95 = 1.959964
Z998 = 3.090232


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One sampled point of a pair of limit lines."""

    n: float
    low: float
    high: float


def wilson_limits(theta: float, n: float, z: float) -> tuple[float, float]:
    """Return PHE's Wilson score limits (2nθ + z² ± z√(z² + 4nθ(1−θ))) / (2(n + z²))."""
    if not 0 <= theta <= 1 or not n > 0 or not 0 <= z < math.inf:
        raise InvalidInput("need 0 <= theta <= 1, n > 0 and a finite z >= 0")
    z2 = z * z
    centre = 2 * n * theta + z2
    spread = z * math.sqrt(z2 + 4 * n * theta * (1 - theta))
    low = (centre - spread) / (2 * (n + z2))
    high = (centre + spread) / (2 * (n + z2))
    # The interval always contains theta; clamping only removes last-digit rounding.
    return max(0.0, min(low, theta)), min(1.0, max(high, theta))


def funnel_limits(theta: float, n: float, z: float, tau2: float = 0.0) -> tuple[float, float]:
    """Return Wilson limits, or random-effects arcsine limits when tau2 > 0."""
    if tau2 <= 0:
        return wilson_limits(theta, n, z)
    if not 0 <= theta <= 1 or not n > 0 or not math.isfinite(tau2):
        raise InvalidInput("need 0 <= theta <= 1, n > 0 and a finite tau2")
    centre = math.asin(math.sqrt(theta))
    half = z * math.sqrt(1 / (4 * n) + tau2)
    # Clamp the angle, not the result: sin² folds back beyond 0 and π/2.
    low = math.sin(max(0.0, centre - half)) ** 2
    high = math.sin(min(math.pi / 2, centre + half)) ** 2
    return min(low, theta), max(high, theta)


def funnel_curve(
    theta: float, n_max: float, z: float, tau2: float = 0.0, points: int = 60
) -> tuple[CurvePoint, ...]:
    """Sample a pair of limit lines at n from 1 to n_max, spaced geometrically for charting."""
    if not n_max >= 1 or points < 2:
        raise InvalidInput("need n_max >= 1 and at least 2 points")
    ns = [n_max ** (k / (points - 1)) for k in range(points)]
    return tuple(CurvePoint(n, *funnel_limits(theta, n, z, tau2)) for n in ns)
