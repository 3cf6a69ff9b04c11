"""Exact Poisson tail probabilities and limits (regularised incomplete gamma, no SciPy).

P(X >= k | mu) = P(k, mu) and P(X <= k | mu) = 1 - P(k + 1, mu), where P is the regularised
lower incomplete gamma function; the chi-square form of the exact limits follows from
chi2_quantile(q, 2k) / 2 = gamma_quantile(q, k).
"""

import math

from qframe.engine.errors import InvalidInput
from qframe.engine.gamma import lower_regularised


def gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma P(a, x) for a > 0, x >= 0 (engine/gamma.py)."""
    return lower_regularised(a, x)


def poisson_upper_tail(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    return 1.0 if mu <= 0 and k == 0 else (0.0 if mu <= 0 else gamma_p(k, mu))


def poisson_lower_tail(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu)."""
    if k < 0:
        return 0.0
    return 1.0 if mu <= 0 else 1.0 - gamma_p(k + 1, mu)


def gamma_quantile(q: float, a: float) -> float:
    """The x with P(a, x) = q (bisection to full precision)."""
    if not 0 < q < 1 or not a > 0:
        raise InvalidInput("need 0 < q < 1 and a > 0")
    low, high = 0.0, a + 10 * math.sqrt(a) + 40
    while gamma_p(a, high) < q:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if gamma_p(a, mid) < q:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def chi2_quantile(q: float, df: float) -> float:
    """The chi-square quantile with df degrees of freedom."""
    return 2 * gamma_quantile(q, df / 2)


def exact_rate_interval(count: int, z: float) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for a Poisson mean given an observed count."""
    if count < 0:
        raise InvalidInput("a count cannot be negative")
    alpha = 2 * (1 - _normal_cdf(z))
    low = 0.0 if count == 0 else chi2_quantile(alpha / 2, 2 * count) / 2
    return low, chi2_quantile(1 - alpha / 2, 2 * count + 2) / 2


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def tail_alpha(z: float) -> float:
    """One-sided tail probability beyond z on the standard normal (0.025 at 1.96)."""
    return 1 - _normal_cdf(z)
